import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config';
import { createRelay } from './server';
import { hasOpenssl, makeTestCertificate } from './test-cert';

/** GETs `url` trusting only `ca`, so a wrong certificate fails the request. */
function getTrusting(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { ca }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe.skipIf(!hasOpenssl())('relay over TLS', () => {
  it('serves https with a certificate and key', async () => {
    const { certFile, keyFile } = makeTestCertificate();
    const cert = readFileSync(certFile);
    const relay = createRelay({ tls: { cert, key: readFileSync(keyFile) } });
    try {
      const { port } = await relay.listen(0, '127.0.0.1');
      const reply = await getTrusting(`https://127.0.0.1:${port}/healthz`, cert);
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toMatchObject({ ok: true });
    } finally {
      await relay.close();
    }
  });
});

describe.skipIf(!hasOpenssl())('per-address limits over TLS', () => {
  it('count sockets that never finish their handshake', async () => {
    const { certFile, keyFile } = makeTestCertificate();
    const cert = readFileSync(certFile);
    const relay = createRelay({
      tls: { cert, key: readFileSync(keyFile) },
      maxConnectionsPerIp: 1,
    });
    let idle: Socket | undefined;
    try {
      const { port } = await relay.listen(0, '127.0.0.1');
      const socket = connect(port, '127.0.0.1');
      idle = socket;
      await new Promise((resolve) => socket.once('connect', resolve));
      await expect(getTrusting(`https://127.0.0.1:${port}/healthz`, cert)).rejects.toThrow();
      socket.destroy();
      await expect
        .poll(() => getTrusting(`https://127.0.0.1:${port}/healthz`, cert).then((r) => r.status))
        .toBe(200);
    } finally {
      idle?.destroy();
      await relay.close();
    }
  });
});

describe('TLS config', () => {
  it('reads --cert and --key, or CLIPMESH_CERT and CLIPMESH_KEY', () => {
    const paths = { cert: 'c.pem', key: 'k.pem' };
    expect(parseConfig(['--cert', 'c.pem', '--key=k.pem'], {})).toMatchObject(paths);
    expect(parseConfig([], { CLIPMESH_CERT: 'c.pem', CLIPMESH_KEY: 'k.pem' })).toMatchObject(paths);
  });

  it('refuses a certificate without its key, and a key without its certificate', () => {
    expect(() => parseConfig(['--cert', 'c.pem'], {})).toThrow(ConfigError);
    expect(() => parseConfig([], { CLIPMESH_KEY: 'k.pem' })).toThrow(/go together/);
  });
});
