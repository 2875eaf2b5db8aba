// Rooms shared by several relay processes through Redis (see redis-scripts.ts for the data).
// This process keeps only its own streams per room (redis-rooms.ts); presence, bindings, the
// replay window and event order live in Redis. Publish budgets and room counts stay per process
// (README).
import { randomBytes } from 'node:crypto';
import type {
  BackendStatus,
  Deliver,
  Joined,
  JoinRequest,
  RoomBackend,
  Subscriber,
} from './backend';
import { hashKey } from './bindings';
import type { PublishRequest, PublishResponse } from './contract';
import { Buckets, type RelayLimits } from './limits';
import type { Logger } from './log';
import { rateLimited, takeoverFrame } from './memory-backend';
import { createRedisLink, type RedisLink, script, unavailable } from './redis-link';
import { type LocalRoom, LocalRooms } from './redis-rooms';
import * as lua from './redis-scripts';
import { frameOf, position, visibleTo } from './redis-scripts';
import { RelayError } from './reply';

export const DEFAULT_PRESENCE_TTL_MS = 15_000;

export interface RedisBackendOptions {
  url: string;
  log: Logger;
  /** A device whose relay stopped renewing its presence leaves after this long. */
  presenceTtlMs?: number;
}

const SCRIPTS = {
  join: script(lua.JOIN),
  leave: script(lua.LEAVE),
  admit: script(lua.ADMIT),
  send: script(lua.SEND),
  tend: script(lua.TEND),
  heartbeat: script(lua.HEARTBEAT),
};

type JoinReply = [string, string, number, string[], [string, string[]][]];

/** The frames a joining device missed, as Redis kept them, that are meant for it. */
function missedFrames(device: string, epoch: string | undefined, missed: JoinReply[4]) {
  return missed.flatMap(([entry, fields]) => {
    const [, name = '', , from = '', , to = '', , data = ''] = fields;
    if (!visibleTo(device, from, to)) return [];
    return [{ name, frame: frameOf(`${epoch}.${entry}`, name, data) }];
  });
}

export function createRedisBackend<S extends Subscriber>(
  limits: RelayLimits,
  now: () => number,
  deliver: Deliver<S>,
  options: RedisBackendOptions,
): RoomBackend<S> {
  return new RedisBackend(limits, now, deliver, options);
}

