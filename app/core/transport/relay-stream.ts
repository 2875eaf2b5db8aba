// One subscription to the relay's SSE stream, read with fetch: connects, reads, and
// reconnects with backoff until stopped, moving to a sibling relay when one fails.

import { DEFAULT_MAX_BODY_BYTES, eventsPath, STATUS } from '../../../relay/contract';
import type { RelayIceServers } from '../ice-servers';
import { parseRelayEvent, relayError, retryAfterMs } from './relay-wire';
import type { RelayList } from './relays';
import { createSseParser, type SseEvent } from './sse-parser';
import type { TransportEvent, TransportStatus } from './types';

/** The longest event a relay sends us: one payload with its JSON envelope and SSE fields. */
export const MAX_EVENT_CHARS = DEFAULT_MAX_BODY_BYTES;

const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;
const STABLE_MS = 10_000;
const FULL_RETRY_MS = 30_000;
const SILENCE_MS = 45_000;
/** Failing without a break this long, the stream goes dormant: it tries only this often. */
export const DORMANT_AFTER_MS = 2 * 60_000;
export const DORMANT_RETRY_MS = 5 * 60_000;

/** Why a waiting stream tries again at once: the network is back, or a person is here. */
export type WakeReason = 'online' | 'person';
/** Tells of wake reasons until the stop it returns is called; the ui gives the page's. */
export type WakeSource = (wake: (reason: WakeReason) => void) => () => void;

/** Schedules fn after ms; returns the way to cancel it. */
export type SetTimer = (fn: () => void, ms: number) => () => void;

/** Full-jitter exponential backoff: a random delay up to base·2^attempt, capped, at least minMs. */
export function backoffDelay(attempt: number, random: () => number, minMs = 0): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.max(minMs, Math.floor(random() * ceiling));
}

export interface StreamConfig {
  roomId: string;
  deviceId: string;
  deviceKey: string;
  relays: RelayList;
  fetch: typeof fetch;
  random: () => number;
  setTimer: SetTimer;
  /** The clock that tells a long failure; tests move it by hand. */
  now: () => number;
  /** What ends a dormant wait (a person, the network back); none where nobody is there. */
  wake?: WakeSource;
  /** The relay named this device's STUN and TURN servers as the stream opened. */
  onIce?(servers: RelayIceServers): void;
  drop(reason: string): void;
}

/** Starts one subscription; returns the stop. */
export function runStream(
  config: StreamConfig,
  handler: (event: TransportEvent) => void,
): () => void {
  return new RelayStream(config, handler).start();
}

class RelayStream {
  private stopped = false;
  private closed = false;
  private attempt = 0;
  private retryMinMs = 0;
  private lastEventId = '';
  private full = false;
  private controller: AbortController | undefined;
  private cancelRetry: (() => void) | undefined;
  private cancelWatchdog: (() => void) | undefined;
  /** Set while failing: a retry then is not news, the person keeps reading "unreachable". */
  private failingSince: number | undefined;
  private dormant = false;
  private stopWake: (() => void) | undefined;
  private readonly query: URLSearchParams;

  constructor(
    private readonly config: StreamConfig,
    private readonly handler: (event: TransportEvent) => void,
  ) {
    this.query = new URLSearchParams({ device: config.deviceId, key: config.deviceKey });
  }

  start(): () => void {
    this.stopWake = this.config.wake?.((reason) => this.onWake(reason));
    // Events start after subscribe returns, as with the other transports.
    queueMicrotask(() => void this.connect());
    return () => {
      if (this.closed) return;
      this.closed = true;
      this.halt();
      this.status('closed');
    };
  }

  private status(status: TransportStatus, detail?: string): void {
    this.handler(
      detail === undefined ? { type: 'status', status } : { type: 'status', status, detail },
    );
  }

  private halt(): void {
    this.stopped = true;
    this.controller?.abort();
    this.cancelRetry?.();
    this.cancelWatchdog?.();
    this.stopWake?.();
  }

  private retryIn(ms: number): void {
    if (this.stopped) return;
    this.cancelRetry?.();
    this.cancelRetry = this.config.setTimer(() => {
      this.cancelRetry = undefined;
      void this.connect();
    }, ms);
  }

  private failed(detail: string, minMs = 0): void {
    if (this.stopped) return;
    this.failingSince ??= this.config.now();
    this.dormant = this.config.now() - this.failingSince >= DORMANT_AFTER_MS;
    // Another relay of the service may be up; Last-Event-ID resumes there.
    this.config.relays.next();
    this.status('unreachable', detail);
    if (this.dormant) this.retryIn(DORMANT_RETRY_MS);
    else this.retryIn(this.backoff(Math.max(minMs, this.retryMinMs)));
  }

