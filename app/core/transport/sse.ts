// The default transport: the relay's SSE stream read with fetch (so HTTP statuses
// can be told apart and Last-Event-ID sent as a header), publishing by POST.

import {
  DEFAULT_MAX_BODY_BYTES,
  eventsPath,
  messagesPath,
  type PublishRequest,
  STATUS,
} from '../../../relay/contract';
import { parseRelayEvent, relayError, retryAfterMs } from './relay-wire';
import { RelayList } from './relays';
import { createSseParser, type SseEvent } from './sse-parser';
import {
  PublishError,
  type Transport,
  type TransportEvent,
  type TransportOptions,
  type TransportStatus,
} from './types';

/** Payloads are ASCII base64url (chars = bytes); 1 KiB is left for the JSON envelope. */
export const RELAY_MAX_PAYLOAD = DEFAULT_MAX_BODY_BYTES - 1024;
/** The longest event a relay sends us: one payload with its JSON envelope and SSE fields. */
export const MAX_EVENT_CHARS = DEFAULT_MAX_BODY_BYTES;

const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;
const STABLE_MS = 10_000;
const FULL_RETRY_MS = 30_000;
const SILENCE_MS = 45_000;
const PUBLISH_RETRY_CAP_MS = 5_000;
/** Failing without a break this long, the stream goes dormant: it tries only this often... */
export const DORMANT_AFTER_MS = 2 * 60_000;
export const DORMANT_RETRY_MS = 5 * 60_000;
/** ...or at once when the browser is back online, the page is shown, or a person acts. */
const WAKE_EVENTS = ['online', 'visibilitychange', 'pointerdown', 'keydown'] as const;

/** Schedules fn after ms; returns the way to cancel it. */
export type SetTimer = (fn: () => void, ms: number) => () => void;

export interface RelayTransportOptions extends TransportOptions {
  /** Origin (and optional path prefix) of the relay, e.g. 'https://relay.example'. */
  relayUrl: string;
  fetch?: typeof fetch;
  random?: () => number;
  setTimer?: SetTimer;
  /** The clock that tells a long failure; tests move it by hand. */
  now?: () => number;
}

export interface RelayTransport extends Transport {
  /** How many malformed events were dropped so far. */
  readonly dropped: number;
}

/** Full-jitter exponential backoff: a random delay up to base·2^attempt, capped, at least minMs. */
export function backoffDelay(attempt: number, random: () => number, minMs = 0): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.max(minMs, Math.floor(random() * ceiling));
}

const defaultSetTimer: SetTimer = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
};

interface Config {
  opts: RelayTransportOptions;
  relays: RelayList;
  fetch: typeof fetch;
  random: () => number;
  setTimer: SetTimer;
  drop(reason: string): void;
}

