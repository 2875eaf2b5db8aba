// Room state: who is present, which key each device id is bound to, and the replay log
// (replay.ts). No sockets here; the caller delivers events. Time comes from the injected clock.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Bindings, hashKey } from './bindings';
import { type RelayLimits, Tally, TokenBucket } from './limits';
import {
  currentId,
  type Logged,
  missedSince,
  prune,
  type RoomEvent,
  type RoomEventName,
  visibleTo,
} from './replay';
import { formatEvent } from './sse';

interface Binding {
  hash: Buffer;
  bucket: TokenBucket;
}

export interface Room<S> extends Logged {
  readonly id: string;
  /** The client address that made the room; rooms held per address are counted by it. */
  readonly owner: string;
  readonly members: Map<string, S>;
  /** Insertion order is recency: the oldest comes first when evicting. */
  readonly bindings: Map<string, Binding>;
  /** The whole room's publish budget, whatever device ids publish. */
  readonly bucket: TokenBucket;
  emptySince?: number;
  /** Two devices were present at once: each may have seen the other's id. */
  shared: boolean;
  /** A message passed: a room that never carried one is freed as soon as it is empty. */
  carried: boolean;
}

export type OpenResult<S> =
  | { ok: true; room: Room<S> }
  | { ok: false; reason: 'too_many_rooms' | 'too_many_rooms_from_ip' };

export type JoinResult<S> =
  | { ok: true; replaced?: S; devices: string[]; resumed: boolean; missed: RoomEvent[] }
  | { ok: false; reason: 'conflict' | 'full' };

export type Admission =
  | { ok: true }
  | { ok: false; reason: 'not_bound' | 'wrong_key' }
  | { ok: false; reason: 'rate_limited'; retryAfterMs: number };

type RoomLimits = Pick<
  RelayLimits,
  | 'maxRooms'
  | 'maxRoomsPerIp'
  | 'maxDevicesPerRoom'
  | 'publishRate'
  | 'publishBurst'
  | 'roomPublishRate'
  | 'roomPublishBurst'
  | 'replayMs'
  | 'replayEvents'
  | 'roomGraceMs'
  | 'maxBindings'
  | 'bindingTtlMs'
>;

export interface RoomsOptions<S> {
  limits: RoomLimits;
  now: () => number;
  deliver: (subscriber: S, event: RoomEvent) => void;
}

export function createRooms<S>(options: RoomsOptions<S>): Rooms<S> {
  return new Rooms(options);
}

export class Rooms<S> {
  private readonly rooms = new Map<string, Room<S>>();
  private readonly owners = new Tally();
  private readonly keptBindings: Bindings;
  private readonly maxBindings: number;
  private readonly limits: RoomLimits;
  private readonly now: () => number;
  private readonly deliver: (subscriber: S, event: RoomEvent) => void;

  constructor({ limits, now, deliver }: RoomsOptions<S>) {
    this.limits = limits;
    this.now = now;
    this.deliver = deliver;
    this.keptBindings = new Bindings(limits.maxBindings, limits.bindingTtlMs);
    this.maxBindings = 4 * limits.maxDevicesPerRoom;
  }

  get(id: string): Room<S> | undefined {
    return this.rooms.get(id);
  }

  get size(): number {
    return this.rooms.size;
  }

  /** Bindings kept for rooms that are gone. */
  get kept(): number {
    return this.keptBindings.size;
  }

  /** The room, created if new and `owner` (a client address) may make one more. */
  open(id: string, owner: string): OpenResult<S> {
    const { limits, now } = this;
    const existing = this.rooms.get(id);
    if (existing) return { ok: true, room: existing };
    if (this.rooms.size >= limits.maxRooms) return { ok: false, reason: 'too_many_rooms' };
    if (this.owners.get(owner) >= limits.maxRoomsPerIp) {
      return { ok: false, reason: 'too_many_rooms_from_ip' };
    }
    const room: Room<S> = {
      id,
      epoch: randomBytes(6).toString('base64url'),
      owner,
      seq: 0,
      members: new Map(),
      bindings: new Map(),
      bucket: new TokenBucket(limits.roomPublishRate, limits.roomPublishBurst, now()),
      log: [],
      emptySince: now(),
      shared: false,
      carried: false,
    };
    this.rooms.set(id, room);
    this.owners.add(owner);
    return { ok: true, room };
  }

