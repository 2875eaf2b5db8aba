// The default backend: every room in this process's memory (rooms.ts), nothing shared.
import type { Deliver, Joined, JoinRequest, RoomBackend, Subscriber } from './backend';
import type { PublishResponse } from './contract';
import type { RelayLimits } from './limits';
import { currentId } from './replay';
import { RelayError } from './reply';
import { type Admission, createRooms, type Room, type Rooms } from './rooms';
import { formatEvent } from './sse';

export function rateLimited(retryAfterMs: number): RelayError {
  return new RelayError(429, 'rate_limited', 'too many messages; slow down', {
    'Retry-After': String(Math.ceil(retryAfterMs / 1000)),
  });
}

/** Why a publisher was not admitted, as the relay answers it. */
function refusal(admitted: Exclude<Admission, { ok: true }>): RelayError {
  if (admitted.reason === 'rate_limited') return rateLimited(admitted.retryAfterMs);
  return new RelayError(403, admitted.reason, 'device is not bound to this key in this room');
}

/** The room, which a device must have subscribed to before it publishes. */
function known<S>(rooms: Rooms<S>, roomId: string): Room<S> {
  const room = rooms.get(roomId);
  if (!room) throw new RelayError(404, 'unknown_room', 'no such room; subscribe first');
  return room;
}

function join<S extends Subscriber>(
  rooms: Rooms<S>,
  { roomId, owner, key, subscriber, lastEventId }: JoinRequest<S>,
): { room: Room<S>; joined: Joined } {
  const opened = rooms.open(roomId, owner);
  if (!opened.ok) {
    throw opened.reason === 'too_many_rooms'
      ? new RelayError(503, 'too_many_rooms', 'relay has too many rooms')
      : new RelayError(429, 'too_many_rooms_from_ip', 'too many rooms made from this address');
  }
  const { room } = opened;
  const result = rooms.join(room, subscriber.device, key, subscriber, lastEventId);
  if (!result.ok) {
    rooms.release(room);
    throw result.reason === 'full'
      ? new RelayError(403, 'room_full', 'room is full')
      : new RelayError(409, 'device_conflict', 'device id is bound to another key');
  }
  result.replaced?.end(takeoverFrame(currentId(room)));
  const joined: Joined = {
    id: currentId(room),
    devices: result.devices,
    resumed: result.resumed,
    tookOver: result.replaced !== undefined,
    missed: result.missed.map((event) => ({ name: event.name, frame: event.frame })),
  };
  return { room, joined };
}

export function createMemoryBackend<S extends Subscriber>(
  limits: RelayLimits,
  now: () => number,
  deliver: Deliver<S>,
): RoomBackend<S> {
  const rooms = createRooms<S>({
    limits,
    now,
    deliver: (subscriber, event) => deliver(subscriber, event.name, event.frame, event.born),
  });
  /** The room each subscriber joined, so leave() finds it even after a room came back. */
  const joinedRooms = new WeakMap<S, Room<S>>();

  return {
    start: async () => {},

    async join(request) {
      const { room, joined } = join(rooms, request);
      joinedRooms.set(request.subscriber, room);
      return joined;
    },

    leave(_roomId, subscriber) {
      const room = joinedRooms.get(subscriber);
      if (room) rooms.leave(room, subscriber.device, subscriber);
    },

    async verify(roomId, device, key) {
      const admitted = rooms.admit(known(rooms, roomId), device, key);
      if (!admitted.ok) throw refusal(admitted);
    },

    async publish(roomId, message, charge): Promise<PublishResponse> {
      const room = known(rooms, roomId);
      const admitted = rooms.admit(room, message.device, message.key);
      // An address pays for every publish, so fresh device ids bring it no fresh burst.
      const addressWait = admitted.ok ? charge() : 0;
      if (addressWait > 0) throw rateLimited(addressWait);
      if (!admitted.ok) throw refusal(admitted);
      const { to } = message;
      if (to !== undefined && (to === message.device || !room.members.has(to))) {
        throw new RelayError(404, 'unknown_target', 'unknown target device');
      }
      return rooms.send(room, message.device, message.payload, to);
    },

    sweep: () => rooms.sweep(),
    status: () => ({ rooms: rooms.size, keptBindings: rooms.kept }),
    close: async () => {},
  };
}

export const takeoverFrame = (id: string): string =>
  formatEvent(id, 'replaced', { reason: 'takeover' });
