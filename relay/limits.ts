// Every limit the relay enforces, with its default, plus the small counters behind them.
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_DEVICES_PER_ROOM } from './contract';

export interface RelayLimits {
  /** Largest publish body, in bytes. */
  maxBodyBytes: number;
  maxDevicesPerRoom: number;
  maxRooms: number;
  /** Open event streams across the whole relay. */
  maxConnections: number;
  /** Open event streams from one client address. */
  maxConnectionsPerIp: number;
  /** Publishes per second per device, refilled continuously. */
  publishRate: number;
  /** Publishes a device may send at once before the rate applies. */
  publishBurst: number;
  /** Bytes queued for one subscriber before it is dropped as stuck. */
  maxQueueBytes: number;
  /** How long and how many events a room keeps for resuming streams. */
  replayMs: number;
  replayEvents: number;
  /** How long an empty room (and its replay buffer and bindings) lives on. */
  roomGraceMs: number;
  /** Longest silence on a stream before a keepalive comment. */
  keepaliveMs: number;
}

export const DEFAULT_LIMITS: RelayLimits = {
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  maxDevicesPerRoom: DEFAULT_MAX_DEVICES_PER_ROOM,
  maxRooms: 10_000,
  maxConnections: 10_000,
  maxConnectionsPerIp: 128,
  publishRate: 50,
  publishBurst: 200,
  maxQueueBytes: 1024 * 1024,
  replayMs: 60_000,
  replayEvents: 256,
  roomGraceMs: 5 * 60_000,
  keepaliveMs: 20_000,
};

/** A token bucket driven by the caller's clock, so tests can move time. */
export class TokenBucket {
  private tokens: number;
  private updated: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.updated = now;
  }

  /** Takes one token: 0 when allowed, else the milliseconds until one is available. */
  take(now: number): number {
    const elapsed = Math.max(0, now - this.updated);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.rate) / 1000);
    this.updated = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    if (this.rate <= 0) return Number.POSITIVE_INFINITY;
    return Math.ceil(((1 - this.tokens) * 1000) / this.rate);
  }
}

/** Counts open things per key, forgetting keys that drop to zero. */
export class Tally {
  private readonly counts = new Map<string, number>();

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  add(key: string): void {
    this.counts.set(key, this.get(key) + 1);
  }

  remove(key: string): void {
    const left = this.get(key) - 1;
    if (left > 0) this.counts.set(key, left);
    else this.counts.delete(key);
  }
}
