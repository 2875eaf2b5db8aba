import { deviceId, openLink, waitForPeers } from './fixtures/app';
import { historyOf, sendAndAwait, startRoom, statusLine, waitForTexts } from './fixtures/room';
import { expect, test } from './fixtures/test';

const SLEEP_MS = 60_000;

test('a device that slept a minute with no network takes its place back and catches up', async ({
  relay,
  devices,
  networks,
}) => {
  test.setTimeout(150_000);
  const { devices: pair, link } = await startRoom(devices, relay.url, ['A', 'B']);
  const [a, b] = pair as [(typeof pair)[0], (typeof pair)[0]];
  const network = networks.create(relay);
  const c = await devices.launch('C (sleeps)', network.launch);
  await openLink(c, network.link(link));
  for (const device of [a, b, c]) await waitForPeers(device, 2);
  const sleeper = await deviceId(c);
  await sendAndAwait(c, 'clip 1 before sleep', [a, b]);

  // The whole browser stops, as in a suspended laptop, and its network is gone.
  network.sleep();
  const asleepAt = Date.now();
  await sendAndAwait(a, 'clip 2 while C sleeps', [b]);
  await sendAndAwait(b, 'clip 3 while C sleeps', [a]);
  await new Promise((resolve) => setTimeout(resolve, asleepAt + SLEEP_MS / 2 - Date.now()));
  await sendAndAwait(a, 'clip 4 while C sleeps', [b]);
  await new Promise((resolve) => setTimeout(resolve, asleepAt + SLEEP_MS - Date.now()));

  network.wake();
  await expect(statusLine(c)).toHaveText('Connected to 2 devices.', { timeout: 30_000 });
  await waitForPeers(c, 2);
  await sendAndAwait(b, 'clip 5 after C woke', [a, c]);

  const expected = [
    'clip 1 before sleep',
    'clip 2 while C sleeps',
    'clip 3 while C sleeps',
    'clip 4 while C sleeps',
    'clip 5 after C woke',
  ];
  for (const device of [a, b, c]) await waitForTexts(device, expected);
  for (const device of [a, b, c]) expect(await historyOf(device, 'clip ')).toEqual(expected);
  // The relay still held its dead stream: the new one took that place, not a 409 for the id.
  const relayLog = relay.logs();
  const takeovers = relayLog
    .split('\n')
    .filter((line) => line.includes('"took over a stream"') && line.includes(sleeper));
  expect(takeovers).toHaveLength(1);
  expect(relayLog).not.toContain('device_conflict');
});
