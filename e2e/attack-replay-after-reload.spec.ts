// A relay that keeps what it carried and replays it to a device after that device reloads:
// nothing replayed opens, and the device warns, as it does for any tampering.
import {
  deviceId,
  openLink,
  openNewRoom,
  scanJoinLink,
  sendClip,
  waitForClip,
  waitForPeers,
} from './fixtures/app';
import { startTamperingProxy } from './fixtures/tampering-proxy';
import { expect, test } from './fixtures/test';

const WARNING = /Someone may be tampering with signaling for this room/;

test('payloads a relay replays to a device after it reloads do not open, and it warns', async ({
  relay,
  devices,
}) => {
  test.setTimeout(90_000);
  const proxy = await startTamperingProxy(relay.url);
  try {
    const a = await devices.launch('A');
    const b = await devices.launch('B');
    await openNewRoom(a, proxy.url);
    await openLink(b, await scanJoinLink(a));
    await waitForPeers(b, 1);
    await sendClip(a, 'before the reload');
    await waitForClip(b, 'before the reload');
    const bId = await deviceId(b);

    await b.page.reload();
    await waitForPeers(b, 1);
    await waitForPeers(a, 1);
    await expect(b.page.getByText(WARNING)).toHaveCount(0);

    // Hellos, offers and candidates A sealed for B before B reloaded.
    expect(proxy.replayTo(bId)).toBeGreaterThanOrEqual(3);
    await expect(b.page.getByText(WARNING)).toBeVisible({ timeout: 10_000 });
    // The replays changed nothing: the link still carries clips.
    await sendClip(a, 'after the replay');
    await waitForClip(b, 'after the replay');
  } finally {
    await proxy.close();
  }
});
