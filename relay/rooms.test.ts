import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from './limits';
import { createRooms, type RoomEvent } from './rooms';

const KEY_A = 'aaaaaaaaaaaaaaaa';
const KEY_B = 'bbbbbbbbbbbbbbbb';
const ROOM = 'room-0123456789ab';

function setup(limits = {}) {
  let time = 0;
  const delivered: [string, RoomEvent][] = [];
  const rooms = createRooms<string>({
    limits: { ...DEFAULT_LIMITS, ...limits },
    now: () => time,
    deliver: (subscriber, event) => delivered.push([subscriber, event]),
  });
  const room = rooms.open(ROOM);
  if (!room) throw new Error('no room');
  const advance = (ms: number) => {
    time += ms;
  };
  return { rooms, room, delivered, advance };
}

describe('rooms', () => {
  it('keeps a device id bound to the key it first came with', () => {
    const { rooms, room } = setup();
    expect(rooms.join(room, 'phone', KEY_A, 's1').ok).toBe(true);
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
    expect(rooms.open('another-room-0123')).toBeUndefined();
    expect(rooms.open(ROOM)).toBeDefined();
  });

  it('evicts the oldest absent device when bindings reach their cap', () => {
    const { rooms, room } = setup({ maxDevicesPerRoom: 1 });
    for (const id of ['d1', 'd2', 'd3', 'd4']) {
      rooms.join(room, id, KEY_A, id);
      rooms.leave(room, id, id);
    }
    rooms.join(room, 'd5', KEY_A, 'd5');
    expect([...room.bindings.keys()]).toEqual(['d2', 'd3', 'd4', 'd5']);
    rooms.leave(room, 'd5', 'd5');
    // d1 was forgotten, so it may come back with another key.
    expect(rooms.join(room, 'd1', KEY_B, 'again').ok).toBe(true);
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
    expect(rooms.open(ROOM)?.epoch).not.toBe(room.epoch);
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