  private backoff(minMs: number): number {
    return backoffDelay(this.attempt++, this.config.random, minMs);
  }

  // A stream that stays quiet past the relay's keepalives is dead even if TCP has not noticed.
  private armWatchdog(ctl: AbortController): void {
    this.cancelWatchdog?.();
    this.cancelWatchdog = this.config.setTimer(
      () => ctl.abort(new Error('the relay went silent')),
      SILENCE_MS,
    );
  }

  private onWake(reason: WakeReason): void {
    if (this.stopped || !this.cancelRetry) return;
    // A person wakes only a dormant stream, which waits minutes; the network, any waiting one.
    if (reason === 'person' && !this.dormant) return;
    this.attempt = 0;
    this.retryIn(0);
  }

  /** Any event means the relay took us in, so the backoff starts over. */
  private opened(): void {
    this.attempt = 0;
    this.failingSince = undefined;
    this.dormant = false;
    this.status('open');
  }

  private onEvent(event: SseEvent): void {
    if (event.id) this.lastEventId = event.id;
    const parsed = parseRelayEvent(event);
    if (typeof parsed === 'string') {
      this.config.drop(parsed);
    } else if (parsed.type === 'replaced') {
      this.halt();
      this.status('replaced', 'this device connected again elsewhere');
    } else if (parsed.type === 'members') {
      this.config.relays.learn(parsed.relays);
      if (parsed.ice) this.config.onIce?.(parsed.ice);
      this.handler({ type: 'members', devices: parsed.devices });
    } else {
      this.handler(parsed);
    }
  }

  private async read(body: ReadableStream<Uint8Array>, ctl: AbortController): Promise<void> {
    let opened = false;
    const parser = createSseParser(
      {
        onEvent: (event) => {
          if (this.stopped) return;
          if (!opened) {
            opened = true;
            this.opened();
          }
          this.onEvent(event);
        },
        onRetry: (ms) => {
          this.retryMinMs = ms;
        },
        onOversize: () => this.config.drop(`an event longer than ${MAX_EVENT_CHARS} characters`),
      },
      { maxEventChars: MAX_EVENT_CHARS },
    );
    const reader = body.getReader();
    while (!this.stopped) {
      this.armWatchdog(ctl);
      const { done, value } = await reader.read();
      if (done) break;
      parser.push(value);
    }
    parser.end();
  }

  private async refused(response: Response): Promise<void> {
    const refusal = await relayError(response);
    const { detail } = refusal;
    if (this.stopped) return;
    if (refusal.full) {
      this.full = true;
      this.status('full', detail);
      this.retryIn(FULL_RETRY_MS);
    } else if (response.status === STATUS.tooMany || response.status >= 500) {
      this.failed(detail, retryAfterMs(response));
    } else {
      // A refusal may not last (a binding that expired, a relay restarted or set up anew): ask
      // again as a dormant stream does, rarely and whenever a person is here.
      this.failingSince ??= this.config.now();
      this.dormant = true;
      this.status('refused', detail);
      this.retryIn(DORMANT_RETRY_MS);
    }
  }

  // A stream that lasted is not part of a failure streak.
  private forgiveIfLasted(openedAt: number): void {
    if (Date.now() - openedAt >= STABLE_MS) this.attempt = 0;
  }

  private request(ctl: AbortController): Promise<Response> {
    const { relays, roomId } = this.config;
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (this.lastEventId) headers['last-event-id'] = this.lastEventId;
    return this.config.fetch(`${relays.current}${eventsPath(roomId)}?${this.query}`, {
      headers,
      signal: ctl.signal,
      cache: 'no-store',
    });
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    // A full room, or a relay that keeps failing, is retried quietly so the screen keeps saying why.
    if (!this.full && this.failingSince === undefined) this.status('connecting');
    this.full = false;
    const ctl = new AbortController();
    this.controller = ctl;
    let openedAt = 0;
    try {
      const response = await this.request(ctl);
      if (!response.ok || !response.body) return await this.refused(response);
      openedAt = Date.now();
      await this.read(response.body, ctl);
    } catch {
      this.cancelWatchdog?.();
      if (!openedAt) return this.failed('cannot reach the relay');
      this.forgiveIfLasted(openedAt);
      const silent = ctl.signal.reason instanceof Error && ctl.signal.reason.message;
      return this.failed(silent || 'lost the connection to the relay');
    }
    this.cancelWatchdog?.();
    // The relay ended the stream cleanly (a restart): come back after a short pause, elsewhere
    // if the service has another relay.
    this.forgiveIfLasted(openedAt);
    this.config.relays.next();
    this.retryIn(this.backoff(this.retryMinMs));
  }
}
