// Room state: who is present, which key each device id is bound to, and the replay log.
// No sockets here; the caller delivers events. Time comes from the injected clock.
import { createHash, hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type RelayLimits, TokenBucket } from './limits';
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
  seq: number;
  readonly members: Map<string, S>;
  /** Insertion order is recency: the oldest comes first when evicting. */
  readonly bindings: Map<string, Binding>;
  log: RoomEvent[];
  emptySince?: number;
}

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
  | 'maxDevicesPerRoom'
  | 'publishRate'
  | 'publishBurst'
  | 'replayMs'
  | 'replayEvents'
  | 'roomGraceMs'
>;

export interface RoomsOptions<S> {
  limits: RoomLimits;
  now: () => number;
  deliver: (subscriber: S, event: RoomEvent) => void;
}

// Hashed on every publish; the one-shot hash (Node 20.12+) skips building a Hash object.
const hashKey: (key: string) => Buffer =
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

  function bind(room: Room<S>, device: string, hash: Buffer): void {
    const existing = room.bindings.get(device);
    room.bindings.delete(device);
    if (!existing && room.bindings.size >= maxBindings) {
      const idle = [...room.bindings.keys()].find((id) => !room.members.has(id));
      if (idle) room.bindings.delete(idle);
    }
    room.bindings.set(device, {
      hash,
      bucket: existing?.bucket ?? new TokenBucket(limits.publishRate, limits.publishBurst, now()),
    });
  }

  return {
    get: (id: string): Room<S> | undefined => rooms.get(id),

    get size(): number {
      return rooms.size;
    },

    /** The room, created if new; undefined when the relay holds as many rooms as allowed. */
    open(id: string): Room<S> | undefined {
      const existing = rooms.get(id);
      if (existing) return existing;
      if (rooms.size >= limits.maxRooms) return undefined;
      const room: Room<S> = {
        id,
        epoch: randomBytes(6).toString('base64url'),
        seq: 0,
        members: new Map(),
        bindings: new Map(),
        log: [],
        emptySince: now(),
      };
      rooms.set(id, room);
      return room;
    },

    join(
      room: Room<S>,
      device: string,
      key: string,
      subscriber: S,
      lastEventId?: string,
    ): JoinResult<S> {
      const hash = hashKey(key);
      const binding = room.bindings.get(device);
      if (binding && !timingSafeEqual(binding.hash, hash)) return { ok: false, reason: 'conflict' };
      const replaced = room.members.get(device);
      if (!replaced && room.members.size >= limits.maxDevicesPerRoom) {
        return { ok: false, reason: 'full' };
      }
      prune(room);
      const missed = lastEventId === undefined ? undefined : missedSince(room, device, lastEventId);
      bind(room, device, hash);
      room.members.set(device, subscriber);
      room.emptySince = undefined;
      // A takeover swaps the stream silently: the others never saw the device leave.
      if (!replaced) emit(room, 'join', device, (id) => formatEvent(id, 'join', { device }));
      const devices = [...room.members.keys()].filter((id) => id !== device);
      return { ok: true, replaced, devices, resumed: missed !== undefined, missed: missed ?? [] };
    },

    /** Forgets a closed stream, unless a takeover already replaced it. */
    leave(room: Room<S>, device: string, subscriber: S): void {
      if (room.members.get(device) !== subscriber) return;
      room.members.delete(device);
      emit(room, 'leave', device, (id) => formatEvent(id, 'leave', { device }));
      if (room.members.size === 0) room.emptySince = now();
    },

    /** Checks a publisher's key against its binding, then its publish budget. */
    admit(room: Room<S>, device: string, key: string): Admission {
      const binding = room.bindings.get(device);
      if (!binding) return { ok: false, reason: 'not_bound' };
      if (!timingSafeEqual(binding.hash, hashKey(key))) return { ok: false, reason: 'wrong_key' };
      const retryAfterMs = binding.bucket.take(now());
      return retryAfterMs > 0 ? { ok: false, reason: 'rate_limited', retryAfterMs } : { ok: true };
    },

    send(room: Room<S>, from: string, payload: string, to?: string) {
      const frame = (id: string) => formatEvent(id, 'message', { from, payload });
      const { event, delivered } = emit(room, 'message', from, frame, to);
      return { id: event.id, delivered };
    },

    sweep(): void {
      const time = now();
      for (const [id, room] of rooms) {
        prune(room);
        if (room.emptySince !== undefined && time - room.emptySince >= limits.roomGraceMs) {
          rooms.delete(id);
        }
      }
    },
  };
}
