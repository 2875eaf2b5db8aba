// Room state: who is present, which key each device id is bound to, and the replay log.
// No sockets here; the caller delivers events. Time comes from the injected clock.
import { createHash, hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Bindings } from './bindings';
import { type RelayLimits, Tally, TokenBucket } from './limits';
import { formatEvent } from './sse';

type RoomEventName = 'join' | 'leave' | 'message';

export interface RoomEvent {
  id: string;
  seq: number;
  name: RoomEventName;
  /** The device that caused it; a device never receives its own events. */
  from: string;
  /** When set, only this device receives (or replays) it. */
  to?: string;
  /** The SSE frame, built once for every recipient. */
  frame: string;
  /** Clock time, for the replay window. */
  at: number;
  /** Monotonic time, for the fan-out latency histogram. */
  born: number;
}

interface Binding {
  hash: Buffer;
  bucket: TokenBucket;
}

export interface Room<S> {
  readonly id: string;
  /** Random per room creation, so ids from a previous life never match. */
  readonly epoch: string;
  /** The client address that made the room; rooms held per address are counted by it. */
  readonly owner: string;
  seq: number;
  readonly members: Map<string, S>;
  /** Insertion order is recency: the oldest comes first when evicting. */
  readonly bindings: Map<string, Binding>;
  /** The whole room's publish budget, whatever device ids publish. */
  readonly bucket: TokenBucket;
  log: RoomEvent[];
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

// Hashed on every publish; the one-shot hash (Node 20.12+) skips building a Hash object.
export const hashKey: (key: string) => Buffer =
  typeof hash === 'function'
    ? (key) => hash('sha256', key, 'buffer')
    : (key) => createHash('sha256').update(key).digest();

const visibleTo = (event: RoomEvent, device: string): boolean =>
  event.from !== device && (event.to === undefined || event.to === device);

export const currentId = (room: Room<unknown>): string => `${room.epoch}.${room.seq}`;

/** Events after `lastEventId` for this device, or undefined when they cannot all be replayed. */
function missedSince<S>(
  room: Room<S>,
  device: string,
  lastEventId: string,
): RoomEvent[] | undefined {
  const dot = lastEventId.lastIndexOf('.');
  const seqText = lastEventId.slice(dot + 1);
  if (lastEventId.slice(0, dot) !== room.epoch || !/^\d{1,15}$/.test(seqText)) return undefined;
  const seq = Number(seqText);
  const firstKept = room.log[0]?.seq ?? room.seq + 1;
  if (seq > room.seq || seq < firstKept - 1) return undefined;
  return room.log.filter((event) => event.seq > seq && visibleTo(event, device));
}

export function createRooms<S>({ limits, now, deliver }: RoomsOptions<S>) {
  const rooms = new Map<string, Room<S>>();
  const owners = new Tally();
  const kept = new Bindings(limits.maxBindings, limits.bindingTtlMs);
  const maxBindings = 4 * limits.maxDevicesPerRoom;

  function prune(room: Room<S>): void {
    const oldest = now() - limits.replayMs;
    let drop = 0;
    while (drop < room.log.length) {
      const event = room.log[drop];
      const tooMany = room.log.length - drop > limits.replayEvents;
      if (!event || (!tooMany && event.at >= oldest)) break;
      drop += 1;
    }
    if (drop > 0) room.log.splice(0, drop);
  }

  function emit(
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
      at: now(),
      born: performance.now(),
    };
    room.log.push(event);
    prune(room);
    let delivered = 0;
    for (const [device, subscriber] of room.members) {
      if (!visibleTo(event, device)) continue;
      deliver(subscriber, event);
      delivered += 1;
    }
    return { event, delivered };
  }

  /** A binding outlives the room when another device may have seen its id. */
  function keep(room: Room<S>, device: string, hash: Buffer): void {
    if (room.shared || room.carried || kept.get(room.id, device)) {
      kept.keep(room.id, device, hash, now());
    }
  }

