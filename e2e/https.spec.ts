// `npm start -- --https`: the start script makes a self-signed certificate and the app loads
// over TLS in a secure context, on a device that trusts that certificate; on a network, it
// prints a QR code of the address a phone opens.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Page, TestInfo } from '@playwright/test';
import { withTestParams } from './fixtures/app';
import { decodeQrFromTerminal } from './fixtures/qr';
import { assertBuilt } from './fixtures/relay';
import { expect, test } from './fixtures/test';
import { insideNamespace, NETNS_ADDRESS } from './netns.mjs';

const START_SCRIPT = fileURLToPath(new URL('../scripts/start.mjs', import.meta.url));
const START_TIMEOUT_MS = 20_000;

const LOOPBACK = ['--host', '127.0.0.1'];

/** Runs the start script in `cwd` and resolves with the address it prints. */
function startHttps(
  cwd: string,
  output: string[],
  hostArgs: string[],
): { child: ChildProcess; url: Promise<string> } {
  const child = spawn(process.execPath, [START_SCRIPT, '--https', '--port', '0', ...hostArgs], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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

interface Started {
  /** The address the script says it runs at. */
  address: string;
  certFile: string;
  /** Everything it printed so far, a line an entry. */
  output: string[];
}

/**
 * Runs the https start script in a folder of the test's own, for the length of `use`;
 * bound to loopback unless `hostArgs` say otherwise.
 */
async function withHttpsStart(
  testInfo: TestInfo,
  use: (started: Started) => Promise<void>,
  hostArgs = LOOPBACK,
): Promise<void> {
  assertBuilt();
  const cwd = testInfo.outputPath('start');
  mkdirSync(cwd, { recursive: true });
  const output: string[] = [];
  const { child, url } = startHttps(cwd, output, hostArgs);
  try {
    const address = await url;
    await use({ address, certFile: `${cwd}/.cert/clipmesh.crt`, output });
  } catch (error) {
    throw new Error(
      `${(error as Error).message}\n--- start script output ---\n${output.join('\n')}`,
    );
  } finally {
    child.kill('SIGTERM');
    expect(await stopped(child)).toBe(0);
  }
}

/** The app at `address` is up in a secure context, and its room links point there. */
async function expectAppInSecureContext(page: Page, address: string): Promise<void> {
  await expect(page.locator('[data-testid="room-qr"] img')).toBeVisible();
  expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
  const escaped = address.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  await expect(page.getByTestId('room-link')).toHaveText(new RegExp(`^${escaped}#`));
}

test('the https start command serves the app in a secure context', async ({
  devices,
}, testInfo) => {
  await withHttpsStart(testInfo, async ({ address, certFile }) => {
    expect(address).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const phone = await devices.launch('phone', { args: [trustFlag(certFile)] });
    await phone.page.goto(withTestParams(address));
    await expectAppInSecureContext(phone.page, address);
    expect(phone.consoleErrors).toEqual([]);
  });
});

test('accepting the certificate warning once is enough for a secure context', async ({
  devices,
}, testInfo) => {
  await withHttpsStart(testInfo, async ({ address }) => {
    expect(address).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const phone = await devices.launch('phone', { context: { ignoreHTTPSErrors: true } });
    await phone.page.goto(withTestParams(address));
    await expectAppInSecureContext(phone.page, address);
    // Its console is not checked: Chromium logs that it refused the service worker of a
    // certificate it does not trust, which README.md tells the person too.
  });
});

/** The lines of the QR code the start script prints, once it has printed all of them. */
async function printedQr(output: string[]): Promise<string[]> {
  const after = "or scan this with the phone's camera:";
  const before = 'The phone warns once about the certificate';
  await expect.poll(() => output.some((line) => line.startsWith(before))).toBe(true);
  const start = output.indexOf(after);
  const end = output.findIndex((line) => line.startsWith(before));
  expect(start).toBeGreaterThanOrEqual(0);
  return output.slice(start + 1, end).filter((line) => line.trim() !== '');
}

test('on a network, the https start command prints a QR code of the address a phone opens', async ({
  devices,
}, testInfo) => {
  // Bound to every address as `npm start -- --https` is, which only the suite's own
  // namespace makes safe: there the one network address is the namespace's.
  if (!insideNamespace()) {
    throw new Error('this test binds every address: run it as root through node e2e/run.mjs');
  }
  const namespaceIp = NETNS_ADDRESS.split('/')[0] as string;
  await withHttpsStart(
    testInfo,
    async ({ address, certFile, output }) => {
      const port = new URL(address).port;
      const phoneAddress = `https://${namespaceIp}:${port}/`;
      expect(output).toContain(`On the same Wi-Fi, open ${phoneAddress}`);
      expect(decodeQrFromTerminal(await printedQr(output))).toBe(phoneAddress);
      // The certificate names that address, so a phone that trusts it opens the page.
      expect(new X509Certificate(readFileSync(certFile)).checkIP(namespaceIp)).toBe(namespaceIp);

      const phone = await devices.launch('phone', { args: [trustFlag(certFile)] });
      await phone.page.goto(withTestParams(phoneAddress));
      await expectAppInSecureContext(phone.page, phoneAddress);
      expect(phone.consoleErrors).toEqual([]);
    },
    [],
  );
});
