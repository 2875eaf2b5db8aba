import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { relayBuildOptions } from '../scripts/relay-build.mjs';
import { launchRelay } from '../scripts/relay-process.mjs';
import { deviceId, deviceKey, roomId, subscribe } from './harness';
import { hasOpenssl, makeTestCertificate } from './test-cert';

let bundle = '';

beforeAll(async () => {
  bundle = join(mkdtempSync(join(tmpdir(), 'clipmesh-relay-')), 'relay.mjs');
  // The same build as `npm run build:relay`: one file, only node: imports.
  await build({ ...relayBuildOptions(bundle), logLevel: 'silent' });
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
  return { child, exited, output: () => ({ stdout, stderr }) };
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
    let output = '';
    const { child, url } = await launchRelay({
      bundle,
      args: ['--port', '0', '--host', '127.0.0.1'],
      onOutput: (text) => {
        output += text;
      },
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url.endsWith(':0')).toBe(false);
    const stream = await subscribe(url, roomId(), deviceId(), deviceKey());
    await stream.next('members');
    child.kill('SIGTERM');
    await stream.whenEnded();
    expect(await exited).toBe(0);
    expect(output).toContain('"msg":"shutting down"');
  });

  it.skipIf(!hasOpenssl())('with --cert and --key it listens on https', async () => {
    const { certFile, keyFile } = makeTestCertificate();
    const args = ['--port', '0', '--host', '127.0.0.1', '--cert', certFile, '--key', keyFile];
    const { child, url } = await launchRelay({ bundle, args });
    try {
      expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      child.kill('SIGTERM');
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
