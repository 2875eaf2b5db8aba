import { connect } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeAll, deviceId, deviceKey, join, roomId, startRelay, subscribe } from './harness';

afterEach(closeAll);

const health = async (url: string) =>
  (await (await fetch(`${url}/healthz`)).json()) as { rooms: number; subscribers: number };

describe('capacity', () => {
  it('answers 503 beyond the room limit and the connection limit', async () => {
    const { url, relay } = await startRelay({ maxRooms: 1, maxConnections: 2 });
    const room = roomId();
    await join(url, room);
    const second = await subscribe(url, roomId(), deviceId(), deviceKey());
    expect(second.status).toBe(503);
    expect(JSON.parse(second.body)).toEqual({
      error: 'relay has too many rooms',
      code: 'too_many_rooms',
    });
    await join(url, room);
    const third = await subscribe(url, room, deviceId(), deviceKey());
    expect(third.status).toBe(503);
    expect(JSON.parse(third.body)).toEqual({
      error: 'relay has too many connections',
      code: 'too_many_connections',
    });
    expect(relay.metrics.rejections('too_many_rooms')).toBe(1);
    expect(relay.metrics.rejections('too_many_connections')).toBe(1);
  });

  it('answers 429 beyond the connection limit for one address', async () => {
    const { url, relay } = await startRelay({ maxConnectionsPerIp: 2 });
    const room = roomId();
    const a = await join(url, room);
    await join(url, room);
    const third = await subscribe(url, room, deviceId(), deviceKey());
    expect(third.status).toBe(429);
    expect(relay.metrics.rejections('too_many_from_ip')).toBe(1);
    a.stream.close();
    while ((await health(url)).subscribers > 1) await a.stream.whenEnded();
    expect((await subscribe(url, room, deviceId(), deviceKey())).status).toBe(200);
  });

  it('forgets an empty room after the grace period, so old event ids no longer resume', async () => {
    const { url, relay, clock } = await startRelay({ roomGraceMs: 60_000 });
    const room = roomId();
    const a = await join(url, room);
    const lastId = a.stream.events[0]?.id ?? '';
    // A room that carried a message is kept for the grace period; others go at once.
    expect((await a.send('hello')).status).toBe(202);
    a.stream.close();
    await a.stream.whenEnded();
    // The client's close reaches the relay a moment later; the grace period starts there.
    await vi.waitFor(async () => expect((await health(url)).subscribers).toBe(0));
    clock.advance(59_999);
    relay.sweep();
    expect((await health(url)).rooms).toBe(1);
    clock.advance(1);
    relay.sweep();
    expect(await health(url)).toMatchObject({ rooms: 0, subscribers: 0 });
    const back = await subscribe(url, room, a.device, a.key, { 'Last-Event-ID': lastId });
    expect((await back.next('members')).json).toEqual({
      devices: [],
      resumed: false,
      ice: { iceServers: [] },
    });
  });

  it('drops a subscriber that stops reading, while the others keep getting events promptly', async () => {
    const { url, relay } = await startRelay({
      maxQueueBytes: 64 * 1024,
      publishRate: 100_000,
      publishBurst: 100_000,
    });
    const room = roomId();
    const sender = await join(url, room);
    const reader = await join(url, room);
    const stuckDevice = deviceId();
    const stuck = connect(Number(new URL(url).port), '127.0.0.1');
    stuck.write(
      `GET /v1/rooms/${room}/events?device=${stuckDevice}&key=${deviceKey()} HTTP/1.1\r\n` +
        'Host: 127.0.0.1\r\n\r\n',
    );
    // Never read: the kernel buffers fill, then the relay's queue grows.
    stuck.pause();
    const stuckClosed = new Promise((resolve) => stuck.on('close', resolve));
    await reader.stream.next('join');
    const payload = 'p'.repeat(60_000);
    let sent = 0;
    while (relay.metrics.drops('slow') === 0 && sent < 2000) {
      expect((await sender.send(payload)).status).toBe(202);
      const started = Date.now();
      await reader.stream.next('message', 1000);
      expect(Date.now() - started).toBeLessThan(1000);
      sent += 1;
    }
    expect(relay.metrics.drops('slow')).toBe(1);
    expect((await reader.stream.next('leave')).json).toEqual({ device: stuckDevice });
    stuck.resume();
    await stuckClosed;
    await sender.send('after');
    expect((await reader.stream.next('message')).json.payload).toBe('after');
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('clipmesh_relay_subscribers_dropped_total{reason="slow"} 1');
  });
});