  join(
    room: Room<S>,
    device: string,
    key: string,
    subscriber: S,
    lastEventId?: string,
  ): JoinResult<S> {
    const hash = hashKey(key);
    const bound = room.bindings.get(device)?.hash ?? this.keptBindings.get(room.id, device);
    if (bound && !timingSafeEqual(bound, hash)) return { ok: false, reason: 'conflict' };
    const replaced = room.members.get(device);
    if (!replaced && room.members.size >= this.limits.maxDevicesPerRoom) {
      return { ok: false, reason: 'full' };
    }
    this.prune(room);
    const missed = lastEventId === undefined ? undefined : missedSince(room, device, lastEventId);
    this.bind(room, device, hash);
    room.members.set(device, subscriber);
    room.emptySince = undefined;
    if (room.members.size > 1) room.shared = true;
    // A takeover swaps the stream silently: the others never saw the device leave.
    if (!replaced) this.emit(room, 'join', device, (id) => formatEvent(id, 'join', { device }));
    const devices = [...room.members.keys()].filter((id) => id !== device);
    return { ok: true, replaced, devices, resumed: missed !== undefined, missed: missed ?? [] };
  }

  /**
   * Frees an empty room at once if it never carried a message; else its grace period starts.
   * Called too for a room nobody joined (the join was refused), as leave() would.
   */
  release(room: Room<S>): void {
    if (room.members.size > 0 || this.rooms.get(room.id) !== room) return;
    if (room.carried) room.emptySince = this.now();
    else this.drop(room);
  }

  /** Forgets a closed stream, unless a takeover already replaced it. */
  leave(room: Room<S>, device: string, subscriber: S): void {
    if (room.members.get(device) !== subscriber) return;
    room.members.delete(device);
    this.emit(room, 'leave', device, (id) => formatEvent(id, 'leave', { device }));
    this.release(room);
  }

  /** Checks a publisher's key against its binding, then its own and its room's budgets. */
  admit(room: Room<S>, device: string, key: string): Admission {
    const binding = room.bindings.get(device);
    if (!binding) return { ok: false, reason: 'not_bound' };
    if (!timingSafeEqual(binding.hash, hashKey(key))) return { ok: false, reason: 'wrong_key' };
    const time = this.now();
    const retryAfterMs = binding.bucket.take(time) || room.bucket.take(time);
    return retryAfterMs > 0 ? { ok: false, reason: 'rate_limited', retryAfterMs } : { ok: true };
  }

  send(room: Room<S>, from: string, payload: string, to?: string) {
    room.carried = true;
    const frame = (id: string) => formatEvent(id, 'message', { from, payload });
    const { event, delivered } = this.emit(room, 'message', from, frame, to);
    return { id: event.id, delivered };
  }

  sweep(): void {
    const time = this.now();
    for (const room of this.rooms.values()) {
      this.prune(room);
      if (room.emptySince !== undefined && time - room.emptySince >= this.limits.roomGraceMs) {
        this.drop(room);
      }
    }
    this.keptBindings.sweep(time);
  }

  private prune(room: Room<S>): void {
    prune(room, this.limits, this.now());
  }

  private emit(
    room: Room<S>,
    name: RoomEventName,
    from: string,
    frameData: (id: string) => string,
    to?: string,
  ): { event: RoomEvent; delivered: number } {
    room.seq += 1;
    const id = currentId(room);
    const event: RoomEvent = {
      id,
      seq: room.seq,
      name,
      from,
      to,
      frame: frameData(id),
      at: this.now(),
      born: performance.now(),
    };
    room.log.push(event);
    this.prune(room);
    let delivered = 0;
    for (const [device, subscriber] of room.members) {
      if (!visibleTo(event, device)) continue;
      this.deliver(subscriber, event);
      delivered += 1;
    }
    return { event, delivered };
  }

  /** A binding outlives the room when another device may have seen its id. */
  private keep(room: Room<S>, device: string, hash: Buffer): void {
    if (room.shared || room.carried || this.keptBindings.get(room.id, device)) {
      this.keptBindings.keep(room.id, device, hash, this.now());
    }
  }

  private bind(room: Room<S>, device: string, hash: Buffer): void {
    const { publishRate, publishBurst } = this.limits;
    const existing = room.bindings.get(device);
    room.bindings.delete(device);
    if (!existing && room.bindings.size >= this.maxBindings) {
      const idle = [...room.bindings].find(([id]) => !room.members.has(id));
      if (idle) {
        room.bindings.delete(idle[0]);
        this.keep(room, idle[0], idle[1].hash);
      }
    }
    const bucket = existing?.bucket ?? new TokenBucket(publishRate, publishBurst, this.now());
    room.bindings.set(device, { hash, bucket });
  }

  private drop(room: Room<S>): void {
    this.rooms.delete(room.id);
    this.owners.remove(room.owner);
    for (const [device, binding] of room.bindings) this.keep(room, device, binding.hash);
  }
}
