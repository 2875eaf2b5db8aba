// The default backend: every room in this process's memory (rooms.ts), nothing shared.
import type { Deliver, RoomBackend, Subscriber } from './backend';
import type { PublishResponse } from './contract';
import type { RelayLimits } from './limits';
import { currentId } from './replay';
import { RelayError } from './reply';
import { createRooms, type Room } from './rooms';
import { formatEvent } from './sse';

export function rateLimited(retryAfterMs: number): RelayError {
  return new RelayError(429, 'rate_limited', 'too many messages; slow down', {
    'Retry-After': String(Math.ceil(retryAfterMs / 1000)),
  });
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
  const joined = new WeakMap<S, Room<S>>();

  return {
    start: async () => {},

    async join({ roomId, owner, key, subscriber, lastEventId }) {
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
      joined.set(subscriber, room);
      result.replaced?.end(takeoverFrame(currentId(room)));
      return {
        id: currentId(room),
        devices: result.devices,
        resumed: result.resumed,
        tookOver: result.replaced !== undefined,
        missed: result.missed.map((event) => ({ name: event.name, frame: event.frame })),
      };
    },

    leave(_roomId, subscriber) {
      const room = joined.get(subscriber);
      if (room) rooms.leave(room, subscriber.device, subscriber);
    },

    async verify(roomId, device, key) {
      const room = rooms.get(roomId);
      if (!room) throw new RelayError(404, 'unknown_room', 'no such room; subscribe first');
      const admitted = rooms.admit(room, device, key);
      if (!admitted.ok && admitted.reason === 'rate_limited') {
        throw rateLimited(admitted.retryAfterMs);
      }
      if (!admitted.ok) {
        throw new RelayError(403, admitted.reason, 'device is not bound to this key in this room');
      }
    },

    async publish(roomId, message, charge): Promise<PublishResponse> {
      const room = rooms.get(roomId);
      if (!room) throw new RelayError(404, 'unknown_room', 'no such room; subscribe first');
      const admitted = rooms.admit(room, message.device, message.key);
      // An address pays for every publish, so fresh device ids bring it no fresh burst.
      const addressWait = admitted.ok ? charge() : 0;
      if (addressWait > 0) throw rateLimited(addressWait);
      if (!admitted.ok && admitted.reason === 'rate_limited') {
        throw rateLimited(admitted.retryAfterMs);
      }
      if (!admitted.ok) {
        throw new RelayError(403, admitted.reason, 'device is not bound to this key in this room');
      }
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
