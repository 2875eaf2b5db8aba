import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, startRelay } from './harness';

afterEach(closeAll);

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
  "connect-src 'self'; worker-src 'self'; manifest-src 'self'; media-src 'self' blob:; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

let root = '';

beforeAll(() => {
  const base = mkdtempSync(join(tmpdir(), 'clipmesh-static-'));
  root = join(base, 'app');
  mkdirSync(join(root, 'assets'), { recursive: true });
  mkdirSync(join(base, 'outside'));
  writeFileSync(join(base, 'secret.txt'), 'top secret');
  writeFileSync(join(base, 'outside', 'secret.txt'), 'top secret');
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>clipmesh</title>');
  writeFileSync(join(root, 'assets', 'index-a1b2c3.js'), 'console.log(1)');
  writeFileSync(join(root, 'sw.js'), 'self.skipWaiting()');
  writeFileSync(join(root, 'manifest.webmanifest'), '{}');
  writeFileSync(join(root, 'icon.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  writeFileSync(join(root, 'blob.bin'), 'bytes');
  symlinkSync(join(base, 'outside'), join(root, 'leak'));
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends the path exactly as written: no client-side normalization. */
function raw(url: string, path: string, method = 'GET', headers = {}): Promise<Raw> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static hosting', () => {
  it('serves files with their MIME type and cache rules', async () => {
    const { url } = await startRelay({ staticDir: root });
    const cases = [
      ['/', 'text/html; charset=utf-8', 'no-cache'],
      [
        '/assets/index-a1b2c3.js',
        'text/javascript; charset=utf-8',
        'public, max-age=31536000, immutable',
      ],
      ['/sw.js', 'text/javascript; charset=utf-8', 'no-cache'],
      ['/manifest.webmanifest', 'application/manifest+json', 'no-cache'],
      ['/icon.png', 'image/png', 'no-cache'],
      ['/blob.bin', 'application/octet-stream', 'no-cache'],
    ];
    for (const [path, type, cache] of cases) {
      const answer = await raw(url, path ?? '');
      expect(answer.status, path).toBe(200);
      expect(answer.headers['content-type'], path).toBe(type);
      expect(answer.headers['cache-control'], path).toBe(cache);
    }
  });

  it('puts the security headers on what it serves', async () => {
    const { url } = await startRelay({ staticDir: root });
    const { headers } = await raw(url, '/');
    expect(headers['content-security-policy']).toBe(CSP);
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['permissions-policy']).toBe(
      'camera=(self), clipboard-read=(self), clipboard-write=(self)',
    );
    expect(headers['cross-origin-opener-policy']).toBe('same-origin');
  });

  it('adds configured origins to connect-src', async () => {
    const { url } = await startRelay({
      staticDir: root,
      connectSrc: ['https://relay.example', 'wss://signal.example'],
    });
    const { headers } = await raw(url, '/');
    expect(headers['content-security-policy']).toContain(
      "connect-src 'self' https://relay.example wss://signal.example;",
    );
  });

  it('answers app routes with index.html, but not missing files or API paths', async () => {
    const { url } = await startRelay({ staticDir: root });
    const route = await raw(url, '/join/room?x=1');
    expect(route.status).toBe(200);
    expect(route.body).toContain('<title>clipmesh</title>');
    const underAssets = await raw(url, '/assets/not-a-file');
    expect(underAssets.headers['cache-control']).toBe('no-cache');
    expect((await raw(url, '/missing.js')).status).toBe(404);
    const api = await raw(url, '/v1/whatever');
    expect(api.status).toBe(404);
    expect(JSON.parse(api.body)).toEqual({ error: 'not found', code: 'not_found' });
  });

  it('supports HEAD and revalidation', async () => {
    const { url } = await startRelay({ staticDir: root });
    const head = await raw(url, '/sw.js', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('18');
    expect(head.body).toBe('');
    const etag = String(head.headers.etag);
    const again = await raw(url, '/sw.js', 'GET', { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.etag).toBe(etag);
    expect(again.headers['content-security-policy']).toBe(CSP);
    expect((await raw(url, '/', 'POST')).status).toBe(405);
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/%2E%2E/secret.txt',
    '/assets%2f..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/index.html%00.png',
    '/%00',
    '/%E0%A4%A',
  ])('refuses the path %s', async (path) => {
    const { url, relay } = await startRelay({ staticDir: root });
    const answer = await raw(url, path);
    expect(answer.status).toBe(400);
    expect(answer.body).not.toContain('top secret');
    expect(relay.metrics.rejections('bad_path')).toBe(1);
  });

  it('does not follow a symlink out of the root', async () => {
    const { url } = await startRelay({ staticDir: root });
    const answer = await raw(url, '/leak/secret.txt');
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain('top secret');
  });

  it('answers 404 for everything but the API when no directory is given', async () => {
    const { url } = await startRelay();
    expect((await raw(url, '/')).status).toBe(404);
  });
});
