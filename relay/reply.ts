// JSON answers, and the typed error every refusal is thrown as.
import type { ServerResponse } from 'node:http';
import type { ErrorCode, ErrorResponse } from './contract';
import type { HeaderSet } from './headers';

/** A refusal: `reason` is its code (and metrics label), `message` the words a person reads. */
export class RelayError extends Error {
  constructor(
    readonly status: number,
    readonly reason: ErrorCode,
    message: string,
    readonly headers: HeaderSet = {},
  ) {
    super(message);
    this.name = 'RelayError';
  }
}

/** `headers` are the request's shared set (see Cors.api), written in the same writeHead. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: HeaderSet,
  extra?: HeaderSet,
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
    ...extra,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: RelayError, headers: HeaderSet): void {
  const body: ErrorResponse = { error: error.message, code: error.reason };
  sendJson(res, error.status, body, headers, error.headers);
}
