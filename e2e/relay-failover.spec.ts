import { freePort } from '../scripts/free-port.mjs';
import { startRedis, type TestRedis } from '../scripts/redis-process.mjs';
import {
  openLink,
  openNewRoom,
  scanJoinLink,
  serviceWorkerReady,
  waitForPeers,
} from './fixtures/app';
import type { Device } from './fixtures/device';
import type { Relay } from './fixtures/relay';
import { historyOf, sendAndAwait, statusLine } from './fixtures/room';
import { type Devices, expect, type Relays, test } from './fixtures/test';

// Clips go through the relays (direct links off), so the relays are the only road between them.
const RELAYED = { extra: { direct: 'off' }, states: ['relay'] };

/** Two relays of one service sharing rooms through Redis, each serving the app and naming the other. */
async function twoRelays(relays: Relays, redis: TestRedis): Promise<[Relay, Relay]> {
  const ports = [await freePort(), await freePort()];
  const urls = ports.map((port) => `http://127.0.0.1:${port}`);
  const [one, two] = await Promise.all(
    ports.map((port, i) => {
      const other = urls[1 - i] as string;
      // Each relay serves the app, tells devices of the other, and lets its pages reach it.
      const args = ['--redis', redis.url, '--peers', other, '--connect-src', other];
      return relays.start(`relay-${i + 1}`, { port, args });
    }),
  );
  if (!one || !two) throw new Error('relays did not start');
  return [one, two];
}

interface Across {
  a: Device;
  b: Device;
  one: Relay;
  two: Relay;
}

/** A on relay 1 and B on relay 2 of one service, paired in one room; then `run`. */
async function acrossTwoRelays(
  { relays, devices }: { relays: Relays; devices: Devices },
  run: (across: Across) => Promise<void>,
): Promise<void> {
  const redis = await startRedis();
  try {
    const [one, two] = await twoRelays(relays, redis);
    const a = await devices.launch('A');
    const b = await devices.launch('B');
    await openNewRoom(a, one.url, RELAYED.extra);
    // B reaches the same service through its other relay, as a second entry point would.
    const link = new URL(await scanJoinLink(a));
    const viaTwo = `${two.url}${link.pathname}${link.search}${link.hash}`;
    await openLink(b, viaTwo, RELAYED.extra);
    await waitForPeers(a, 1, RELAYED.states);
    await waitForPeers(b, 1, RELAYED.states);
    await run({ a, b, one, two });
  } finally {
    await redis.stop();
  }
}

test('device A on relay 1 and B on relay 2 share a room; relay 1 dies and A carries on through relay 2 without a reload', async ({
  relays,
  devices,
}) => {
  test.setTimeout(90_000);
  await acrossTwoRelays({ relays, devices }, async ({ a, b, one, two }) => {
    await sendAndAwait(a, 'clip 1 from A through relay 1', [b]);
    await sendAndAwait(b, 'clip 2 from B through relay 2', [a]);

    // A page that reloads loses this mark.
    await a.page.evaluate(() => {
      (window as unknown as { stayed: boolean }).stayed = true;
    });
    await one.kill();
    await sendAndAwait(a, 'clip 3 from A after relay 1 died', [b]);
    await sendAndAwait(b, 'clip 4 from B after relay 1 died', [a]);
    await expect(statusLine(a)).toContainText('Connected to 1 device');
    expect(await a.page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(
      true,
    );
    const health = await (await fetch(`${two.url}/healthz`)).json();
    expect(health.subscribers).toBe(2);

    const expected = [
      'clip 1 from A through relay 1',
      'clip 2 from B through relay 2',
      'clip 3 from A after relay 1 died',
      'clip 4 from B after relay 1 died',
    ];
    for (const device of [a, b]) expect(await historyOf(device, 'clip ')).toEqual(expected);
  });
});

test('the installed app opened while its relay is down reaches the room through the sibling it remembered', async ({
  relays,
  devices,
}) => {
  test.setTimeout(90_000);
  await acrossTwoRelays({ relays, devices }, async ({ a, b, one, two }) => {
    // Its offline copy opens the page with relay 1 gone.
    await serviceWorkerReady(a.page);
    await one.kill();
    await a.page.reload();
    await waitForPeers(a, 1, RELAYED.states);
    await sendAndAwait(a, 'from A, opened with relay 1 down', [b]);
    await sendAndAwait(b, 'from B, to A back through relay 2', [a]);
    const health = await (await fetch(`${two.url}/healthz`)).json();
    expect(health.subscribers).toBe(2);
  });
});