/** One subscription: connects, reads, and reconnects until stopped. Returns the stop. */
function runStream(config: Config, handler: (event: TransportEvent) => void): () => void {
  const { opts, setTimer } = config;
  const query = new URLSearchParams({ device: opts.deviceId, key: opts.deviceKey });
  const streamUrl = () => `${config.relays.current}${eventsPath(opts.roomId)}?${query}`;
  let stopped = false;
  let closed = false;
  let attempt = 0;
  let retryMinMs = 0;
  let lastEventId = '';
  let full = false;
  let controller: AbortController | undefined;
  let cancelRetry: (() => void) | undefined;
  let cancelWatchdog: (() => void) | undefined;
  /** Set while failing: a retry then is not news, the person keeps reading "unreachable". */
  let failingSince: number | undefined;
  let dormant = false;
  const now = opts.now ?? Date.now;

  const status = (s: TransportStatus, detail?: string) =>
    handler(
      detail === undefined ? { type: 'status', status: s } : { type: 'status', status: s, detail },
    );

  function halt(): void {
    stopped = true;
    controller?.abort();
    cancelRetry?.();
    cancelWatchdog?.();
    if (typeof removeEventListener !== 'function') return;
    for (const type of WAKE_EVENTS) removeEventListener(type, onWake);
  }

  function retryIn(ms: number): void {
    if (stopped) return;
    cancelRetry?.();
    cancelRetry = setTimer(() => {
      cancelRetry = undefined;
      void connect();
    }, ms);
  }

  function failed(detail: string, minMs = 0): void {
    if (stopped) return;
    failingSince ??= now();
    dormant = now() - failingSince >= DORMANT_AFTER_MS;
    // Another relay of the service may be up; Last-Event-ID resumes there.
    config.relays.next();
    status('unreachable', detail);
    if (dormant) retryIn(DORMANT_RETRY_MS);
    else retryIn(backoffDelay(attempt++, config.random, Math.max(minMs, retryMinMs)));
  }

  // A stream that stays quiet past the relay's keepalives is dead even if TCP has not noticed.
  function armWatchdog(ctl: AbortController): void {
    cancelWatchdog?.();
    cancelWatchdog = setTimer(() => ctl.abort(new Error('the relay went silent')), SILENCE_MS);
  }

  function onWake(event: Event): void {
    if (stopped || !cancelRetry) return;
    // A page shown or a person's touch wakes only a dormant stream, which waits minutes.
    if (event.type !== 'online' && !dormant) return;
    if (event.type === 'visibilitychange' && globalThis.document?.visibilityState !== 'visible') {
      return;
    }
    attempt = 0;
    retryIn(0);
  }

  function onEvent(event: SseEvent): void {
    if (event.id) lastEventId = event.id;
    const parsed = parseRelayEvent(event);
    if (typeof parsed === 'string') {
      config.drop(parsed);
    } else if (parsed.type === 'replaced') {
      halt();
      status('replaced', 'this device connected again elsewhere');
    } else if (parsed.type === 'members') {
      config.relays.learn(parsed.relays);
      handler({ type: 'members', devices: parsed.devices });
    } else {
      handler(parsed);
    }
  }

  async function read(body: ReadableStream<Uint8Array>, ctl: AbortController): Promise<void> {
    let opened = false;
    const parser = createSseParser(
      {
        onEvent: (event) => {
          if (stopped) return;
          if (!opened) {
            // Any event means the relay took us in, so the backoff starts over.
            opened = true;
            attempt = 0;
            failingSince = undefined;
            dormant = false;
            status('open');
          }
          onEvent(event);
        },
        onRetry: (ms) => {
          retryMinMs = ms;
        },
        onOversize: () => config.drop(`an event longer than ${MAX_EVENT_CHARS} characters`),
      },
      { maxEventChars: MAX_EVENT_CHARS },
    );
    const reader = body.getReader();
    while (!stopped) {
      armWatchdog(ctl);
      const { done, value } = await reader.read();
      if (done) break;
      parser.push(value);
    }
    parser.end();
  }

  async function refused(response: Response): Promise<void> {
    const refusal = await relayError(response);
    const { detail } = refusal;
    if (stopped) return;
    if (refusal.full) {
      full = true;
      status('full', detail);
      retryIn(FULL_RETRY_MS);
    } else if (response.status === STATUS.tooMany || response.status >= 500) {
      failed(detail, retryAfterMs(response));
    } else {
      halt();
      status('refused', detail);
    }
  }

  // A stream that lasted is not part of a failure streak.
  function forgiveIfLasted(openedAt: number): void {
    if (Date.now() - openedAt >= STABLE_MS) attempt = 0;
  }

  async function connect(): Promise<void> {
    if (stopped) return;
    // A full room, or a relay that keeps failing, is retried quietly so the screen keeps saying why.
    if (!full && failingSince === undefined) status('connecting');
    full = false;
    const ctl = new AbortController();
    controller = ctl;
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (lastEventId) headers['last-event-id'] = lastEventId;
    let openedAt = 0;
    try {
      const response = await config.fetch(streamUrl(), {
        headers,
        signal: ctl.signal,
        cache: 'no-store',
      });
      if (!response.ok || !response.body) return await refused(response);
      openedAt = Date.now();
      await read(response.body, ctl);
    } catch {
      cancelWatchdog?.();
      if (!openedAt) return failed('cannot reach the relay');
      forgiveIfLasted(openedAt);
      const silent = ctl.signal.reason instanceof Error && ctl.signal.reason.message;
      return failed(silent || 'lost the connection to the relay');
    }
    cancelWatchdog?.();
    // The relay ended the stream cleanly (a restart): come back after a short pause, elsewhere
    // if the service has another relay.
    forgiveIfLasted(openedAt);
    config.relays.next();
    retryIn(backoffDelay(attempt++, config.random, retryMinMs));
  }

  if (typeof addEventListener === 'function') {
    for (const type of WAKE_EVENTS) addEventListener(type, onWake);
  }
  // Events start after subscribe returns, as with the other transports.
  queueMicrotask(() => void connect());
  return () => {
    if (closed) return;
    closed = true;
    halt();
    status('closed');
  };
}

export function createRelayTransport(opts: RelayTransportOptions): RelayTransport {
  let dropped = 0;
  const config: Config = {
    opts,
    relays: new RelayList(opts.relayUrl),
    fetch: opts.fetch ?? globalThis.fetch.bind(globalThis),
    random: opts.random ?? Math.random,
    setTimer: opts.setTimer ?? defaultSetTimer,
    drop(reason) {
      dropped++;
      opts.onDrop?.(reason);
    },
  };
  /** To the current relay, or the first other one that answers when it cannot be reached. */
  async function post(request: PublishRequest): Promise<Response> {
    for (const relay of config.relays.fromCurrent()) {
      try {
        return await config.fetch(`${relay}${messagesPath(opts.roomId)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(request),
        });
      } catch {
        // Unreachable: the next relay of the service may take it.
      }
    }
    throw new PublishError('cannot reach the relay', 0);
  }

  const wait = (ms: number) => new Promise<void>((resolve) => config.setTimer(resolve, ms));

  return {
    maxPayload: RELAY_MAX_PAYLOAD,
    get dropped() {
      return dropped;
    },
    subscribe: (handler) => runStream(config, handler),
    async publish(payload, to) {
      if (payload.length > RELAY_MAX_PAYLOAD) {
        throw new PublishError('too large to send through the relay', STATUS.tooLarge);
      }
      const request: PublishRequest = { device: opts.deviceId, key: opts.deviceKey, payload };
      if (to !== undefined) request.to = to;
      let response = await post(request);
      if (response.status === STATUS.tooMany) {
        await response.body?.cancel();
        // One patient retry absorbs a short burst; a longer wait is the caller's call.
        await wait(Math.min(retryAfterMs(response) ?? 1000, PUBLISH_RETRY_CAP_MS));
        response = await post(request);
      }
      if (response.ok) {
        // An unread body holds its connection open.
        await response.body?.cancel();
        return;
      }
      const { detail } = await relayError(response);
      throw new PublishError(detail, response.status, retryAfterMs(response));
    },
  };
}
