// Rooms shared by several relay processes through Redis (see redis-scripts.ts for the data).
// This process keeps only its own streams per room; presence, bindings, the replay window and
// event order live in Redis. Publish budgets and room counts stay per process (README).
import { randomBytes } from 'node:crypto';
import type { BackendStatus, Deliver, Joined, RoomBackend, Subscriber } from './backend';
import { hashKey } from './bindings';
import type { RelayLimits } from './limits';
import { Buckets, Tally } from './limits';
import type { Logger } from './log';
import { rateLimited, takeoverFrame } from './memory-backend';
import { createRedisLink, script } from './redis-link';
import * as lua from './redis-scripts';
import { after, frameOf, type Position, position, visibleTo } from './redis-scripts';
import { RelayError } from './reply';

export const DEFAULT_PRESENCE_TTL_MS = 15_000;

export interface RedisBackendOptions {
  url: string;
  log: Logger;
  /** A device whose relay stopped renewing its presence leaves after this long. */
  presenceTtlMs?: number;
}

interface LocalRoom<S> {
  owner: string;
  /** `hash`: the key's digest, proven by the join; it cannot change while the device is here. */
  members: Map<string, { subscriber: S; after: Position; hash: string }>;
  /** Joins still waiting on Redis; the channel stays subscribed while any are. */
  pending: number;
  /** The latest event id seen, for frames this process writes itself (takeover). */
  lastId: string;
}

const SCRIPTS = {
  join: script(lua.JOIN),
  leave: script(lua.LEAVE),
  admit: script(lua.ADMIT),
  send: script(lua.SEND),
  tend: script(lua.TEND),
  heartbeat: script(lua.HEARTBEAT),
};

const unavailable = () =>
  new RelayError(503, 'cluster_unavailable', 'relay cannot reach its shared room store');

