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

export function createMemoryHub(options: MemoryHubOptions = {}): MemoryHub {
  const maxDevices = options.maxDevices ?? Number.POSITIVE_INFINITY;
  const maxPayload = options.maxPayload ?? RELAY_MAX_PAYLOAD;
  const rooms = new Map<string, Map<string, Connection>>();
  const taps = new Set<HubTap>();
  // Cut-off connections, kept so reconnect() can bring them back.
  const offline = new Set<Connection>();
  const queue: { to: Connection; event: TransportEvent }[] = [];
  let draining = false;

  function deliver(to: Connection, event: TransportEvent): void {
    queue.push({ to, event });
    if (draining) return;
    draining = true;
    // A microtask, not a timer, so tests using fake timers still see deliveries.
    queueMicrotask(drain);
  }

  function drain(): void {
    try {
      for (let item = queue.shift(); item; item = queue.shift()) {
        if (item.to.alive) item.to.handler(item.event);
      }
    } finally {
      // A handler that throws must not stall the hub: the rest goes out on the next turn.
      draining = queue.length > 0;
      if (draining) queueMicrotask(drain);
    }
  }

  function roomOf(conn: Connection): Map<string, Connection> {
    const { roomId } = conn.opts;
    let room = rooms.get(roomId);
    if (!room) {
      room = new Map();
      rooms.set(roomId, room);
    }
    return room;
  }

  function others(room: Map<string, Connection>, conn: Connection): Connection[] {
    return [...room.values()].filter((c) => c !== conn);
  }

  function enter(conn: Connection): void {
    const room = roomOf(conn);
    const { deviceId, deviceKey } = conn.opts;
    const existing = room.get(deviceId);
    if (existing && existing.opts.deviceKey !== deviceKey) {
      deliver(conn, { type: 'status', status: 'refused', detail: 'device id taken' });
      return;
    }
    if (!existing && room.size >= maxDevices) {
      deliver(conn, { type: 'status', status: 'full', detail: 'room is full' });
      return;
    }
    if (existing) {
      // A takeover: the others saw no leave, so they see no join.
      deliver(existing, { type: 'status', status: 'replaced' });
    }
    room.set(deviceId, conn);
    deliver(conn, { type: 'status', status: 'open' });
    const present = others(room, conn);
    deliver(conn, { type: 'members', devices: present.map((c) => c.opts.deviceId) });
    if (!existing) for (const c of present) deliver(c, { type: 'join', device: deviceId });
  }

  function isMember(conn: Connection): boolean {
    return roomOf(conn).get(conn.opts.deviceId) === conn;
  }

  function leave(conn: Connection): void {
    if (!isMember(conn)) return;
    const room = roomOf(conn);
    room.delete(conn.opts.deviceId);
    for (const c of room.values()) deliver(c, { type: 'leave', device: conn.opts.deviceId });
  }

  function applyTaps(message: HubMessage): string | null {
    let payload = message.payload;
    for (const tap of taps) {
      const result = tap({ ...message, payload });
      if (result === null) return null;
      if (result !== undefined) payload = result;
    }
    return payload;
  }

  function send(conn: Connection | undefined, payload: string, to?: string): void {
    if (!conn?.alive || !isMember(conn)) throw new PublishError('not connected to the hub', 0);
    if (payload.length > maxPayload) throw new PublishError('payload too large', 413);
    const room = roomOf(conn);
    const target = to === undefined ? undefined : room.get(to);
    if (to !== undefined && !target) throw new PublishError('no such device in the room', 404);
    const delivered = applyTaps({
      roomId: conn.opts.roomId,
      from: conn.opts.deviceId,
      to,
      payload,
    });
    if (delivered === null) return;
    const event: TransportEvent = { type: 'message', from: conn.opts.deviceId, payload: delivered };
    for (const c of target ? [target] : others(room, conn)) deliver(c, event);
  }

  function connectionsOf(deviceId: string): Connection[] {
    return [...rooms.values()].flatMap((room) => {
      const conn = room.get(deviceId);
      return conn ? [conn] : [];
    });
  }

  function addTap(fn: HubTap): () => void {
    taps.add(fn);
    return () => {
      taps.delete(fn);
    };
  }

  return {
    connect(opts) {
      let current: Connection | undefined;
      return {
        maxPayload,
        subscribe(handler) {
          const conn: Connection = { opts, handler, alive: true };
          current = conn;
          enter(conn);
          return () => {
            if (!conn.alive) return;
            leave(conn);
            offline.delete(conn);
            conn.alive = false;
            handler({ type: 'status', status: 'closed' });
          };
        },
        async publish(payload, to) {
          send(current, payload, to);
        },
      };
    },
    tap: addTap,
    drop(predicate) {
      return addTap((message) => (predicate(message) ? null : undefined));
    },
    disconnect(deviceId) {
      for (const conn of connectionsOf(deviceId)) {
        leave(conn);
        offline.add(conn);
        deliver(conn, { type: 'status', status: 'unreachable', detail: 'cut off by the test' });
      }
    },
    reconnect(deviceId) {
      for (const conn of [...offline]) {
        if (conn.opts.deviceId !== deviceId) continue;
        offline.delete(conn);
        if (conn.alive) enter(conn);
      }
    },
    async settled() {
      while (queue.length > 0 || draining) await Promise.resolve();
    },
  };
}
