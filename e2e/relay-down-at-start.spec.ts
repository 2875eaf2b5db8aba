import {
  clipTexts,
  openLink,
  openNewRoom,
  scanJoinLink,
  sendClip,
  waitForPeers,
} from './fixtures/app';
import type { Device } from './fixtures/device';
import { historyOf, sendAndAwait, statusLine, waitForTexts } from './fixtures/room';
import { expect, test } from './fixtures/test';

const UNREACHABLE = /^Relay unreachable — retrying\./;

test('with the relay down at start, the page says so and keeps retrying, tabs sync over BroadcastChannel, and other browsers connect once it is up', async ({
  devices,
  relays,
}) => {
  test.setTimeout(120_000);
  // The page loads from one relay and signals through another, which is down.
  const signaling = await relays.start('signaling relay');
  await signaling.stop();
  const appServer = await relays.start('app server', { args: ['--connect-src', signaling.url] });
  const viaSignaling = { relay: signaling.url };

  const laptop = await devices.launch('laptop');
  const attempts: number[] = [];
  laptop.page.on('request', (request) => {
    // Stream attempts only: sealed publishes that fail meanwhile are not retries of the stream.
    const stream =
      request.url().startsWith(`${signaling.url}/v1/rooms/`) && request.url().includes('/events?');
    if (stream) attempts.push(Date.now());
  });
  await openNewRoom(laptop, appServer.url, viaSignaling);
  await expect(statusLine(laptop)).toHaveText(UNREACHABLE);
  const link = await scanJoinLink(laptop);

  const secondTab: Device = {
    ...laptop,
    name: 'laptop tab 2',
    page: await laptop.context.newPage(),
  };
  await openLink(secondTab, link, viaSignaling);
  for (const tab of [laptop, secondTab]) await waitForPeers(tab, 1, ['direct', 'relay']);
  await expect(statusLine(secondTab)).toHaveText(UNREACHABLE);
  await sendAndAwait(laptop, 'clip 1 between tabs, no relay', [secondTab]);
  await sendAndAwait(secondTab, 'clip 2 between tabs, no relay', [laptop]);

  const phone = await devices.launch('phone');
  await openLink(phone, link, viaSignaling);
  await expect(statusLine(phone)).toHaveText(UNREACHABLE);
  await sendClip(phone, 'clip 3 from the phone, waiting for the relay');
  // Retrying, but with backoff rather than in a tight loop.
  const firstAttempt = attempts[0] ?? Date.now();
  const seconds = (Date.now() - firstAttempt) / 1000;
  expect(attempts.length).toBeGreaterThanOrEqual(3);
  expect(attempts.length).toBeLessThan(2 + seconds);
  expect(await clipTexts(phone.page)).toEqual(['clip 3 from the phone, waiting for the relay']);

  await signaling.restart();
  // The retry delay is capped at 30 s, so that is the longest anyone waits.
  for (const device of [laptop, secondTab, phone]) {
    await expect(statusLine(device)).toHaveText('Connected to 2 devices.', { timeout: 35_000 });
  }
  await waitForPeers(phone, 2, ['direct']);
  await sendAndAwait(laptop, 'clip 4 once the relay is up', [secondTab, phone]);

  const expected = [
    'clip 1 between tabs, no relay',
    'clip 2 between tabs, no relay',
    'clip 3 from the phone, waiting for the relay',
    'clip 4 once the relay is up',
  ];
  for (const device of [laptop, secondTab, phone]) await waitForTexts(device, expected);
  for (const device of [laptop, secondTab, phone]) {
    expect(await historyOf(device, 'clip ')).toEqual(expected);
  }
});
