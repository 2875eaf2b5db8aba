import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Backlog } from './backlog';
import { closeAll, deviceId, deviceKey, join, roomId, startRelay } from './harness';

afterEach(closeAll);

const MIB = 1024 * 1024;

describe('Backlog', () => {
  it('sheds the largest queues first, only until the total fits', () => {
    const queues = [{ queued: 10 }, { queued: 50 }, { queued: 30 }];
    const shed: number[] = [];
    const backlog = new Backlog<{ queued: number }>(45, (queue) => shed.push(queue.queued));
    for (const queue of queues) backlog.update(queue);
    expect(shed).toEqual([50]);
    expect(backlog.bytes).toBe(40);
  });

  it('counts queues afresh before shedding, so drained ones are not held against anyone', () => {
    const a = { queued: 40 };
    const b = { queued: 0 };
    const shed: unknown[] = [];
    const backlog = new Backlog<{ queued: number }>(50, (queue) => shed.push(queue));
    backlog.update(a);
    a.queued = 0;
    b.queued = 30;
    backlog.update(b);
    expect(shed).toEqual([]);
    expect(backlog.bytes).toBe(30);
  });
});

/** A subscriber that connects and never reads: the kernel buffers fill, then the relay's queue. */
function stuckSubscriber(url: string, room: string, device: string): Socket {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  socket.write(
    `GET /v1/rooms/${room}/events?device=${device}&key=${deviceKey()} HTTP/1.1\r\n` +
      'Host: 127.0.0.1\r\n\r\n',
  );
  socket.pause();
  return socket;
}

const queuedBytes = async (url: string): Promise<number> => {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^clipmesh_relay_queued_bytes (\d+)$/m.exec(text)?.[1]);
};

describe('queued bytes across the relay', () => {
  it('drops the subscriber with the largest backlog once the relay-wide budget is spent', async () => {
    const { url, relay } = await startRelay({
      maxBodyBytes: 2 * MIB,
      maxQueueBytes: 256 * MIB,
      maxQueueTotalBytes: 16 * MIB,
      publishRate: 100_000,
      publishBurst: 100_000,
      roomPublishRate: 100_000,
      roomPublishBurst: 100_000,
      ipPublishRate: 100_000,
      ipPublishBurst: 100_000,
    });
    const room = roomId();
    const sender = await join(url, room);
    const reader = await join(url, room);
    const [slowest, slow] = [deviceId(), deviceId()];
    const slowestSocket = stuckSubscriber(url, room, slowest);
    const slowSocket = stuckSubscriber(url, room, slow);
    const slowestClosed = new Promise((resolve) => slowestSocket.on('close', resolve));
    let slowClosed = false;
    slowSocket.on('close', () => {
      slowClosed = true;
    });
    await reader.stream.next('join');
    await reader.stream.next('join');
    // Large payloads, so the kernel's socket buffers fill in a few sends.
    const payload = 'p'.repeat(MIB);
    for (let sent = 0; (await queuedBytes(url)) < 10 * MIB && sent < 200; sent += 1) {
      expect((await sender.send(payload, slowest)).status).toBe(202);
    }
    for (let sent = 0; relay.metrics.drops('backlog') === 0 && sent < 200; sent += 1) {
      expect((await sender.send(payload, slow)).status).toBe(202);
    }
    expect(relay.metrics.drops('backlog')).toBe(1);
    // A paused socket sees the end only once it reads what came before it.
    slowestSocket.resume();
    await slowestClosed;
    expect((await reader.stream.next('leave')).json).toEqual({ device: slowest });
    expect(slowClosed).toBe(false);
    expect(await queuedBytes(url)).toBeLessThanOrEqual(16 * MIB);
    await sender.send('after');
    expect((await reader.stream.next('message')).json.payload).toBe('after');
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('clipmesh_relay_subscribers_dropped_total{reason="backlog"} 1');
    slowSocket.destroy();
    slowestSocket.destroy();
  });
});
