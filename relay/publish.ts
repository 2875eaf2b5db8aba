// The edge of a publish: content type, a bounded body read, and a strict PublishRequest.
import type { IncomingMessage } from 'node:http';
import { DEVICE_ID_PATTERN, DEVICE_KEY_PATTERN, type PublishRequest } from './contract';
import { RelayError } from './reply';

const FIELDS = new Set(['device', 'key', 'to', 'payload']);

const badBody = (message: string) => new RelayError(400, 'bad_body', message);

const tooLarge = (limit: number) =>
  // Closing the connection means the rest of the body is never read.
  new RelayError(413, 'too_large', `body is larger than ${limit} bytes`, { Connection: 'close' });

export function requireJson(req: IncomingMessage): void {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new RelayError(415, 'unsupported_type', 'Content-Type must be application/json');
  }
}

/** Reads the body, refusing as soon as it passes `limit` bytes rather than buffering it all. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (Number(req.headers['content-length']) > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.pause();
      reject(tooLarge(limit));
    };
    req.on('data', onData);
    req.on('end', () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)),
    );
    req.on('close', () => {
      if (!req.complete) reject(new RelayError(400, 'aborted', 'request body was cut short'));
    });
  });
}

/** A string field that matches `pattern`, or a bad_body refusal naming it. */
export function field(
  body: Record<string, unknown>,
  name: string,
  pattern: RegExp,
  what: string,
): string {
  const value = body[name];
  if (typeof value !== 'string' || !pattern.test(value)) throw badBody(`${name} must be ${what}`);
  return value;
}

/** The body as a JSON object holding only `allowed` fields, or a bad_body refusal. */
export function readJsonObject(
  bytes: Buffer,
  allowed: ReadonlySet<string>,
): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw badBody('body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badBody('body must be a JSON object');
  }
  const record = body as Record<string, unknown>;
  const unknown = Object.keys(record).find((name) => !allowed.has(name));
  if (unknown !== undefined) throw badBody(`unknown field ${JSON.stringify(unknown.slice(0, 40))}`);
  return record;
}

export function parsePublish(bytes: Buffer): PublishRequest {
  const record = readJsonObject(bytes, FIELDS);
  const device = field(record, 'device', DEVICE_ID_PATTERN, 'a device id');
  const key = field(record, 'key', DEVICE_KEY_PATTERN, 'a device key');
  const to = 'to' in record ? field(record, 'to', DEVICE_ID_PATTERN, 'a device id') : undefined;
  const payload = record.payload;
  if (typeof payload !== 'string' || payload.length === 0) {
    throw badBody('payload must be a non-empty string');
  }
  return to === undefined ? { device, key, payload } : { device, key, to, payload };
}
