// Serves the built app: MIME types, cache rules, index.html for app routes, no way out of the root.
import { createReadStream, realpathSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, posix, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { HeaderSet } from './headers';
import { RelayError } from './reply';

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** Vite puts content-hashed files here; everything else (index.html, sw.js...) must revalidate. */
const IMMUTABLE_DIR = `assets${sep}`;

const notFound = () => new RelayError(404, 'not_found', 'no such file');

/** The decoded, normalized path, or undefined for anything that tries to leave the root. */
export function safePath(rawPath: string): string | undefined {
  // Encoded separators and NUL have no business in a file path.
  if (/%(2f|5c|00)|\\/i.test(rawPath)) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0')) return undefined;
  if (decoded.split('/').includes('..')) return undefined;
  return posix.normalize(decoded);
}

const inside = (root: string, path: string): boolean =>
  path === root || path.startsWith(`${root}${sep}`);

interface Found {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Resolves symlinks before the containment check, so a link cannot point out of the root. */
async function findFile(root: string, path: string): Promise<Found | undefined> {
  let real: string;
  try {
    real = await realpath(join(root, path));
  } catch {
    return undefined;
  }
  if (!inside(root, real)) throw notFound();
  const info = await stat(real);
  if (info.isDirectory()) return findFile(root, posix.join(path, 'index.html'));
  return info.isFile() ? { path: real, size: info.size, mtimeMs: info.mtimeMs } : undefined;
}

/** A path with no extension is a route inside the single-page app. */
const isAppRoute = (path: string): boolean => extname(path) === '';

export function createStatic(dir: string) {
  const root = realpathSync(dir);

  return async function serveStatic(
    req: IncomingMessage,
    res: ServerResponse,
    rawPath: string,
    headers: HeaderSet,
  ): Promise<void> {
    const path = safePath(rawPath);
    if (path === undefined) throw new RelayError(400, 'bad_path', 'path is not allowed');
    const found =
      (await findFile(root, path)) ??
      (isAppRoute(path) ? await findFile(root, '/index.html') : undefined);
    if (!found) throw notFound();
    const etag = `W/"${found.size.toString(16)}-${Math.floor(found.mtimeMs).toString(16)}"`;
    const immutable = relative(root, found.path).startsWith(IMMUTABLE_DIR);
    const cache = {
      ...headers,
      ETag: etag,
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, cache).end();
      return;
    }
    res.writeHead(200, {
      ...cache,
      'Content-Type': MIME_TYPES[extname(found.path).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': found.size,
      'Last-Modified': new Date(found.mtimeMs).toUTCString(),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    // A client that leaves mid-file is normal; pipeline closes the file either way.
    await pipeline(createReadStream(found.path), res).catch(() => res.destroy());
  };
}
