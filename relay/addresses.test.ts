// Per-address limits over real sockets: loopback source addresses 127.0.0.x stand for clients.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  closeAll,
  deviceId,
  deviceKey,
  join,
  postFrom,
  roomId,
  startRelay,
  subscribe,
} from './harness';

afterEach(closeAll);

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});

/** A socket that connects and never sends a request. */
async function idleSocket(url: string, localAddress: string): Promise<Socket> {
  const socket = connect({ port: Number(new URL(url).port), host: '127.0.0.1', localAddress });
  sockets.push(socket);
  await new Promise((resolve) => socket.once('connect', resolve));
  return socket;
}

const subscribeFrom = (url: string, room: string, localAddress: string, headers = {}) =>
  subscribe(url, room, deviceId(), deviceKey(), headers, '', localAddress);

describe('per-address limits', () => {
  it('counts idle sockets toward the connection limit of their address', async () => {
    const { url, relay } = await startRelay({ maxConnectionsPerIp: 3 });
    for (let i = 0; i < 3; i += 1) await idleSocket(url, '127.0.0.2');
    const refused = await subscribeFrom(url, roomId(), '127.0.0.2');
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body)).toEqual({
      error: 'too many connections from this address',
      code: 'too_many_from_ip',
    });
    expect(relay.metrics.rejections('too_many_from_ip')).toBe(1);
    expect((await subscribeFrom(url, roomId(), '127.0.0.3')).status).toBe(200);
  });

  it('frees an address its sockets once they close', async () => {
    const { url } = await startRelay({ maxConnectionsPerIp: 1 });
    const idle = await idleSocket(url, '127.0.0.2');
    idle.destroy();
    await vi.waitFor(async () =>
      expect((await subscribeFrom(url, roomId(), '127.0.0.2')).status).toBe(200),
    );
  });

  it('gives an address one publish budget, however many device ids it uses', async () => {
    const { url } = await startRelay({ ipPublishBurst: 4, ipPublishRate: 0.001 });
    const room = roomId();
    const devices = [];
    for (let i = 0; i < 4; i += 1)
      devices.push(await join(url, room, undefined, undefined, '127.0.0.2'));
    const statuses = [];
    for (const device of [...devices, ...devices]) statuses.push((await device.send('x')).status);
    expect(statuses).toEqual([202, 202, 202, 202, 429, 429, 429, 429]);
    const other = await join(url, roomId(), undefined, undefined, '127.0.0.3');
    expect((await other.send('x')).status).toBe(202);
  });

  it('gives a room one publish budget, whichever devices publish', async () => {
    const { url } = await startRelay({ roomPublishBurst: 3, roomPublishRate: 0.001 });
    const room = roomId();
    const a = await join(url, room, undefined, undefined, '127.0.0.2');
    const b = await join(url, room, undefined, undefined, '127.0.0.3');
    const statuses = [];
    for (const device of [a, b, a, b]) statuses.push((await device.send('x')).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
    const answer = await b.send('x');
    expect(answer.json).toEqual({ error: 'too many messages; slow down', code: 'rate_limited' });
  });

  it('limits the rooms one address holds, not the rooms of others', async () => {
    const { url } = await startRelay({ maxRoomsPerIp: 2 });
    await join(url, roomId(), undefined, undefined, '127.0.0.2');
    await join(url, roomId(), undefined, undefined, '127.0.0.2');
    const third = await subscribeFrom(url, roomId(), '127.0.0.2');
    expect(third.status).toBe(429);
    expect(JSON.parse(third.body)).toEqual({
      error: 'too many rooms made from this address',
      code: 'too_many_rooms_from_ip',
    });
    expect((await subscribeFrom(url, roomId(), '127.0.0.3')).status).toBe(200);
  });
});

describe('trust-proxy', () => {
  const via = (address: string) => ({ 'X-Forwarded-For': address });

  it('reads the client from X-Forwarded-For of a trusted proxy, counting IPv6 by /64', async () => {
    const { url } = await startRelay({ maxConnectionsPerIp: 2, trustProxy: ['127.0.0.2'] });
    const proxy = (address: string) => subscribeFrom(url, roomId(), '127.0.0.2', via(address));
    expect((await proxy('2001:db8::1')).status).toBe(200);
    expect((await proxy('2001:db8::2')).status).toBe(200);
    expect((await proxy('2001:db8::3')).status).toBe(429);
    expect((await proxy('2001:db8:0:1::1')).status).toBe(200);
    expect((await proxy('198.51.100.7')).status).toBe(200);
    expect((await proxy('::ffff:198.51.100.7')).status).toBe(200);
    expect((await proxy('198.51.100.7')).status).toBe(429);
  });

  it('spends the publish budget of the forwarded client, not of the proxy', async () => {
    const { url } = await startRelay({
      trustProxy: ['127.0.0.0/8'],
      ipPublishBurst: 1,
      ipPublishRate: 0.001,
    });
    const room = roomId();
    const a = await join(url, room);
    const b = await join(url, room);
    const publish = (who: typeof a, client: string) =>
      postFrom(
        '127.0.0.2',
        url,
        room,
        { device: who.device, key: who.key, payload: 'x' },
        via(client),
      );
    expect((await publish(a, '198.51.100.1')).status).toBe(202);
    expect((await publish(b, '198.51.100.2')).status).toBe(202);
    expect((await publish(a, '198.51.100.1')).status).toBe(429);
  });

  it('is off by default: X-Forwarded-For alone changes nothing', async () => {
    const { url } = await startRelay({ maxConnectionsPerIp: 1 });
    expect((await subscribeFrom(url, roomId(), '127.0.0.2', via('198.51.100.1'))).status).toBe(200);
    expect((await subscribeFrom(url, roomId(), '127.0.0.2', via('198.51.100.2'))).status).toBe(429);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const { url } = await startRelay({ maxConnectionsPerIp: 1, trustProxy: ['127.0.0.2'] });
    expect((await subscribeFrom(url, roomId(), '127.0.0.3', via('198.51.100.1'))).status).toBe(200);
    expect((await subscribeFrom(url, roomId(), '127.0.0.3', via('198.51.100.2'))).status).toBe(429);
  });
});
