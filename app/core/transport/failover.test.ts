import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelay, type Relay } from '../../../relay/server';
import { freePort } from '../../../scripts/free-port.mjs';
import { startRedis, type TestRedis } from '../../../scripts/redis-process.mjs';
import type { SetTimer } from './relay-stream';
import { createRelayTransport, type RelayTransportOptions } from './sse';
import type { TransportEvent } from './types';

const ROOM = 'failover-test-room-0123456789';
const quiet = () => {};
let redis: TestRedis;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function untilAsync(condition: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Two relays each advertising the other, sharing rooms through Redis unless `shared` is false. */
async function twoRelays(shared = true): Promise<{ relays: Relay[]; urls: string[] }> {
  const ports = [await freePort(), await freePort()];
  const urls = ports.map((port) => `http://127.0.0.1:${port}`);
  const store = shared ? { redis: redis.url } : {};
  const relays = urls.map((_, i) =>
    createRelay({ log: quiet, ...store, peers: [urls[1 - i] as string] }),
  );
  for (const [i, relay] of relays.entries()) await relay.listen(ports[i], '127.0.0.1');
  return { relays, urls };
}

/** Retry timers fire at once: the test is about where the stream goes, not when. */
const soon: SetTimer = (fn, ms) => {
  if (ms >= 45_000) return () => {};
  const timer = setTimeout(fn, 1);
  return () => clearTimeout(timer);
};

function device(url: string, id: string, extra: Partial<RelayTransportOptions> = {}) {
  const events: TransportEvent[] = [];
  const fetches: string[] = [];
  const transport = createRelayTransport({
    ...extra,
    roomId: ROOM,
    deviceId: id,
    deviceKey: `key-of-${id}-0123456789`,
    relayUrl: url,
    setTimer: soon,
    fetch: (input, init) => {
      fetches.push(String(input));
      return fetch(input, init);
    },
  });
  const stop = transport.subscribe((event) => events.push(event));
  return { transport, events, fetches, stop };
}

const payloads = (events: TransportEvent[]) =>
  events.flatMap((event) => (event.type === 'message' ? [event.payload] : []));

describe('a device that knows several relays of one service', () => {
  it('moves to the relay its first one advertised when that one dies, missing nothing', async () => {
    const { relays, urls } = await twoRelays();
    const [one, two] = relays as [Relay, Relay];
    const a = device(urls[0] as string, 'device-a');
    const b = device(urls[1] as string, 'device-b');
    try {
      const seesB = (e: TransportEvent) =>
        (e.type === 'join' && e.device === 'device-b') ||
        (e.type === 'members' && e.devices.includes('device-b'));
      await until(() => a.events.some(seesB));
      await b.transport.publish('before');
      await until(() => payloads(a.events).includes('before'));
      // The relay goes away: its streams end, and nothing listens on its port any more.
      await one.close();
      await b.transport.publish('while moving');
      await until(() => payloads(a.events).includes('while moving'));
      await a.transport.publish('from a, now on two');
      await until(() => payloads(b.events).includes('from a, now on two'));
      expect(payloads(a.events)).toEqual(['before', 'while moving']);
      expect(a.fetches.some((url) => url.startsWith(`${urls[1]}/v1/rooms/${ROOM}/events`))).toBe(
        true,
      );
      // B never saw A leave: A's takeover on the other relay kept its place in the room.
      expect(b.events.some((e) => e.type === 'leave')).toBe(false);
    } finally {
      a.stop();
      b.stop();
      await two.close();
    }
  });

  it('tells the siblings it learned, and with its relay down from the start uses them', async () => {
    const { relays, urls } = await twoRelays();
    const [one, two] = relays as [Relay, Relay];
    const learned: string[][] = [];
    const a = device(urls[0] as string, 'device-a', { onRelays: (found) => learned.push(found) });
    await until(() => learned.length > 0);
    expect(learned).toEqual([[urls[1]]]);
    a.stop();
    await one.close();
    // The next visit: its relay is gone, and only the sibling remembered leads to the room.
    const b = device(urls[1] as string, 'device-b');
    const back = device(urls[0] as string, 'device-a', { knownRelays: learned[0] });
    try {
      await until(() => back.events.some((e) => e.type === 'members'));
      await b.transport.publish('through the remembered sibling');
      await until(() => payloads(back.events).includes('through the remembered sibling'));
    } finally {
      back.stop();
      b.stop();
      await two.close();
    }
  });

  it('without Redis, devices of a dead relay meet again on the next one and carry on', async () => {
    const { relays, urls } = await twoRelays(false);
    const [one, two] = relays as [Relay, Relay];
    const a = device(urls[0] as string, 'device-a');
    const b = device(urls[0] as string, 'device-b');
    try {
      const seesB = (e: TransportEvent) =>
        (e.type === 'join' && e.device === 'device-b') ||
        (e.type === 'members' && e.devices.includes('device-b'));
      await until(() => a.events.some(seesB));
      await one.close();
      // Both move to the relay the first one advertised, where the room starts afresh.
      const health = async () => (await fetch(`${urls[1]}/healthz`)).json();
      await untilAsync(async () => (await health()).subscribers === 2);
      await b.transport.publish('on the second relay');
      await until(() => payloads(a.events).includes('on the second relay'));
      expect(payloads(a.events)).toEqual(['on the second relay']);
    } finally {
      a.stop();
      b.stop();
      await two.close();
    }
  });
});
