// The default transport: the relay's SSE stream read with fetch (so HTTP statuses
// can be told apart and Last-Event-ID sent as a header), publishing by POST.

import {
  DEFAULT_MAX_BODY_BYTES,
  messagesPath,
  type PublishRequest,
  STATUS,
} from '../../../relay/contract';
import type { RelayIceServers } from '../ice-servers';
import { runStream, type SetTimer, type StreamConfig, type WakeSource } from './relay-stream';
import { relayError, retryAfterMs } from './relay-wire';
import { RelayList } from './relays';
import { PublishError, type Transport, type TransportOptions } from './types';

/** Payloads are ASCII base64url (chars = bytes); 1 KiB is left for the JSON envelope. */
export const RELAY_MAX_PAYLOAD = DEFAULT_MAX_BODY_BYTES - 1024;

const PUBLISH_RETRY_CAP_MS = 5_000;

export interface RelayTransportOptions extends TransportOptions {
  /** Origin (and optional path prefix) of the relay, e.g. 'https://relay.example'. */
  relayUrl: string;
  fetch?: typeof fetch;
  random?: () => number;
  setTimer?: SetTimer;
  /** The clock that tells a long failure; tests move it by hand. */
  now?: () => number;
  /** What wakes a stream that tries only every few minutes. */
  wake?: WakeSource;
  /** The relay named this device's STUN and TURN servers as its stream opened. */
  onIce?(servers: RelayIceServers): void;
  /** Siblings of `relayUrl` remembered from before: tried when it cannot be reached. */
  knownRelays?: readonly string[];
  /** The relay advertised a sibling not known before; here are all of them. */
  onRelays?(siblings: string[]): void;
}

export interface RelayTransport extends Transport {
  /** How many malformed events were dropped so far. */
  readonly dropped: number;
}

const defaultSetTimer: SetTimer = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
};

/** To the current relay, or the first other one that answers when it cannot be reached. */
async function post(config: StreamConfig, request: PublishRequest): Promise<Response> {
  for (const relay of config.relays.fromCurrent()) {
    try {
      return await config.fetch(`${relay}${messagesPath(config.roomId)}`, {
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

async function publish(config: StreamConfig, payload: string, to?: string): Promise<void> {
  if (payload.length > RELAY_MAX_PAYLOAD) {
    throw new PublishError('too large to send through the relay', STATUS.tooLarge);
  }
  const request: PublishRequest = { device: config.deviceId, key: config.deviceKey, payload };
  if (to !== undefined) request.to = to;
  let response = await post(config, request);
  if (response.status === STATUS.tooMany) {
    await response.body?.cancel();
    // One patient retry absorbs a short burst; a longer wait is the caller's call.
    const ms = Math.min(retryAfterMs(response) ?? 1000, PUBLISH_RETRY_CAP_MS);
    await new Promise<void>((resolve) => config.setTimer(resolve, ms));
    response = await post(config, request);
  }
  if (response.ok) {
    // An unread body holds its connection open.
    await response.body?.cancel();
    return;
  }
  const { detail } = await relayError(response);
  throw new PublishError(detail, response.status, retryAfterMs(response));
}

export function createRelayTransport(opts: RelayTransportOptions): RelayTransport {
  let dropped = 0;
  const config: StreamConfig = {
    roomId: opts.roomId,
    deviceId: opts.deviceId,
    deviceKey: opts.deviceKey,
    relays: new RelayList(opts.relayUrl, opts.knownRelays, opts.onRelays),
    fetch: opts.fetch ?? globalThis.fetch.bind(globalThis),
    random: opts.random ?? Math.random,
    setTimer: opts.setTimer ?? defaultSetTimer,
    now: opts.now ?? Date.now,
    wake: opts.wake,
    onIce: opts.onIce,
    drop(reason) {
      dropped++;
      opts.onDrop?.(reason);
    },
  };
  return {
    maxPayload: RELAY_MAX_PAYLOAD,
    get dropped() {
      return dropped;
    },
    subscribe: (handler) => runStream(config, handler),
    publish: (payload, to) => publish(config, payload, to),
  };
}
