// An in-memory stand-in for the relay, for unit tests of the mesh: same events,
// same refusals, delivered asynchronously in order, with hooks to observe,
// alter or drop what passes and to cut a device off.

import { RELAY_MAX_PAYLOAD } from './sse';
import { PublishError, type Transport, type TransportEvent, type TransportOptions } from './types';

export interface HubMessage {
  roomId: string;
  from: string;
  to?: string;
  payload: string;
}

/** Returns a payload to deliver instead, `null` to drop the message, or nothing to let it pass. */
export type HubTap = (message: HubMessage) => string | null | undefined;

export interface MemoryHubOptions {
  /** Devices a room holds before newcomers get 'full'. */
  maxDevices?: number;
  maxPayload?: number;
}

export interface MemoryHub {
  connect(opts: TransportOptions): Transport;
  /** Sees every message before delivery; returns the way to remove the tap. */
  tap(fn: HubTap): () => void;
  /** Drops the messages the predicate matches; returns the way to stop dropping. */
  drop(predicate: (message: HubMessage) => boolean): () => void;
  /** Cuts the device off as if its network failed: others see it leave. */
  disconnect(deviceId: string): void;
  /** Brings a cut-off device back: it gets a fresh members list, others see it join. */
  reconnect(deviceId: string): void;
  /** Resolves once everything sent so far has been delivered. */
  settled(): Promise<void>;
}

interface Connection {
  opts: TransportOptions;
  handler: (event: TransportEvent) => void;
  /** False once unsubscribed: nothing more is delivered to it. */
  alive: boolean;
}

/** Events handed to connections in order, asynchronously, as a relay would. */
class DeliveryQueue {
  private readonly items: { to: Connection; event: TransportEvent }[] = [];
  private draining = false;

  push(to: Connection, event: TransportEvent): void {
    this.items.push({ to, event });
    if (this.draining) return;
    this.draining = true;
    // A microtask, not a timer, so tests using fake timers still see deliveries.
    queueMicrotask(this.drain);
  }

  async settled(): Promise<void> {
    while (this.items.length > 0 || this.draining) await Promise.resolve();
  }

  private readonly drain = (): void => {
    try {
      for (let item = this.items.shift(); item; item = this.items.shift()) {
        if (item.to.alive) item.to.handler(item.event);
      }
    } finally {
      // A handler that throws must not stall the hub: the rest goes out on the next turn.
      this.draining = this.items.length > 0;
      if (this.draining) queueMicrotask(this.drain);
    }
  };
}

/** Who is in which room, with the relay's rules for coming in and leaving. */
class HubRooms {
  private readonly rooms = new Map<string, Map<string, Connection>>();

  constructor(
    private readonly queue: DeliveryQueue,
    private readonly maxDevices: number,
  ) {}

  roomOf(conn: Connection): Map<string, Connection> {
    const { roomId } = conn.opts;
    let room = this.rooms.get(roomId);
    if (!room) {
      room = new Map();
      this.rooms.set(roomId, room);
    }
    return room;
  }

  others(conn: Connection): Connection[] {
    return [...this.roomOf(conn).values()].filter((c) => c !== conn);
  }

  enter(conn: Connection): void {
    const room = this.roomOf(conn);
    const { deviceId, deviceKey } = conn.opts;
    const existing = room.get(deviceId);
    const deliver = (to: Connection, event: TransportEvent) => this.queue.push(to, event);
    if (existing && existing.opts.deviceKey !== deviceKey) {
      deliver(conn, { type: 'status', status: 'refused', detail: 'device id taken' });
      return;
    }
    if (!existing && room.size >= this.maxDevices) {
      deliver(conn, { type: 'status', status: 'full', detail: 'room is full' });
      return;
    }
    if (existing) {
      // A takeover: the others saw no leave, so they see no join.
      deliver(existing, { type: 'status', status: 'replaced' });
    }
    room.set(deviceId, conn);
    deliver(conn, { type: 'status', status: 'open' });
    const present = this.others(conn);
    deliver(conn, { type: 'members', devices: present.map((c) => c.opts.deviceId) });
    if (!existing) for (const c of present) deliver(c, { type: 'join', device: deviceId });
  }

