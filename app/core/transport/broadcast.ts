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

/** Tells when this device may be going for good (a page hidden to close); returns the stop. */
export type LeaveSource = (leaving: () => void) => () => void;

export interface BroadcastTransportOptions extends TransportOptions {
  heartbeatMs?: number;
  /** A member not heard from for this long is gone. */
  expireMs?: number;
  /** Other tabs hear a bye at once, rather than miss the heartbeat; none outside a page. */
  leaving?: LeaveSource;
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

interface SubscriptionOptions {
  self: string;
  roomId: string;
  heartbeatMs: number;
  expireMs: number;
  handler: (event: TransportEvent) => void;
  drop(reason: string): void;
  leaving?: LeaveSource;
}

/** One subscription: the channel, the tabs heard from, and the heartbeat that keeps both true. */
class ChannelSubscription {
  /** Other devices present, with when each was last heard from. */
  readonly members = new Map<string, number>();
  private readonly channel: BroadcastChannel;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly stopLeaving: (() => void) | undefined;
  private closed = false;

  constructor(private readonly opts: SubscriptionOptions) {
    this.channel = new BroadcastChannel(channelName(opts.roomId));
    this.channel.onmessage = (event: MessageEvent) => this.receive(parseEnvelope(event.data));
    this.timer = setInterval(() => this.beat(), opts.heartbeatMs);
    this.stopLeaving = opts.leaving?.(() => this.sayBye());
    // Events start after subscribe returns, as with the other transports.
    queueMicrotask(() => {
      if (this.closed) return;
      opts.handler({ type: 'status', status: 'open' });
      opts.handler({ type: 'members', devices: [] });
      this.post({ k: 'hello', from: opts.self });
    });
  }

  post(envelope: Envelope): void {
    this.channel.postMessage(envelope);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sayBye();
    clearInterval(this.timer);
    this.stopLeaving?.();
    this.channel.close();
    this.opts.handler({ type: 'status', status: 'closed' });
  }

  private sayBye(): void {
    this.post({ k: 'bye', from: this.opts.self });
  }

  private seen(device: string): void {
    const known = this.members.has(device);
    this.members.set(device, Date.now());
    if (!known) this.opts.handler({ type: 'join', device });
  }

  private gone(device: string): void {
    if (this.members.delete(device)) this.opts.handler({ type: 'leave', device });
  }

  private receive(envelope: Envelope | undefined): void {
    const { self, handler } = this.opts;
    if (!envelope) {
      this.opts.drop('not a clipmesh message on the channel');
      return;
    }
    // Another tab with this device id is this device; it is not a member.
    if (envelope.from === self) return;
    if (envelope.k === 'bye') {
      this.gone(envelope.from);
      return;
    }
    // Anything else proves the sender is alive, even when meant for another tab.
    this.seen(envelope.from);
    if (envelope.to !== undefined && envelope.to !== self) return;
    if (envelope.k === 'hello') this.post({ k: 'here', from: self, to: envelope.from });
    if (envelope.k === 'msg') {
      handler({ type: 'message', from: envelope.from, payload: envelope.payload });
    }
  }

  private beat(): void {
    this.post({ k: 'beat', from: this.opts.self });
    const cutoff = Date.now() - this.opts.expireMs;
    for (const [device, at] of this.members) if (at < cutoff) this.gone(device);
  }
}

export function createBroadcastTransport(opts: BroadcastTransportOptions): BroadcastTransport {
  const self = opts.deviceId;
  let current: ChannelSubscription | undefined;
  let dropped = 0;

  function subscribe(handler: (event: TransportEvent) => void): () => void {
    const sub = new ChannelSubscription({
      self,
      roomId: opts.roomId,
      heartbeatMs: opts.heartbeatMs ?? 5_000,
      expireMs: opts.expireMs ?? 15_000,
      leaving: opts.leaving,
      handler,
      drop(reason) {
        dropped++;
        opts.onDrop?.(reason);
      },
    });
    current = sub;
    return () => {
      if (current === sub) current = undefined;
      sub.close();
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
      current.post(
        to === undefined
          ? { k: 'msg', from: self, payload }
          : { k: 'msg', from: self, to, payload },
      );
    },
  };
}
