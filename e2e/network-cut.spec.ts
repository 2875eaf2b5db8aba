import { openLink, sendClip, waitForPeers } from './fixtures/app';
import { historyOf, sendAndAwait, startRoom, statusLine, waitForTexts } from './fixtures/room';
import { expect, test } from './fixtures/test';

const CUT_MS = 15_000;

test('a device cut off the network for 15 s reconnects by itself and holds every clip it missed, in order, once', async ({
  relay,
  devices,
  networks,
}) => {
  test.setTimeout(120_000);
  const { devices: pair, link } = await startRoom(devices, relay.url, ['A', 'B']);
  const [a, b] = pair as [(typeof pair)[0], (typeof pair)[0]];
  const network = networks.create(relay);
  const c = await devices.launch('C (own network)', network.launch);
  await openLink(c, network.link(link));
  for (const device of [a, b, c]) await waitForPeers(device, 2);
  await sendAndAwait(a, 'clip 1 before the cut', [b, c]);

  network.unplug();
  const cutAt = Date.now();
  await sendAndAwait(a, 'clip 2 while C is away', [b]);
  await sendAndAwait(b, 'clip 3 while C is away', [a]);
  // C writes one too; it waits on C until there is a way out.
  await sendClip(c, 'clip 4 written on C while cut off');
  await sendAndAwait(a, 'clip 5 while C is away', [b]);
  await sendAndAwait(b, 'clip 6 while C is away', [a]);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, cutAt + CUT_MS - Date.now())));
  await expect(c.page.getByText('clip 2 while C is away')).toHaveCount(0);

  await expect(statusLine(c)).toHaveText(/^(Offline|Relay unreachable)/);

  network.plugIn();
  await expect(statusLine(c)).toHaveText('Connected to 2 devices.', { timeout: 30_000 });
  await waitForPeers(c, 2);
  await sendAndAwait(a, 'clip 7 after C is back', [b, c]);

  const expected = [
    'clip 1 before the cut',
    'clip 2 while C is away',
    'clip 3 while C is away',
    'clip 4 written on C while cut off',
    'clip 5 while C is away',
    'clip 6 while C is away',
    'clip 7 after C is back',
  ];
  for (const device of [a, b, c]) await waitForTexts(device, expected);
  for (const device of [a, b, c]) expect(await historyOf(device, 'clip ')).toEqual(expected);
});
