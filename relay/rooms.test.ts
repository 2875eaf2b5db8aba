import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from './limits';
import type { RoomEvent } from './replay';
import { createRooms } from './rooms';

const KEY_A = 'aaaaaaaaaaaaaaaa';
const KEY_B = 'bbbbbbbbbbbbbbbb';
const ROOM = 'room-0123456789ab';
const OWNER = '192.0.2.1';

function setup(limits = {}) {
  let time = 0;
  const delivered: [string, RoomEvent][] = [];
  const rooms = createRooms<string>({
    limits: { ...DEFAULT_LIMITS, ...limits },
    now: () => time,
    deliver: (subscriber, event) => delivered.push([subscriber, event]),
  });
  const opened = rooms.open(ROOM, OWNER);
  if (!opened.ok) throw new Error('no room');
  const { room } = opened;
  const advance = (ms: number) => {
    time += ms;
  };
  return { rooms, room, delivered, advance };
}

describe('rooms', () => {
  it('keeps a device id bound to the key it first came with', () => {
    const { rooms, room } = setup();
    expect(rooms.join(room, 'phone', KEY_A, 's1').ok).toBe(true);
    rooms.send(room, 'phone', 'x');
    rooms.leave(room, 'phone', 's1');
    expect(rooms.join(room, 'phone', KEY_B, 's2')).toEqual({ ok: false, reason: 'conflict' });
    expect(rooms.join(room, 'phone', KEY_A, 's3').ok).toBe(true);
  });

  it('swaps a stream on takeover without telling the others', () => {
    const { rooms, room, delivered } = setup();
    rooms.join(room, 'laptop', KEY_B, 'laptop-stream');
    rooms.join(room, 'phone', KEY_A, 'old');
    delivered.length = 0;
    const again = rooms.join(room, 'phone', KEY_A, 'new');
    expect(again).toMatchObject({ ok: true, replaced: 'old', devices: ['laptop'] });
    rooms.leave(room, 'phone', 'old');
    expect(delivered).toEqual([]);
    expect(room.members.get('phone')).toBe('new');
  });

  it('is full at the device limit, yet still allows a takeover', () => {
    const { rooms, room } = setup({ maxDevicesPerRoom: 2 });
    rooms.join(room, 'one', KEY_A, 's1');
    rooms.join(room, 'two', KEY_A, 's2');
    expect(rooms.join(room, 'three', KEY_A, 's3')).toEqual({ ok: false, reason: 'full' });
    expect(rooms.join(room, 'two', KEY_A, 's4').ok).toBe(true);
  });

  it('refuses new rooms beyond the limit', () => {
    const { rooms } = setup({ maxRooms: 1 });
    expect(rooms.open('another-room-0123', OWNER)).toEqual({ ok: false, reason: 'too_many_rooms' });
    expect(rooms.open(ROOM, OWNER)).toMatchObject({ ok: true });
  });

  it('refuses new rooms beyond the limit for one address, and counts freed rooms back', () => {
    const { rooms, room } = setup({ maxRoomsPerIp: 1 });
    expect(rooms.open('another-room-0123', OWNER)).toEqual({
      ok: false,
      reason: 'too_many_rooms_from_ip',
    });
    expect(rooms.open('another-room-0123', '192.0.2.2')).toMatchObject({ ok: true });
    rooms.release(room);
    expect(rooms.open('another-room-4567', OWNER)).toMatchObject({ ok: true });
  });

  it('frees a room that never carried a message as soon as it is empty', () => {
    const { rooms, room } = setup();
    rooms.join(room, 'a', KEY_A, 'a');
    rooms.join(room, 'b', KEY_A, 'b');
    rooms.leave(room, 'a', 'a');
    expect(rooms.get(ROOM)).toBe(room);
    rooms.leave(room, 'b', 'b');
    expect(rooms.size).toBe(0);
  });

  it('keeps a room that carried a message for its grace period', () => {
    const { rooms, room } = setup();
    rooms.join(room, 'a', KEY_A, 'a');
    rooms.send(room, 'a', 'x');
    rooms.leave(room, 'a', 'a');
    expect(rooms.get(ROOM)).toBe(room);
  });

  it('keeps the binding of a device another has seen after its room is gone', () => {
    const { rooms, room } = setup();
    rooms.join(room, 'a', KEY_A, 'a');
    rooms.join(room, 'b', KEY_B, 'b');
    rooms.leave(room, 'a', 'a');
    rooms.leave(room, 'b', 'b');
    expect(rooms.size).toBe(0);
    expect(rooms.kept).toBe(2);
    const again = rooms.open(ROOM, OWNER);
    if (!again.ok) throw new Error('no room');
    expect(rooms.join(again.room, 'a', KEY_B, 'thief')).toEqual({ ok: false, reason: 'conflict' });
    expect(rooms.join(again.room, 'a', KEY_A, 'a2').ok).toBe(true);
  });

  it('forgets the binding of a device nobody saw, with its room', () => {
    const { rooms, room } = setup();
    rooms.join(room, 'a', KEY_A, 'a');
    rooms.leave(room, 'a', 'a');
    expect(rooms.kept).toBe(0);
  });

  it('forgets kept bindings after their time to live', () => {
    const { rooms, room, advance } = setup({ bindingTtlMs: 1000 });
    rooms.join(room, 'a', KEY_A, 'a');
    rooms.join(room, 'b', KEY_B, 'b');
    rooms.leave(room, 'a', 'a');
    rooms.leave(room, 'b', 'b');
    advance(999);
    rooms.sweep();
    expect(rooms.kept).toBe(2);
    advance(1);
    rooms.sweep();
    expect(rooms.kept).toBe(0);
  });

  it('holds at most maxBindings kept bindings, the oldest going first', () => {
    const { rooms } = setup({ maxBindings: 2, maxRoomsPerIp: 10, roomGraceMs: 0 });
    const ids = ['room-a-0123456789', 'room-b-0123456789', 'room-c-0123456789'];
    for (const id of ids) {
      const opened = rooms.open(id, OWNER);
      if (!opened.ok) throw new Error('no room');
      rooms.join(opened.room, 'a', KEY_A, 'a');
      rooms.send(opened.room, 'a', 'x');
      rooms.leave(opened.room, 'a', 'a');
      rooms.sweep();
    }
    expect(rooms.kept).toBe(2);
    const first = rooms.open(ids[0] ?? '', OWNER);
    const last = rooms.open(ids[2] ?? '', OWNER);
    if (!first.ok || !last.ok) throw new Error('no room');
    expect(rooms.join(last.room, 'a', KEY_B, 'b').ok).toBe(false);
    expect(rooms.join(first.room, 'a', KEY_B, 'b').ok).toBe(true);
  });

  it('evicts the oldest absent device from a room when bindings reach their cap, keeping it', () => {
    const { rooms, room } = setup({ maxDevicesPerRoom: 1 });
    rooms.join(room, 'd0', KEY_A, 'd0');
    rooms.send(room, 'd0', 'x');
    rooms.leave(room, 'd0', 'd0');
    for (const id of ['d1', 'd2', 'd3']) {
      rooms.join(room, id, KEY_A, id);
      rooms.leave(room, id, id);
    }
    rooms.join(room, 'd4', KEY_A, 'd4');
    expect([...room.bindings.keys()]).toEqual(['d1', 'd2', 'd3', 'd4']);
    rooms.leave(room, 'd4', 'd4');
    // d0 left the room's own bindings, but it carried a message: its id stays bound.
    expect(rooms.join(room, 'd0', KEY_B, 'thief')).toEqual({ ok: false, reason: 'conflict' });
  });

  it('delivers a broadcast to everyone but the sender, and a targeted one to its target only', () => {
    const { rooms, room, delivered } = setup();
    for (const id of ['a', 'b', 'c']) rooms.join(room, id, KEY_A, id);
    delivered.length = 0;
    expect(rooms.send(room, 'a', 'x')).toMatchObject({ delivered: 2 });
    expect(delivered.map(([to]) => to)).toEqual(['b', 'c']);
    delivered.length = 0;
    expect(rooms.send(room, 'a', 'y', 'c')).toMatchObject({ delivered: 1 });
    expect(delivered.map(([to]) => to)).toEqual(['c']);
  });

  it('replays what a device missed, in order, only what was meant for it', () => {
    const { rooms, room } = setup();
    rooms.join(room, 'a', KEY_A, 'a');
    rooms.join(room, 'b', KEY_A, 'b');
    rooms.join(room, 'c', KEY_A, 'c');
    const lastSeen = `${room.epoch}.${room.seq}`;
    rooms.leave(room, 'c', 'c');
    rooms.send(room, 'a', 'one');
    rooms.send(room, 'a', 'for b only', 'b');
    rooms.send(room, 'b', 'two');
    rooms.send(room, 'c', 'three');
    const back = rooms.join(room, 'c', KEY_A, 'c2', lastSeen);
    if (!back.ok) throw new Error('refused');
    expect(back.resumed).toBe(true);
    expect(back.missed.map((event) => event.frame.split('\n')[2])).toEqual([
      'data: {"from":"a","payload":"one"}',
      'data: {"from":"b","payload":"two"}',
    ]);
  });

  it('does not resume across epochs, past the window, or from the future', () => {
    const { rooms, room, advance } = setup({ replayEvents: 3, replayMs: 1000 });
    rooms.join(room, 'a', KEY_A, 'a');
    rooms.join(room, 'b', KEY_A, 'b');
    const early = `${room.epoch}.${room.seq}`;
    const resumes = (id: string) => {
      const result = rooms.join(room, 'b', KEY_A, `b-${id}`, id);
      return result.ok && result.resumed;
    };
    expect(resumes(early)).toBe(true);
    expect(resumes(`other.${room.seq}`)).toBe(false);
    expect(resumes(`${room.epoch}.${room.seq + 1}`)).toBe(false);
    expect(resumes('garbage')).toBe(false);
    for (const payload of ['1', '2', '3', '4']) rooms.send(room, 'a', payload);
    expect(resumes(early)).toBe(false);
    const recent = `${room.epoch}.${room.seq}`;
    rooms.send(room, 'a', '5');
    advance(1001);
    expect(resumes(recent)).toBe(false);
    expect(resumes(`${room.epoch}.${room.seq}`)).toBe(true);
  });

  it('forgets a room once it has been empty for the grace period', () => {
    const { rooms, room, advance } = setup({ roomGraceMs: 5000 });
    rooms.join(room, 'a', KEY_A, 'a');
    rooms.send(room, 'a', 'x');
    advance(10_000);
    rooms.sweep();
    expect(rooms.get(ROOM)).toBe(room);
    rooms.leave(room, 'a', 'a');
    advance(4999);
    rooms.sweep();
    expect(rooms.size).toBe(1);
    advance(1);
    rooms.sweep();
    expect(rooms.get(ROOM)).toBeUndefined();
    const again = rooms.open(ROOM, OWNER);
    expect(again.ok && again.room.epoch).not.toBe(room.epoch);
  });

  it('checks a publisher key and spends its token bucket', () => {
    const { rooms, room, advance } = setup({ publishRate: 1, publishBurst: 2 });
    rooms.join(room, 'a', KEY_A, 'a');
    expect(rooms.admit(room, 'z', KEY_A)).toEqual({ ok: false, reason: 'not_bound' });
    expect(rooms.admit(room, 'a', KEY_B)).toEqual({ ok: false, reason: 'wrong_key' });
    expect(rooms.admit(room, 'a', KEY_A).ok).toBe(true);
    expect(rooms.admit(room, 'a', KEY_B)).toEqual({ ok: false, reason: 'wrong_key' });
    expect(rooms.admit(room, 'a', KEY_A).ok).toBe(true);
    expect(rooms.admit(room, 'a', KEY_A)).toEqual({
      ok: false,
      reason: 'rate_limited',
      retryAfterMs: 1000,
    });
    advance(1000);
    expect(rooms.admit(room, 'a', KEY_A).ok).toBe(true);
  });
});
