// The edge of a request: its method, its path and query, and Node's refusals answered in JSON.
import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { DEVICE_ID_PATTERN, DEVICE_KEY_PATTERN, type ErrorResponse } from './contract';
import { RelayError } from './reply';

export function allowMethods(req: IncomingMessage, ...methods: string[]): void {
  if (methods.includes(req.method ?? '')) return;
  const allow = methods.join(', ');
  throw new RelayError(405, 'bad_method', `method not allowed; use ${allow}`, { Allow: allow });
}

export function splitUrl(url: string): { path: string; search: string } {
  const mark = url.indexOf('?');
  if (mark < 0) return { path: url, search: '' };
  return { path: url.slice(0, mark), search: url.slice(mark + 1) };
}

export function subscriberParams(req: IncomingMessage, search: string) {
  const query = new URLSearchParams(search);
  const device = query.get('device') ?? '';
  const key = query.get('key') ?? '';
  if (!DEVICE_ID_PATTERN.test(device)) {
    throw new RelayError(400, 'bad_device', 'device must be 8 to 64 base64url characters');
  }
  if (!DEVICE_KEY_PATTERN.test(key)) {
    throw new RelayError(400, 'bad_key', 'key must be 16 to 128 base64url characters');
  }
  const header = req.headers['last-event-id'];
  const lastEventId = typeof header === 'string' ? header : (query.get('lastEventId') ?? undefined);
  return { device, key, lastEventId };
}

/** Node's parser refused the bytes; answer in JSON like every other refusal. */
export function refuseMalformed(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 431
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 408
        : 400;
  const answer: ErrorResponse = { error: 'malformed HTTP request', code: 'bad_request' };
  const body = JSON.stringify(answer);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
  );
}
