// A transport between tabs of one browser over BroadcastChannel, so they keep
// syncing while the relay is down. A channel has no presence, so it is emulated:
// hello/here on arrival, bye on leaving, and heartbeats because a crashed tab says nothing.
// `from` is only as trustworthy as the tabs of this origin; payloads are sealed above.

import { DEVICE_ID_PATTERN } from '../../../relay/contract';
import { field, isRecord } from '../fields';
import { PublishError, type Transport, type TransportEvent, type TransportOptions } from './types';

/** Structured clone takes far more; this only bounds what one message may hold in memory. */
export const BROADCAST_MAX_PAYLOAD = 1024 * 1024;

export type Envelope =
  | { k: 'msg'; from: string; to?: string; payload: string }
  | { k: 'hello' | 'here' | 'bye' | 'beat'; from: string; to?: string };

export interface BroadcastTransportOptions extends TransportOptions {
  heartbeatMs?: number;
  /** A member not heard from for this long is gone. */
  expireMs?: number;
}

export interface BroadcastTransport extends Transport {
  /** How many messages on the channel were dropped as not ours or malformed. */
  readonly dropped: number;
}

const KINDS = new Set(['msg', 'hello', 'here', 'bye', 'beat']);

/** Checks what came over the channel: other scripts of this origin may share the name. */
export function parseEnvelope(data: unknown): Envelope | undefined {
  if (!isRecord(data)) return undefined;
  const k = field(data, 'k');
  const from = field(data, 'from');
  const to = field(data, 'to');
  const payload = field(data, 'payload');
  if (typeof k !== 'string' || !KINDS.has(k)) return undefined;
  if (typeof from !== 'string' || !DEVICE_ID_PATTERN.test(from)) return undefined;
  if (to !== undefined && typeof to !== 'string') return undefined;
  if (k === 'msg') {
    return typeof payload === 'string' ? { k, from, to, payload } : undefined;
  }
  return { k: k as Exclude<Envelope['k'], 'msg'>, from, to };
}

export const channelName = (roomId: string): string => `clipmesh:${roomId}`;

interface Subscription {
  channel: BroadcastChannel;
  /** Other devices present, with when each was last heard from. */
  members: Map<string, number>;
}

export function createBroadcastTransport(opts: BroadcastTransportOptions): BroadcastTransport {
  const self = opts.deviceId;
  const heartbeatMs = opts.heartbeatMs ?? 5_000;
  const expireMs = opts.expireMs ?? 15_000;
  let current: Subscription | undefined;
  let dropped = 0;

  function post(sub: Subscription, envelope: Envelope): void {
    sub.channel.postMessage(envelope);
  }

  function subscribe(handler: (event: TransportEvent) => void): () => void {
    const sub: Subscription = {
      channel: new BroadcastChannel(channelName(opts.roomId)),
      members: new Map(),
    };
    current = sub;

    function seen(device: string): void {
      const known = sub.members.has(device);
      sub.members.set(device, Date.now());
      if (!known) handler({ type: 'join', device });
    }

    function gone(device: string): void {
      if (sub.members.delete(device)) handler({ type: 'leave', device });
    }

    function receive(envelope: Envelope | undefined): void {
      if (!envelope) {
        dropped++;
        opts.onDrop?.('not a clipmesh message on the channel');
        return;
      }
      // Another tab with this device id is this device; it is not a member.
      if (envelope.from === self) return;
      if (envelope.k === 'bye') {
        gone(envelope.from);
        return;
      }
      // Anything else proves the sender is alive, even when meant for another tab.
      seen(envelope.from);
      if (envelope.to !== undefined && envelope.to !== self) return;
      if (envelope.k === 'hello') post(sub, { k: 'here', from: self, to: envelope.from });
      if (envelope.k === 'msg') {
        handler({ type: 'message', from: envelope.from, payload: envelope.payload });
      }
    }

    function beat(): void {
      post(sub, { k: 'beat', from: self });
      const cutoff = Date.now() - expireMs;
      for (const [device, at] of sub.members) if (at < cutoff) gone(device);
    }

    const onPageHide = () => post(sub, { k: 'bye', from: self });
    sub.channel.onmessage = (event: MessageEvent) => receive(parseEnvelope(event.data));
    const timer = setInterval(beat, heartbeatMs);
    if (typeof addEventListener === 'function') addEventListener('pagehide', onPageHide);
    let closed = false;
    // Events start after subscribe returns, as with the other transports.
    queueMicrotask(() => {
      if (closed) return;
      handler({ type: 'status', status: 'open' });
      handler({ type: 'members', devices: [] });
      post(sub, { k: 'hello', from: self });
    });
    return () => {
      if (closed) return;
      closed = true;
      onPageHide();
      clearInterval(timer);
      if (typeof removeEventListener === 'function') removeEventListener('pagehide', onPageHide);
      sub.channel.close();
      if (current === sub) current = undefined;
      handler({ type: 'status', status: 'closed' });
    };
  }

  return {
    maxPayload: BROADCAST_MAX_PAYLOAD,
    get dropped() {
      return dropped;
    },
    subscribe,
    async publish(payload, to) {
      if (!current) throw new PublishError('not connected to the other tabs', 0);
      if (payload.length > BROADCAST_MAX_PAYLOAD) throw new PublishError('too large', 413);
      if (to !== undefined && !current.members.has(to)) {
        throw new PublishError('no such tab in the room', 404);
      }
      post(
        current,
        to === undefined
          ? { k: 'msg', from: self, payload }
          : { k: 'msg', from: self, to, payload },
      );
    },
  };
}