  isMember(conn: Connection): boolean {
    return this.roomOf(conn).get(conn.opts.deviceId) === conn;
  }

  leave(conn: Connection): void {
    if (!this.isMember(conn)) return;
    const room = this.roomOf(conn);
    room.delete(conn.opts.deviceId);
    for (const c of room.values()) {
      this.queue.push(c, { type: 'leave', device: conn.opts.deviceId });
    }
  }

  connectionsOf(deviceId: string): Connection[] {
    return [...this.rooms.values()].flatMap((room) => {
      const conn = room.get(deviceId);
      return conn ? [conn] : [];
    });
  }
}

function applyTaps(taps: Iterable<HubTap>, message: HubMessage): string | null {
  let payload = message.payload;
  for (const tap of taps) {
    const result = tap({ ...message, payload });
    if (result === null) return null;
    if (result !== undefined) payload = result;
  }
  return payload;
}

export function createMemoryHub(options: MemoryHubOptions = {}): MemoryHub {
  return new Hub(options);
}

class Hub implements MemoryHub {
  private readonly maxPayload: number;
  private readonly queue = new DeliveryQueue();
  private readonly rooms: HubRooms;
  private readonly taps = new Set<HubTap>();
  /** Cut-off connections, kept so reconnect() can bring them back. */
  private readonly offline = new Set<Connection>();

  constructor(options: MemoryHubOptions) {
    this.maxPayload = options.maxPayload ?? RELAY_MAX_PAYLOAD;
    this.rooms = new HubRooms(this.queue, options.maxDevices ?? Number.POSITIVE_INFINITY);
  }

  connect(opts: TransportOptions): Transport {
    let current: Connection | undefined;
    return {
      maxPayload: this.maxPayload,
      subscribe: (handler) => {
        const conn: Connection = { opts, handler, alive: true };
        current = conn;
        this.rooms.enter(conn);
        return () => this.unsubscribe(conn);
      },
      publish: async (payload, to) => {
        this.send(current, payload, to);
      },
    };
  }

  tap(fn: HubTap): () => void {
    this.taps.add(fn);
    return () => {
      this.taps.delete(fn);
    };
  }

  drop(predicate: (message: HubMessage) => boolean): () => void {
    return this.tap((message) => (predicate(message) ? null : undefined));
  }

  disconnect(deviceId: string): void {
    for (const conn of this.rooms.connectionsOf(deviceId)) {
      this.rooms.leave(conn);
      this.offline.add(conn);
      this.queue.push(conn, {
        type: 'status',
        status: 'unreachable',
        detail: 'cut off by the test',
      });
    }
  }

  reconnect(deviceId: string): void {
    for (const conn of [...this.offline]) {
      if (conn.opts.deviceId !== deviceId) continue;
      this.offline.delete(conn);
      if (conn.alive) this.rooms.enter(conn);
    }
  }

  settled(): Promise<void> {
    return this.queue.settled();
  }

  private unsubscribe(conn: Connection): void {
    if (!conn.alive) return;
    this.rooms.leave(conn);
    this.offline.delete(conn);
    conn.alive = false;
    conn.handler({ type: 'status', status: 'closed' });
  }

  private send(conn: Connection | undefined, payload: string, to?: string): void {
    if (!conn?.alive || !this.rooms.isMember(conn)) {
      throw new PublishError('not connected to the hub', 0);
    }
    if (payload.length > this.maxPayload) throw new PublishError('payload too large', 413);
    const target = to === undefined ? undefined : this.rooms.roomOf(conn).get(to);
    if (to !== undefined && !target) throw new PublishError('no such device in the room', 404);
    const { roomId, deviceId } = conn.opts;
    const delivered = applyTaps(this.taps, { roomId, from: deviceId, to, payload });
    if (delivered === null) return;
    const event: TransportEvent = { type: 'message', from: deviceId, payload: delivered };
    for (const c of target ? [target] : this.rooms.others(conn)) this.queue.push(c, event);
  }
}
