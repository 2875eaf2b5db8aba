import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { deviceId, deviceKey, roomId, subscribe } from './harness';
import { hasOpenssl, makeTestCertificate } from './test-cert';

let bundle = '';

beforeAll(async () => {
  bundle = join(mkdtempSync(join(tmpdir(), 'clipmesh-relay-')), 'relay.mjs');
  // The same build as `npm run build:relay`: one file, only node: imports.
  await build({
    entryPoints: [join(import.meta.dirname, 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    logLevel: 'silent',
  });
});

function run(args: string[]) {
  const child = spawn(process.execPath, [bundle, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const line = async (msg: string): Promise<Record<string, unknown>> => {
    for (;;) {
      const found = stdout
        .split('\n')
        .filter(Boolean)
        .map((text) => JSON.parse(text) as Record<string, unknown>)
        .find((entry) => entry.msg === msg);
      if (found) return found;
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10))]);
      if (child.exitCode !== null) throw new Error(`exited: ${stderr}`);
    }
  };
  return { child, exited, line, output: () => ({ stdout, stderr }) };
}

describe('relay command', () => {
  it('prints help and exits 0', async () => {
    const relay = run(['--help']);
    expect(await relay.exited).toBe(0);
    expect(relay.output().stdout).toContain('CLIPMESH_MAX_CONNECTIONS_PER_IP');
  });

  it('exits 2 with a plain message on a bad flag', async () => {
    const relay = run(['--port', 'eighty']);
    expect(await relay.exited).toBe(2);
    expect(relay.output().stderr).toContain('--port (PORT) must be a port');
  });

  it('listens on the real port, and on SIGTERM ends streams and exits 0', async () => {
    const relay = run(['--port', '0', '--host', '127.0.0.1']);
    const listening = await relay.line('listening');
    const url = String(listening.url);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url.endsWith(':0')).toBe(false);
    const stream = await subscribe(url, roomId(), deviceId(), deviceKey());
    await stream.next('members');
    relay.child.kill('SIGTERM');
    await stream.whenEnded();
    expect(await relay.exited).toBe(0);
    expect(relay.output().stdout).toContain('"msg":"shutting down"');
  });

  it.skipIf(!hasOpenssl())('with --cert and --key it listens on https', async () => {
    const { certFile, keyFile } = makeTestCertificate();
    const relay = run(['--port', '0', '--host', '127.0.0.1', '--cert', certFile, '--key', keyFile]);
    try {
      const listening = await relay.line('listening');
      expect(String(listening.url)).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      relay.child.kill('SIGTERM');
      await relay.exited;
    }
  });

  it('exits 2 naming the flag when the key file cannot be read', async () => {
    const relay = run([
      '--port',
      '0',
      '--cert',
      '/nonexistent/c.pem',
      '--key',
      '/nonexistent/k.pem',
    ]);
    expect(await relay.exited).toBe(2);
    expect(relay.output().stderr).toContain('--cert: cannot read /nonexistent/c.pem');
  });
});
