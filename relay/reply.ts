// JSON answers, and the typed error every refusal is thrown as.
import type { ServerResponse } from 'node:http';
import type { ErrorResponse } from './contract';

/** A refusal: `reason` is the metrics label, `message` the words the client reads. */
export class RelayError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'RelayError';
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: RelayError): void {
  const body: ErrorResponse = { error: error.message };
  sendJson(res, error.status, body, error.headers);
}