export function createRedisBackend<S extends Subscriber>(
  limits: RelayLimits,
  now: () => number,
  deliver: Deliver<S>,
  options: RedisBackendOptions,
): RoomBackend<S> {
  const { log } = options;
  const presenceTtlMs = options.presenceTtlMs ?? DEFAULT_PRESENCE_TTL_MS;
  const instance = randomBytes(9).toString('base64url');
  const local = new Map<string, LocalRoom<S>>();
  const owners = new Tally();
  const deviceBuckets = new Buckets(limits.publishRate, limits.publishBurst);
  const roomBuckets = new Buckets(limits.roomPublishRate, limits.roomPublishBurst);
  /** Channels still subscribed for rooms this process no longer holds (Redis was away). */
  const stale = new Set<string>();
  let instances = 0;
  let eventsIn = 0;
  let timer: NodeJS.Timeout | undefined;

  const link = createRedisLink({ url: options.url, log, onDown: dropAll, onUp: cleanUp });

  const common = (room: string) => [
    lua.roomChannel(room),
    String(limits.replayEvents),
    String(limits.replayMs),
    String(limits.roomGraceMs),
    String(limits.bindingTtlMs),
    String(presenceTtlMs),
    instance,
  ];
  const run = (which: keyof typeof SCRIPTS, room: string, args: string[]) => {
    if (!link.connected) return Promise.reject(unavailable());
    return link.run(SCRIPTS[which], lua.roomKeys(room), [...common(room), ...args]);
  };

  /** Without Redis this process cannot tell what it misses: its streams end and move on. */
  function dropAll(): void {
    const rooms = [...local];
    local.clear();
    for (const [id, room] of rooms) {
      stale.add(lua.roomChannel(id));
      owners.remove(room.owner);
      for (const { subscriber } of room.members.values()) subscriber.end();
    }
  }

  function cleanUp(): void {
    for (const channel of stale) {
      stale.delete(channel);
      if (!local.has(channel.slice('clipmesh:{'.length, -1))) forget(channel);
    }
  }

  function forget(channel: string): void {
    link.unsubscribe(channel).catch((error: unknown) => {
      stale.add(channel);
      log({ level: 'warn', msg: 'redis unsubscribe failed', error: String(error) });
    });
  }

  function onMessage(roomId: string, message: string): void {
    const room = local.get(roomId);
    if (!room) return;
    const parts = message.split('\n');
    if (parts[0] === 't') {
      const [, device = '', holder] = parts;
      const held = room.members.get(device);
      if (holder === instance || !held) return;
      room.members.delete(device);
      held.subscriber.end(takeoverFrame(room.lastId));
      release(roomId, room);
      return;
    }
    const [, id = '', name = '', from = '', to = '', data = ''] = parts;
    const at = position(id);
    if (parts[0] !== 'e' || !at) {
      log({ level: 'warn', msg: 'dropped a malformed redis message', room: roomId.slice(0, 6) });
      return;
    }
    eventsIn += 1;
    room.lastId = id;
    const frame = frameOf(id, name, data);
    const born = performance.now();
    for (const [device, member] of room.members) {
      if (visibleTo(device, from, to) && after(at, member.after)) {
        deliver(member.subscriber, name, frame, born);
      }
    }
  }

  /** The local room, subscribed to its channel before any script runs, so nothing slips by. */
  async function enter(roomId: string, owner: string): Promise<LocalRoom<S>> {
    let room = local.get(roomId);
    if (!room) {
      if (local.size >= limits.maxRooms) {
        throw new RelayError(503, 'too_many_rooms', 'relay has too many rooms');
      }
      if (owners.get(owner) >= limits.maxRoomsPerIp) {
        throw new RelayError(
          429,
          'too_many_rooms_from_ip',
          'too many rooms made from this address',
        );
      }
      if (!link.connected) throw unavailable();
      room = { owner, members: new Map(), pending: 0, lastId: '' };
      local.set(roomId, room);
      owners.add(owner);
      stale.delete(lua.roomChannel(roomId));
      room.pending += 1;
      try {
        await link.subscribe(lua.roomChannel(roomId), (message) => onMessage(roomId, message));
      } finally {
        room.pending -= 1;
      }
    }
    return room;
  }

  function release(roomId: string, room: LocalRoom<S>): void {
    if (room.members.size > 0 || room.pending > 0 || local.get(roomId) !== room) return;
    local.delete(roomId);
    owners.remove(room.owner);
    if (link.connected) forget(lua.roomChannel(roomId));
    else stale.add(lua.roomChannel(roomId));
  }

  async function join(
    roomId: string,
    room: LocalRoom<S>,
    key: string,
    subscriber: S,
    lastEventId?: string,
  ): Promise<Joined> {
    const resume = lastEventId && position(lastEventId) ? lastEventId.split('.') : ['', ''];
    const hash = hashKey(key).toString('hex');
    const reply = (await run('join', roomId, [
      subscriber.device,
      hash,
      String(limits.maxDevicesPerRoom),
      String(4 * limits.maxDevicesPerRoom),
      randomBytes(6).toString('base64url'),
      resume[0] ?? '',
      resume[1] ?? '',
    ])) as [string, string, number, string[], [string, string[]][]];
    const [status, id = '', resumed, devices = [], missed = []] = reply;
    if (status === 'conflict') {
      throw new RelayError(409, 'device_conflict', 'device id is bound to another key');
    }
    if (status === 'full') throw new RelayError(403, 'room_full', 'room is full');
    const epoch = id.split('.')[0];
    const replaced = room.members.get(subscriber.device);
    room.members.set(subscriber.device, { subscriber, after: position(id) ?? [0, 0], hash });
    if (!room.lastId) room.lastId = id;
    replaced?.subscriber.end(takeoverFrame(id));
    const frames = missed.flatMap(([entry, fields]) => {
      const [, name = '', , from = '', , to = '', , data = ''] = fields;
      if (!visibleTo(subscriber.device, from, to)) return [];
      return [{ name, frame: frameOf(`${epoch}.${entry}`, name, data) }];
    });
    const tookOver = replaced !== undefined;
    return { id, devices, resumed: resumed === 1, tookOver, missed: frames };
  }

  function tend(): void {
    link
      .run(SCRIPTS.heartbeat, [lua.INSTANCES_KEY], [instance, String(presenceTtlMs)])
      .then((count) => {
        instances = Number(count);
      }, failed('heartbeat'));
    for (const [roomId, room] of local) {
      if (room.members.size === 0) continue;
      run('tend', roomId, [...room.members.keys()]).then((lost) => {
        // Redis forgot these devices (it was away too long): their streams start over.
        for (const device of lost as string[]) room.members.get(device)?.subscriber.end();
      }, failed('tend'));
    }
  }

  const failed = (what: string) => (error: unknown) => {
    log({ level: 'warn', msg: `redis ${what} failed`, error: String(error) });
  };

  return {
    async start() {
      await link.start();
      timer = setInterval(() => link.connected && tend(), presenceTtlMs / 3).unref();
      if (link.connected) tend();
    },

    async join({ roomId, owner, key, subscriber, lastEventId }) {
      const room = await enter(roomId, owner);
      room.pending += 1;
      try {
        return await join(roomId, room, key, subscriber, lastEventId);
      } finally {
        room.pending -= 1;
        release(roomId, room);
      }
    },

    leave(roomId, subscriber) {
      const room = local.get(roomId);
      if (!room || room.members.get(subscriber.device)?.subscriber !== subscriber) return;
      room.members.delete(subscriber.device);
      release(roomId, room);
      // Unreachable now, the presence expires and another relay makes the device leave.
      if (link.connected) run('leave', roomId, [subscriber.device]).catch(failed('leave'));
    },

    async verify(roomId, device, key) {
      const hash = hashKey(key).toString('hex');
      // A device with its stream here was admitted by its join: one round trip less.
      const here = local.get(roomId)?.members.get(device)?.hash === hash;
      const admitted = here ? 'ok' : await run('admit', roomId, [device, hash]);
      if (admitted === 'unknown_room') {
        throw new RelayError(404, 'unknown_room', 'no such room; subscribe first');
      }
      if (admitted !== 'ok') {
        const reason = admitted === 'wrong_key' ? 'wrong_key' : 'not_bound';
        throw new RelayError(403, reason, 'device is not bound to this key in this room');
      }
    },

    async publish(roomId, message, charge) {
      const { device, key, to = '', payload } = message;
      await this.verify(roomId, device, key);
      const time = now();
      const wait =
        deviceBuckets.take(`${roomId} ${device}`, time) ||
        roomBuckets.take(roomId, time) ||
        charge();
      if (wait > 0) throw rateLimited(wait);
      const data = JSON.stringify({ from: device, payload });
      const [status, id = '', delivered = 0] = (await run('send', roomId, [device, to, data])) as [
        string,
        string?,
        number?,
      ];
      if (status === 'unknown_room') {
        throw new RelayError(404, 'unknown_room', 'no such room; subscribe first');
      }
      if (status !== 'ok') throw new RelayError(404, 'unknown_target', 'unknown target device');
      return { id, delivered };
    },

    sweep() {
      const time = now();
      deviceBuckets.prune(time);
      roomBuckets.prune(time);
    },

    status(): BackendStatus {
      const cluster = {
        backend: 'redis' as const,
        connected: link.connected,
        instances,
        eventsIn,
        disconnects: link.disconnects,
      };
      return { rooms: local.size, keptBindings: 0, cluster };
    },

    async close() {
      clearInterval(timer);
      await link.close();
    },
  };
}
