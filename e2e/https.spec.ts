// `npm start -- --https`: the start script makes a self-signed certificate and the app loads
// over TLS in a secure context, on a device that trusts that certificate.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Page, TestInfo } from '@playwright/test';
import { withTestParams } from './fixtures/app';
import { assertBuilt } from './fixtures/relay';
import { expect, test } from './fixtures/test';

const START_SCRIPT = fileURLToPath(new URL('../scripts/start.mjs', import.meta.url));
const START_TIMEOUT_MS = 20_000;

/** Runs the start script in `cwd` and resolves with the address it prints. */
function startHttps(cwd: string, output: string[]): { child: ChildProcess; url: Promise<string> } {
  const child = spawn(
    process.execPath,
    [START_SCRIPT, '--https', '--port', '0', '--host', '127.0.0.1'],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the start script printed no address')),
      START_TIMEOUT_MS,
    );
    child.once('exit', (code) => reject(new Error(`the start script exited with ${code}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      output.push(line);
      const running = /clipmesh is running at (\S+)/.exec(line);
      if (running?.[1]) {
        clearTimeout(timer);
        resolve(running[1]);
      }
    });
  });
  return { child, url };
}

/**
 * Chromium flag that trusts this one certificate, as a phone does once its owner installs it.
 * Only accepting the warning (ignoreHTTPSErrors) is not enough: Chromium then refuses to
 * register the service worker and says so in the console.
 */
function trustFlag(certFile: string): string {
  const key = new X509Certificate(readFileSync(certFile)).publicKey;
  const spki = createHash('sha256').update(key.export({ type: 'spki', format: 'der' }));
  return `--ignore-certificate-errors-spki-list=${spki.digest('base64')}`;
}

function stopped(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Runs the https start script in a folder of the test's own, for the length of `use`. */
async function withHttpsStart(
  testInfo: TestInfo,
  use: (address: string, certFile: string) => Promise<void>,
): Promise<void> {
  assertBuilt();
  const cwd = testInfo.outputPath('start');
  mkdirSync(cwd, { recursive: true });
  const output: string[] = [];
  const { child, url } = startHttps(cwd, output);
  try {
    const address = await url;
    expect(address).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    await use(address, `${cwd}/.cert/clipmesh.crt`);
  } catch (error) {
    throw new Error(
      `${(error as Error).message}\n--- start script output ---\n${output.join('\n')}`,
    );
  } finally {
    child.kill('SIGTERM');
    expect(await stopped(child)).toBe(0);
  }
}

async function expectAppInSecureContext(page: Page): Promise<void> {
  await expect(page.locator('[data-testid="room-qr"] img')).toBeVisible();
  expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
  await expect(page.getByTestId('room-link')).toHaveText(/^https:\/\/127\.0\.0\.1:/);
}

test('the https start command serves the app in a secure context', async ({
  devices,
}, testInfo) => {
  await withHttpsStart(testInfo, async (address, certFile) => {
    const phone = await devices.launch('phone', { args: [trustFlag(certFile)] });
    await phone.page.goto(withTestParams(address));
    await expectAppInSecureContext(phone.page);
    expect(phone.consoleErrors).toEqual([]);
  });
});

test('accepting the certificate warning once is enough for a secure context', async ({
  devices,
}, testInfo) => {
  await withHttpsStart(testInfo, async (address) => {
    const phone = await devices.launch('phone', { context: { ignoreHTTPSErrors: true } });
    await phone.page.goto(withTestParams(address));
    await expectAppInSecureContext(phone.page);
    // Its console is not checked: Chromium logs that it refused the service worker of a
    // certificate it does not trust, which README.md tells the person too.
  });
});