  function bind(room: Room<S>, device: string, hash: Buffer): void {
    const existing = room.bindings.get(device);
    room.bindings.delete(device);
    if (!existing && room.bindings.size >= maxBindings) {
      const idle = [...room.bindings].find(([id]) => !room.members.has(id));
      if (idle) {
        room.bindings.delete(idle[0]);
        keep(room, idle[0], idle[1].hash);
      }
    }
    room.bindings.set(device, {
      hash,
      bucket: existing?.bucket ?? new TokenBucket(limits.publishRate, limits.publishBurst, now()),
    });
  }

  function drop(room: Room<S>): void {
    rooms.delete(room.id);
    owners.remove(room.owner);
    for (const [device, binding] of room.bindings) keep(room, device, binding.hash);
  }

  /** Frees an empty room at once if it never carried a message; else its grace period starts. */
  function release(room: Room<S>): void {
    if (room.members.size > 0 || rooms.get(room.id) !== room) return;
    if (room.carried) room.emptySince = now();
    else drop(room);
  }

  return {
    get: (id: string): Room<S> | undefined => rooms.get(id),

    get size(): number {
      return rooms.size;
    },

    /** Bindings kept for rooms that are gone. */
    get kept(): number {
      return kept.size;
    },

    /** The room, created if new and `owner` (a client address) may make one more. */
    open(id: string, owner: string): OpenResult<S> {
      const existing = rooms.get(id);
      if (existing) return { ok: true, room: existing };
      if (rooms.size >= limits.maxRooms) return { ok: false, reason: 'too_many_rooms' };
      if (owners.get(owner) >= limits.maxRoomsPerIp) {
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
      rooms.set(id, room);
      owners.add(owner);
      return { ok: true, room };
    },

    join(
      room: Room<S>,
      device: string,
      key: string,
      subscriber: S,
      lastEventId?: string,
    ): JoinResult<S> {
      const hash = hashKey(key);
      const bound = room.bindings.get(device)?.hash ?? kept.get(room.id, device);
      if (bound && !timingSafeEqual(bound, hash)) return { ok: false, reason: 'conflict' };
      const replaced = room.members.get(device);
      if (!replaced && room.members.size >= limits.maxDevicesPerRoom) {
        return { ok: false, reason: 'full' };
      }
      prune(room);
      const missed = lastEventId === undefined ? undefined : missedSince(room, device, lastEventId);
      bind(room, device, hash);
      room.members.set(device, subscriber);
      room.emptySince = undefined;
      if (room.members.size > 1) room.shared = true;
      // A takeover swaps the stream silently: the others never saw the device leave.
      if (!replaced) emit(room, 'join', device, (id) => formatEvent(id, 'join', { device }));
      const devices = [...room.members.keys()].filter((id) => id !== device);
      return { ok: true, replaced, devices, resumed: missed !== undefined, missed: missed ?? [] };
    },

    /** Frees a room nobody joined (the join was refused), as leave() would. */
    release,

    /** Forgets a closed stream, unless a takeover already replaced it. */
    leave(room: Room<S>, device: string, subscriber: S): void {
      if (room.members.get(device) !== subscriber) return;
      room.members.delete(device);
      emit(room, 'leave', device, (id) => formatEvent(id, 'leave', { device }));
      release(room);
    },

    /** Checks a publisher's key against its binding, then its own and its room's budgets. */
    admit(room: Room<S>, device: string, key: string): Admission {
      const binding = room.bindings.get(device);
      if (!binding) return { ok: false, reason: 'not_bound' };
      if (!timingSafeEqual(binding.hash, hashKey(key))) return { ok: false, reason: 'wrong_key' };
      const time = now();
      const retryAfterMs = binding.bucket.take(time) || room.bucket.take(time);
      return retryAfterMs > 0 ? { ok: false, reason: 'rate_limited', retryAfterMs } : { ok: true };
    },

    send(room: Room<S>, from: string, payload: string, to?: string) {
      room.carried = true;
      const frame = (id: string) => formatEvent(id, 'message', { from, payload });
      const { event, delivered } = emit(room, 'message', from, frame, to);
      return { id: event.id, delivered };
    },

    sweep(): void {
      const time = now();
      for (const room of rooms.values()) {
        prune(room);
        if (room.emptySince !== undefined && time - room.emptySince >= limits.roomGraceMs) {
          drop(room);
        }
      }
      kept.sweep(time);
    },
  };
}