class RedisBackend<S extends Subscriber> implements RoomBackend<S> {
  private readonly log: Logger;
  private readonly presenceTtlMs: number;
  private readonly instance = randomBytes(9).toString('base64url');
  private readonly deviceBuckets: Buckets;
  private readonly roomBuckets: Buckets;
  private readonly link: RedisLink;
  private readonly local: LocalRooms<S>;
  private instances = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limits: RelayLimits,
    private readonly now: () => number,
    deliver: Deliver<S>,
    options: RedisBackendOptions,
  ) {
    const { log } = options;
    this.log = log;
    this.presenceTtlMs = options.presenceTtlMs ?? DEFAULT_PRESENCE_TTL_MS;
    this.deviceBuckets = new Buckets(limits.publishRate, limits.publishBurst);
    this.roomBuckets = new Buckets(limits.roomPublishRate, limits.roomPublishBurst);
    this.link = createRedisLink({
      url: options.url,
      log,
      onDown: () => this.local.dropAll(),
      onUp: () => this.local.cleanUp(),
    });
    const { link, instance } = this;
    this.local = new LocalRooms({ link, instance, limits, log, deliver });
  }

  async start(): Promise<void> {
    await this.link.start();
    this.timer = setInterval(() => this.link.connected && this.tend(), this.presenceTtlMs / 3);
    this.timer.unref();
    if (this.link.connected) this.tend();
  }

  async join({ roomId, owner, key, subscriber, lastEventId }: JoinRequest<S>): Promise<Joined> {
    const room = await this.local.enter(roomId, owner);
    room.pending += 1;
    try {
      return await this.joinRoom(roomId, room, key, subscriber, lastEventId);
    } finally {
      room.pending -= 1;
      this.local.release(roomId, room);
    }
  }

  leave(roomId: string, subscriber: S): void {
    const room = this.local.get(roomId);
    if (!room || room.members.get(subscriber.device)?.subscriber !== subscriber) return;
    room.members.delete(subscriber.device);
    this.local.release(roomId, room);
    // Unreachable now, the presence expires and another relay makes the device leave.
    if (this.link.connected) {
      this.run('leave', roomId, [subscriber.device]).catch(this.failed('leave'));
    }
  }

  async verify(roomId: string, device: string, key: string): Promise<void> {
    const hash = hashKey(key).toString('hex');
    // A device with its stream here was admitted by its join: one round trip less.
    const here = this.local.get(roomId)?.members.get(device)?.hash === hash;
    const admitted = here ? 'ok' : await this.run('admit', roomId, [device, hash]);
    if (admitted === 'unknown_room') {
      throw new RelayError(404, 'unknown_room', 'no such room; subscribe first');
    }
    if (admitted !== 'ok') {
      const reason = admitted === 'wrong_key' ? 'wrong_key' : 'not_bound';
      throw new RelayError(403, reason, 'device is not bound to this key in this room');
    }
  }

  async publish(
    roomId: string,
    message: PublishRequest,
    charge: () => number,
  ): Promise<PublishResponse> {
    const { device, key, to = '', payload } = message;
    await this.verify(roomId, device, key);
    const time = this.now();
    const wait =
      this.deviceBuckets.take(`${roomId} ${device}`, time) ||
      this.roomBuckets.take(roomId, time) ||
      charge();
    if (wait > 0) throw rateLimited(wait);
    const data = JSON.stringify({ from: device, payload });
    const sent = await this.run('send', roomId, [device, to, data]);
    const [status, id = '', delivered = 0] = sent as [string, string?, number?];
    if (status === 'unknown_room') {
      throw new RelayError(404, 'unknown_room', 'no such room; subscribe first');
    }
    if (status !== 'ok') throw new RelayError(404, 'unknown_target', 'unknown target device');
    return { id, delivered };
  }

  sweep(): void {
    const time = this.now();
    this.deviceBuckets.prune(time);
    this.roomBuckets.prune(time);
  }

  status(): BackendStatus {
    const cluster = {
      backend: 'redis' as const,
      connected: this.link.connected,
      instances: this.instances,
      eventsIn: this.local.eventsIn,
      disconnects: this.link.disconnects,
    };
    return { rooms: this.local.size, keptBindings: 0, cluster };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.link.close();
  }

  private run(which: keyof typeof SCRIPTS, room: string, args: string[]): Promise<unknown> {
    if (!this.link.connected) return Promise.reject(unavailable());
    const { limits } = this;
    const common = [
      lua.roomChannel(room),
      String(limits.replayEvents),
      String(limits.replayMs),
      String(limits.roomGraceMs),
      String(limits.bindingTtlMs),
      String(this.presenceTtlMs),
      this.instance,
    ];
    return this.link.run(SCRIPTS[which], lua.roomKeys(room), [...common, ...args]);
  }

  private async joinRoom(
    roomId: string,
    room: LocalRoom<S>,
    key: string,
    subscriber: S,
    lastEventId?: string,
  ): Promise<Joined> {
    const resume = lastEventId && position(lastEventId) ? lastEventId.split('.') : ['', ''];
    const hash = hashKey(key).toString('hex');
    const reply = (await this.run('join', roomId, [
      subscriber.device,
      hash,
      String(this.limits.maxDevicesPerRoom),
      String(4 * this.limits.maxDevicesPerRoom),
      randomBytes(6).toString('base64url'),
      resume[0] ?? '',
      resume[1] ?? '',
    ])) as JoinReply;
    const [status, id = '', resumed, devices = [], missed = []] = reply;
    if (status === 'conflict') {
      throw new RelayError(409, 'device_conflict', 'device id is bound to another key');
    }
    if (status === 'full') throw new RelayError(403, 'room_full', 'room is full');
    const replaced = room.members.get(subscriber.device);
    room.members.set(subscriber.device, { subscriber, after: position(id) ?? [0, 0], hash });
    if (!room.lastId) room.lastId = id;
    replaced?.subscriber.end(takeoverFrame(id));
    const frames = missedFrames(subscriber.device, id.split('.')[0], missed);
    const tookOver = replaced !== undefined;
    return { id, devices, resumed: resumed === 1, tookOver, missed: frames };
  }

  private tend(): void {
    const { link, instance, presenceTtlMs } = this;
    link
      .run(SCRIPTS.heartbeat, [lua.INSTANCES_KEY], [instance, String(presenceTtlMs)])
      .then((count) => {
        this.instances = Number(count);
      }, this.failed('heartbeat'));
    for (const [roomId, room] of this.local.entries()) {
      if (room.members.size === 0) continue;
      this.run('tend', roomId, [...room.members.keys()]).then((lost) => {
        // Redis forgot these devices (it was away too long): their streams start over.
        for (const device of lost as string[]) room.members.get(device)?.subscriber.end();
      }, this.failed('tend'));
    }
  }

  private failed(what: string) {
    return (error: unknown) => {
      this.log({ level: 'warn', msg: `redis ${what} failed`, error: String(error) });
    };
  }
}
