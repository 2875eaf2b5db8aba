import { openLink, waitForPeers } from './fixtures/app';
import { historyOf, sendAndAwait, startRoom, statusLine, waitForTexts } from './fixtures/room';
import { expect, test } from './fixtures/test';

const OUTAGE_MS = 5_000;

test('three devices keep syncing directly while the relay restarts, then a fourth joins and catches up', async ({
  relay,
  devices,
}) => {
  test.setTimeout(90_000);
  const { devices: room, link } = await startRoom(devices, relay.url, ['A', 'B', 'C']);
  const [a, b, c] = room as [(typeof room)[0], (typeof room)[0], (typeof room)[0]];
  await sendAndAwait(a, 'clip 1 before the outage', [b, c]);

  await relay.kill();
  const killedAt = Date.now();
  await sendAndAwait(b, 'clip 2 during the outage', [a, c]);
  await sendAndAwait(c, 'clip 3 during the outage', [a, b]);
  await sendAndAwait(a, 'clip 4 during the outage', [b, c]);
  for (const device of room) await expect(statusLine(device)).toContainText('Relay unreachable');
  await new Promise((resolve) =>
    setTimeout(resolve, Math.max(0, killedAt + OUTAGE_MS - Date.now())),
  );

  await relay.restart();
  // Presence comes back by itself: every device is subscribed again and says so.
  await expect
    .poll(async () => (await (await fetch(`${relay.url}/healthz`)).json()).subscribers, {
      timeout: 10_000,
      message: 'not every device subscribed to the restarted relay within 10 s',
    })
    .toBe(3);
  for (const device of room) {
    await expect(statusLine(device)).toHaveText('Connected to 2 devices.', { timeout: 1_000 });
  }

  const d = await devices.launch('D');
  await openLink(d, link);
  await waitForPeers(d, 3);
  await sendAndAwait(d, 'clip 5 from the newcomer', room);

  const expected = [
    'clip 1 before the outage',
    'clip 2 during the outage',
    'clip 3 during the outage',
    'clip 4 during the outage',
    'clip 5 from the newcomer',
  ];
  await waitForTexts(d, expected);
  for (const device of [...room, d]) expect(await historyOf(device, 'clip ')).toEqual(expected);
});
