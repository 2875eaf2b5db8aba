// A room's replay log: its recent events, kept so that a device coming back with Last-Event-ID
// gets what it missed. Bounded in time and in count.
import type { RelayLimits } from './limits';

export type RoomEventName = 'join' | 'leave' | 'message';

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

/** What the log needs of a room. */
export interface Logged {
  /** Random per room creation, so ids from a previous life never match. */
  readonly epoch: string;
  seq: number;
  log: RoomEvent[];
}

export const visibleTo = (event: RoomEvent, device: string): boolean =>
  event.from !== device && (event.to === undefined || event.to === device);

export const currentId = (room: Logged): string => `${room.epoch}.${room.seq}`;

/** Events after `lastEventId` for this device, or undefined when they cannot all be replayed. */
export function missedSince(
  room: Logged,
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

/** Drops the events past the replay window or beyond its count. */
export function prune(
  room: Logged,
  limits: Pick<RelayLimits, 'replayMs' | 'replayEvents'>,
  now: number,
): void {
  const oldest = now - limits.replayMs;
  let drop = 0;
  while (drop < room.log.length) {
    const event = room.log[drop];
    const tooMany = room.log.length - drop > limits.replayEvents;
    if (!event || (!tooMany && event.at >= oldest)) break;
    drop += 1;
  }
  if (drop > 0) room.log.splice(0, drop);
}
