// For tests: starts relays on 127.0.0.1:0 and speaks to them as devices do.
import { randomBytes } from 'node:crypto';
import { type IncomingHttpHeaders, request } from 'node:http';
import type { LogEntry } from './log';
import { createRelay, type Relay, type RelayOptions } from './server';

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

export const roomId = (): string => randomBytes(12).toString('base64url');
export const deviceId = (): string => `dev${randomBytes(6).toString('base64url')}`;
export const deviceKey = (): string => randomBytes(18).toString('base64url');

const open: { close(): unknown }[] = [];

/** Closes every stream and relay the current test opened. */
export async function closeAll(): Promise<void> {
  const closing = open.splice(0).reverse();
  for (const item of closing) await item.close();
}

export interface TestRelay {
  relay: Relay;
  url: string;
  logs: LogEntry[];
  /** The relay's clock; only moves when told to. */
  clock: { now: () => number; advance(ms: number): void };
}

export async function startRelay(options: RelayOptions = {}): Promise<TestRelay> {
  let time = 1_700_000_000_000;
  const logs: LogEntry[] = [];
  const relay = createRelay({ now: () => time, log: (entry) => logs.push(entry), ...options });
  const { port } = await relay.listen(0, '127.0.0.1');
  open.push(relay);
  const clock = {
    now: () => time,
    advance(ms: number) {
      time += ms;
    },
  };
  return { relay, url: `http://127.0.0.1:${port}`, logs, clock };
}

export class Subscription {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  retry?: number;
  ended = false;
  private buffer = '';
  private read = 0;
  private wake: () => void = () => {};

  constructor(
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
    readonly body: string,
    readonly close: () => void,
  ) {}

  push(text: string): void {
    this.buffer += text;
    let end = this.buffer.indexOf('\n\n');
    while (end >= 0) {
      this.parseBlock(this.buffer.slice(0, end));
      this.buffer = this.buffer.slice(end + 2);
      end = this.buffer.indexOf('\n\n');
    }
    this.wake();
  }

  finish(): void {
    this.ended = true;
    this.wake();
  }

  private parseBlock(block: string): void {
    const event: SseEvent = { event: 'message', data: '' };
    let hasData = false;
    for (const line of block.split('\n')) {
      const colon = line.indexOf(':');
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (name === '') this.comments.push(value);
      else if (name === 'id') event.id = value;
      else if (name === 'event') event.event = value;
      else if (name === 'retry') this.retry = Number(value);
      else if (name === 'data') {
        event.data = hasData ? `${event.data}\n${value}` : value;
        hasData = true;
      }
    }
    if (hasData) this.events.push(event);
  }

  /** The next unread event (optionally the next one with this name), parsed. */
  async next<T = Record<string, unknown>>(
    name?: string,
    timeoutMs = 2000,
  ): Promise<SseEvent & { json: T }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.read < this.events.length) {
        const event = this.events[this.read++];
        if (event && (!name || event.event === name)) {
          return { ...event, json: JSON.parse(event.data) as T };
        }
      }
      if (this.ended) throw new Error(`stream ended before ${name ?? 'an event'}`);
      if (Date.now() > deadline) throw new Error(`no ${name ?? 'event'} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Resolves once the relay has ended the stream. */
  async whenEnded(timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('stream did not end');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

export function subscribe(
  url: string,
  room: string,
  device: string,
  key: string,
  headers: Record<string, string> = {},
  query = '',
  /** A loopback source address such as 127.0.0.2, so a test can speak as several clients. */
  localAddress?: string,
): Promise<Subscription> {
  const target = `${url}/v1/rooms/${room}/events?device=${device}&key=${key}${query}`;
  return new Promise((resolve, reject) => {
    const req = request(target, { headers, agent: false, localAddress }, (res) => {
      res.setEncoding('utf8');
      if (res.statusCode !== 200) {
        let body = '';
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () =>
          resolve(new Subscription(res.statusCode ?? 0, res.headers, body, () => {})),
        );
        return;
      }
      const subscription = new Subscription(200, res.headers, '', () => req.destroy());
      open.push(subscription);
      res.on('data', (chunk: string) => subscription.push(chunk));
      res.on('close', () => subscription.finish());
      resolve(subscription);
    });
    req.on('error', reject);
    req.end();
  });
}

export interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

export async function post(
  url: string,
  room: string,
  body: unknown,
  contentType = 'application/json',
): Promise<Answer> {
  const response = await fetch(`${url}/v1/rooms/${room}/messages`, {
    method: 'POST',
    headers: { 'Content-Type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as Record<string, unknown>,
  };
}

/** A POST from a given loopback source address, on a connection of its own. */
export function postFrom(
  localAddress: string,
  url: string,
  room: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/v1/rooms/${room}/messages`,
      {
        method: 'POST',
        agent: false,
        localAddress,
        headers: { 'Content-Type': 'application/json', ...headers },
      },
      (res) => {
        let answer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          answer += chunk;
        });
        const answerHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (typeof value === 'string') answerHeaders.set(name, value);
        }
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: answerHeaders,
            json: JSON.parse(answer),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

/** A device that is subscribed, with what it needs to publish (from `localAddress` if given). */
export async function join(
  url: string,
  room: string,
  device = deviceId(),
  key = deviceKey(),
  localAddress?: string,
) {
  const stream = await subscribe(url, room, device, key, {}, '', localAddress);
  if (stream.status !== 200) throw new Error(`subscribe answered ${stream.status} ${stream.body}`);
  await stream.next('members');
  const send = (payload: string, to?: string) =>
    localAddress
      ? postFrom(localAddress, url, room, { device, key, payload, to })
      : post(url, room, { device, key, payload, to });
  return { device, key, stream, send };
}
