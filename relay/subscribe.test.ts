import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, deviceId, deviceKey, join, roomId, startRelay, subscribe } from './harness';

afterEach(closeAll);

describe('subscribe', () => {
  it('opens an unbuffered event stream with a retry hint, then members', async () => {
    const { url } = await startRelay();
    const stream = await subscribe(url, roomId(), deviceId(), deviceKey());
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream');
    expect(stream.headers['cache-control']).toBe('no-cache, no-transform');
    expect(stream.headers['x-accel-buffering']).toBe('no');
    expect(stream.headers.connection).toBe('keep-alive');
    const members = await stream.next('members');
    expect(stream.retry).toBe(2000);
    expect(members.json).toEqual({ devices: [], resumed: false, ice: { iceServers: [] } });
    expect(members.id).toMatch(/^[\w-]+\.1$/);
  });

  it('tells members who joins and leaves, and newcomers who is there', async () => {
    const { url } = await startRelay();
    const room = roomId();
    const a = await join(url, room);
    const b = await subscribe(url, room, deviceId(), deviceKey());
    const bId = (await b.next('members')).json;
    expect(bId).toEqual({ devices: [a.device], resumed: false, ice: { iceServers: [] } });
    const joined = await a.stream.next('join');
    b.close();
    const left = await a.stream.next('leave');
    expect(joined.json.device).toBe(left.json.device);
  });

  it('sends keepalive comments', async () => {
    const { url } = await startRelay({ keepaliveMs: 20 });
    const { stream } = await join(url, roomId());
    const deadline = Date.now() + 2000;
    while (stream.comments.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(stream.comments).toContain('keepalive');
  });

  it('refuses bad and huge ids with 400', async () => {
    const { url, relay } = await startRelay();
    const cases = [
      [roomId(), 'short', deviceKey()],
      [roomId(), deviceId(), 'short'],
      [roomId(), deviceId(), `${deviceKey()}%00`],
      ['tooshort', deviceId(), deviceKey()],
      ['x'.repeat(65), deviceId(), deviceKey()],
      [roomId(), 'd'.repeat(5000), deviceKey()],
      [roomId(), `${deviceId()}!`, deviceKey()],
    ] as const;
    for (const [room, device, key] of cases) {
      const answer = await subscribe(url, room, device, key);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body).error).toMatch(/characters/);
    }
    const missing = await fetch(`${url}/v1/rooms/${roomId()}/events`);
    expect(missing.status).toBe(400);
    expect(relay.metrics.rejections('bad_device')).toBe(4);
  });

  it('refuses a device id bound to another key with 409', async () => {
    const { url, relay } = await startRelay();
    const room = roomId();
    const a = await join(url, room);
    // Someone else in the room has seen a's id.
    await join(url, room);
    a.stream.close();
    await a.stream.whenEnded();
    const thief = await subscribe(url, room, a.device, deviceKey());
    expect(thief.status).toBe(409);
    expect(JSON.parse(thief.body)).toEqual({
      error: 'device id is bound to another key',
      code: 'device_conflict',
    });
    expect(relay.metrics.rejections('device_conflict')).toBe(1);
  });

  it('hands a device over to its new stream, ending the old one with replaced', async () => {
    const { url } = await startRelay();
    const room = roomId();
    const other = await join(url, room);
    const first = await join(url, room);
    await other.stream.next('join');
    const second = await subscribe(url, room, first.device, first.key);
    expect((await second.next('members')).json.devices).toEqual([other.device]);
    expect((await first.stream.next('replaced')).json).toEqual({ reason: 'takeover' });
    await first.stream.whenEnded();
    await other.send('still there?');
    expect((await second.next('message')).json.payload).toBe('still there?');
    // The others saw neither a leave nor a join for the takeover.
    expect(other.stream.events.map((event) => event.event)).toEqual(['members', 'join']);
  });

  it('answers 403 room is full once every place is taken', async () => {
    const { url, relay } = await startRelay({ maxDevicesPerRoom: 2 });
    const room = roomId();
    await join(url, room);
    await join(url, room);
    const third = await subscribe(url, room, deviceId(), deviceKey());
    expect(third.status).toBe(403);
    expect(JSON.parse(third.body)).toEqual({ error: 'room is full', code: 'room_full' });
    expect(relay.metrics.rejections('room_full')).toBe(1);
  });

  it('ends streams on close so that clients reconnect', async () => {
    const { url, relay } = await startRelay();
    const { stream } = await join(url, roomId());
    await relay.close();
    await stream.whenEnded();
  });
});

describe('resume', () => {
  it('replays what was missed, in order, and nothing twice', async () => {
    const { url } = await startRelay();
    const room = roomId();
    const a = await join(url, room);
    const b = await join(url, room);
    await a.send('before');
    const seen = await b.stream.next('message');
    b.stream.close();
    await a.stream.next('leave');
    await a.send('missed 1');
    await a.send('missed 2');
    const back = await subscribe(url, room, b.device, b.key, { 'Last-Event-ID': seen.id ?? '' });
    const members = await back.next('members');
    expect(members.json).toEqual({ devices: [a.device], resumed: true, ice: { iceServers: [] } });
    const replayed = [await back.next(), await back.next()];
    expect(replayed.map((event) => event.json.payload)).toEqual(['missed 1', 'missed 2']);
    await a.send('live');
    expect((await back.next()).json.payload).toBe('live');
    expect(back.events.filter((event) => event.event === 'message')).toHaveLength(3);

    // Resuming from the last event seen replays nothing.
    back.close();
    await a.stream.next('leave');
    const last = back.events.at(-1)?.id;
    const again = await subscribe(url, room, b.device, b.key, {}, `&lastEventId=${last}`);
    expect((await again.next('members')).json.resumed).toBe(true);
    await a.send('after');
    expect((await again.next()).json.payload).toBe('after');
  });

  it('says resumed:false for an id from another epoch', async () => {
    const { url } = await startRelay();
    const a = await subscribe(url, roomId(), deviceId(), deviceKey(), {
      'Last-Event-ID': 'AAAAAAAA.3',
    });
    expect((await a.next('members')).json).toEqual({
      devices: [],
      resumed: false,
      ice: { iceServers: [] },
    });
  });

  it('replays a targeted message only to its target', async () => {
    const { url } = await startRelay();
    const room = roomId();
    const a = await join(url, room);
    const b = await join(url, room);
    const c = await join(url, room);
    const mark = c.stream.events[0]?.id ?? '';
    await a.send('secret for c', c.device);
    await c.stream.next('message');
    // Both come back from before the message, taking over their own streams.
    const bBack = await subscribe(url, room, b.device, b.key, { 'Last-Event-ID': mark });
    const cBack = await subscribe(url, room, c.device, c.key, { 'Last-Event-ID': mark });
    expect((await cBack.next('message')).json).toEqual({ from: a.device, payload: 'secret for c' });
    await a.send('to all');
    expect((await bBack.next('message')).json.payload).toBe('to all');
  });
});
