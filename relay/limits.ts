// Every limit the relay enforces, with its default, plus the small counters behind them.
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_DEVICES_PER_ROOM } from './contract';

export interface RelayLimits {
  /** Largest publish body, in bytes. */
  maxBodyBytes: number;
  maxDevicesPerRoom: number;
  maxRooms: number;
  /** Rooms one client address may hold at once (counted from the address that made each). */
  maxRoomsPerIp: number;
  /** Open event streams across the whole relay. */
  maxConnections: number;
  /** Open sockets, and open requests (streams included), from one client address. */
  maxConnectionsPerIp: number;
  /** Publishes per second per device, refilled continuously. */
  publishRate: number;
  /** Publishes a device may send at once before the rate applies. */
  publishBurst: number;
  /** The same for a whole room, and for one client address, whatever device ids it uses. */
  roomPublishRate: number;
  roomPublishBurst: number;
  ipPublishRate: number;
  ipPublishBurst: number;
  /** Bytes queued for one subscriber before it is dropped as stuck. */
  maxQueueBytes: number;
  /** Bytes queued for all subscribers together; past it the largest backlogs are dropped. */
  maxQueueTotalBytes: number;
  /** How long and how many events a room keeps for resuming streams. */
  replayMs: number;
  replayEvents: number;
  /** How long an empty room (and its replay buffer and bindings) lives on. */
  roomGraceMs: number;
  /** Device-to-key bindings kept after their room is gone, and for how long. */
  maxBindings: number;
  bindingTtlMs: number;
  /** Longest silence on a stream before a keepalive comment. */
  keepaliveMs: number;
}

export const DEFAULT_LIMITS: RelayLimits = {
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  maxDevicesPerRoom: DEFAULT_MAX_DEVICES_PER_ROOM,
  maxRooms: 10_000,
  maxRoomsPerIp: 100,
  maxConnections: 10_000,
  maxConnectionsPerIp: 128,
  publishRate: 50,
  publishBurst: 200,
  roomPublishRate: 100,
  roomPublishBurst: 400,
  ipPublishRate: 100,
  ipPublishBurst: 400,
  maxQueueBytes: 1024 * 1024,
  maxQueueTotalBytes: 64 * 1024 * 1024,
  replayMs: 60_000,
  replayEvents: 256,
  roomGraceMs: 5 * 60_000,
  maxBindings: 100_000,
  bindingTtlMs: 30 * 24 * 60 * 60_000,
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

  /** True when it has refilled completely, so forgetting it changes nothing. */
  full(now: number): boolean {
    return this.tokens + (Math.max(0, now - this.updated) * this.rate) / 1000 >= this.burst;
  }
}

/** Token buckets by key (a client address), made on first use and forgotten once full. */
export class Buckets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {}

  take(key: string, now: number): number {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.rate, this.burst, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now);
  }

  prune(now: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.full(now)) this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
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
