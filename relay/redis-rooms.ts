// The rooms this relay process holds streams for, each subscribed to its Redis channel, so what
// any relay of the service publishes there reaches the streams here (redis-backend.ts).
import type { Deliver, Subscriber } from './backend';
import { type RelayLimits, Tally } from './limits';
import type { Logger } from './log';
import { takeoverFrame } from './memory-backend';
import { type RedisLink, unavailable } from './redis-link';
import * as lua from './redis-scripts';
import { after, frameOf, type Position, position, visibleTo } from './redis-scripts';
import { RelayError } from './reply';

export interface LocalRoom<S> {
  owner: string;
  /** `hash`: the key's digest, proven by the join; it cannot change while the device is here. */
  members: Map<string, { subscriber: S; after: Position; hash: string }>;
  /** Joins still waiting on Redis; the channel stays subscribed while any are. */
  pending: number;
  /** The latest event id seen, for frames this process writes itself (takeover). */
  lastId: string;
}

export interface LocalRoomsOptions<S extends Subscriber> {
  link: RedisLink;
  /** This process's id in Redis: takeovers it announced itself are not news. */
  instance: string;
  limits: Pick<RelayLimits, 'maxRooms' | 'maxRoomsPerIp'>;
  log: Logger;
  deliver: Deliver<S>;
}

export class LocalRooms<S extends Subscriber> {
  private readonly rooms = new Map<string, LocalRoom<S>>();
  private readonly owners = new Tally();
  /** Channels still subscribed for rooms this process no longer holds (Redis was away). */
  private readonly stale = new Set<string>();
  private eventsCount = 0;

  constructor(private readonly opts: LocalRoomsOptions<S>) {}

  get size(): number {
    return this.rooms.size;
  }

  /** Events received from Redis and fanned out here. */
  get eventsIn(): number {
    return this.eventsCount;
  }

  get(roomId: string): LocalRoom<S> | undefined {
    return this.rooms.get(roomId);
  }

  entries(): IterableIterator<[string, LocalRoom<S>]> {
    return this.rooms.entries();
  }

  /** The local room, subscribed to its channel before any script runs, so nothing slips by. */
  async enter(roomId: string, owner: string): Promise<LocalRoom<S>> {
    const held = this.rooms.get(roomId);
    if (held) return held;
    const { limits, link } = this.opts;
    if (this.rooms.size >= limits.maxRooms) {
      throw new RelayError(503, 'too_many_rooms', 'relay has too many rooms');
    }
    if (this.owners.get(owner) >= limits.maxRoomsPerIp) {
      throw new RelayError(429, 'too_many_rooms_from_ip', 'too many rooms made from this address');
    }
    if (!link.connected) throw unavailable();
    const room: LocalRoom<S> = { owner, members: new Map(), pending: 0, lastId: '' };
    this.rooms.set(roomId, room);
    this.owners.add(owner);
    this.stale.delete(lua.roomChannel(roomId));
    room.pending += 1;
    try {
      await link.subscribe(lua.roomChannel(roomId), (message) => this.onMessage(roomId, message));
    } finally {
      room.pending -= 1;
    }
    return room;
  }

  release(roomId: string, room: LocalRoom<S>): void {
    if (room.members.size > 0 || room.pending > 0 || this.rooms.get(roomId) !== room) return;
    this.rooms.delete(roomId);
    this.owners.remove(room.owner);
    if (this.opts.link.connected) this.forget(lua.roomChannel(roomId));
    else this.stale.add(lua.roomChannel(roomId));
  }

  /** Without Redis this process cannot tell what it misses: its streams end and move on. */
  dropAll(): void {
    const rooms = [...this.rooms];
    this.rooms.clear();
    for (const [id, room] of rooms) {
      this.stale.add(lua.roomChannel(id));
      this.owners.remove(room.owner);
      for (const { subscriber } of room.members.values()) subscriber.end();
    }
  }

  /** Back in touch with Redis: channels of rooms no longer held are unsubscribed. */
  cleanUp(): void {
    for (const channel of this.stale) {
      this.stale.delete(channel);
      if (!this.rooms.has(channel.slice('clipmesh:{'.length, -1))) this.forget(channel);
    }
  }

  private forget(channel: string): void {
    this.opts.link.unsubscribe(channel).catch((error: unknown) => {
      this.stale.add(channel);
      this.opts.log({ level: 'warn', msg: 'redis unsubscribe failed', error: String(error) });
    });
  }

  private onMessage(roomId: string, message: string): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    const parts = message.split('\n');
    if (parts[0] === 't') {
      this.onTakeover(roomId, room, parts);
      return;
    }
    const [, id = '', name = '', from = '', to = '', data = ''] = parts;
    const at = position(id);
    if (parts[0] !== 'e' || !at) {
      this.opts.log({
        level: 'warn',
        msg: 'dropped a malformed redis message',
        room: roomId.slice(0, 6),
      });
      return;
    }
    this.eventsCount += 1;
    room.lastId = id;
    const frame = frameOf(id, name, data);
    const born = performance.now();
    for (const [device, member] of room.members) {
      if (visibleTo(device, from, to) && after(at, member.after)) {
        this.opts.deliver(member.subscriber, name, frame, born);
      }
    }
  }

  /** Another relay took a device's stream over: the one here ends. */
  private onTakeover(roomId: string, room: LocalRoom<S>, parts: string[]): void {
    const [, device = '', holder] = parts;
    const held = room.members.get(device);
    if (holder === this.opts.instance || !held) return;
    room.members.delete(device);
    held.subscriber.end(takeoverFrame(room.lastId));
    this.release(roomId, room);
  }
}
