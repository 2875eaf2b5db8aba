import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../scripts/redis-process.mjs';
import {
  closeAll,
  deviceId,
  deviceKey,
  join,
  post,
  roomId,
  startRelay,
  subscribe,
} from './harness';

let redis: TestRedis;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(closeAll);

const twoRelays = async (extra = {}) => {
  const one = await startRelay({ redis: redis.url, ...extra });
  const two = await startRelay({ redis: redis.url, ...extra });
  return [one.url, two.url] as const;
};

describe('relays sharing rooms through redis', () => {
  it('delivers a message published on one instance to a device on another', async () => {
    const [one, two] = await twoRelays();
    const room = roomId();
    const a = await join(one, room);
    const b = await join(two, room);
    expect((await a.stream.next('join')).json).toEqual({ device: b.device });
    const sent = await a.send('from one');
    expect(sent.status).toBe(202);
    expect(sent.json.delivered).toBe(1);
    const got = await b.stream.next('message');
    expect(got.json).toEqual({ from: a.device, payload: 'from one' });
    expect(got.id).toBe(sent.json.id);
    await b.send('to a only', a.device);
    expect((await a.stream.next('message')).json).toEqual({ from: b.device, payload: 'to a only' });
  });

  it('lists the devices present on every instance in members', async () => {
    const [one, two] = await twoRelays();
    const room = roomId();
    const a = await join(one, room);
    const b = await join(two, room);
    const c = await subscribe(one, room, deviceId(), deviceKey());
    const members = await c.next<{ devices: string[] }>('members');
    expect(members.json.devices.sort()).toEqual([a.device, b.device].sort());
  });

  it('holds the devices-per-room limit across instances', async () => {
    const [one, two] = await twoRelays({ maxDevicesPerRoom: 2 });
    const room = roomId();
    await join(one, room);
    await join(two, room);
    const third = await subscribe(one, room, deviceId(), deviceKey());
    expect(third.status).toBe(403);
    expect(JSON.parse(third.body).code).toBe('room_full');
  });

  it('refuses a device id bound to another key on another instance', async () => {
    const [one, two] = await twoRelays();
    const room = roomId();
    const a = await join(one, room);
    const thief = await subscribe(two, room, a.device, deviceKey());
    expect(thief.status).toBe(409);
    expect(JSON.parse(thief.body).code).toBe('device_conflict');
    for (const url of [one, two]) {
      const forged = await post(url, room, { device: a.device, key: deviceKey(), payload: 'x' });
      expect(forged.json.code).toBe('wrong_key');
    }
  });

  it('a takeover on another instance ends the old stream, unseen by the others', async () => {
    const [one, two] = await twoRelays();
    const room = roomId();
    const a = await join(one, room);
    const b = await join(two, room);
    await a.stream.next('join');
    const again = await subscribe(two, room, a.device, a.key);
    expect(again.status).toBe(200);
    await again.next('members');
    expect((await a.stream.next('replaced')).json).toEqual({ reason: 'takeover' });
    await a.stream.whenEnded();
    await a.send('still here');
    expect((await b.stream.next()).event).toBe('message');
  });

  it('resumes with Last-Event-ID on another instance, missing nothing', async () => {
    const [one, two] = await twoRelays();
    const room = roomId();
    const a = await join(one, room);
    const b = await join(two, room);
    await b.send('first');
    const first = await a.stream.next('message');
    a.stream.close();
    await a.stream.whenEnded();
    await b.send('second');
    await b.send('third');
    const resumed = await subscribe(two, room, a.device, a.key, {
      'Last-Event-ID': first.id ?? '',
    });
    expect((await resumed.next<{ resumed: boolean }>('members')).json.resumed).toBe(true);
    const payloads = [];
    for (let i = 0; i < 2; i++) payloads.push((await resumed.next('message')).json.payload);
    expect(payloads).toEqual(['second', 'third']);
    await b.send('fourth');
    expect((await resumed.next('message')).json.payload).toBe('fourth');
    expect(resumed.events.filter((event) => event.event === 'message')).toHaveLength(3);
  });

  it('says resumed: false when the id is from an older life of the room', async () => {
    const [one] = await twoRelays();
    const room = roomId();
    const a = await join(one, room);
    const stale = await subscribe(one, room, deviceId(), deviceKey(), {
      'Last-Event-ID': 'AAAAAAAA.1-0',
    });
    expect((await stale.next<{ resumed: boolean }>('members')).json.resumed).toBe(false);
    a.stream.close();
  });

  it('trims the shared replay window by length and by age', async () => {
    const [one, two] = await twoRelays({ replayEvents: 3, replayMs: 1000 });
    const room = roomId();
    const a = await join(one, room);
    const b = await join(two, room);
    await b.send('m1');
    const first = await a.stream.next('message');
    a.stream.close();
    for (const payload of ['m2', 'm3', 'm4']) await b.send(payload);
    const headers = { 'Last-Event-ID': first.id ?? '' };
    const late = await subscribe(two, room, a.device, a.key, headers);
    expect((await late.next<{ resumed: boolean }>('members')).json.resumed).toBe(false);
    const latest = (await b.send('m5')).json.id as string;
    late.close();
    await late.whenEnded();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await b.send('m6');
    const old = await subscribe(one, room, a.device, a.key, { 'Last-Event-ID': latest });
    expect((await old.next<{ resumed: boolean }>('members')).json.resumed).toBe(false);
  });
});
