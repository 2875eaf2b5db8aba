import {
  openLink,
  openNewRoom,
  scanJoinLink,
  sendClip,
  waitForClip,
  waitForPeers,
} from './fixtures/app';
import type { Device } from './fixtures/device';
import { expect, test } from './fixtures/test';

test('two tabs of one browser are two devices and keep syncing over BroadcastChannel with the relay gone', async ({
  relay,
  devices,
}) => {
  const first = await devices.launch('browser');
  // A second page of the same browser context: a second tab, same storage, same origin.
  const secondPage = await first.context.newPage();
  const second: Device = { ...first, name: 'second tab', page: secondPage };

  // No direct links, so everything between the tabs takes a transport.
  await openNewRoom(first, relay.url, { direct: 'off' });
  const link = await scanJoinLink(first);
  await openLink(second, link, { direct: 'off' });
  await waitForPeers(first, 1, ['relay']);
  await waitForPeers(second, 1, ['relay']);
  const ids = await Promise.all(
    [first, second].map((tab) =>
      tab.page.locator('[data-testid="device"][data-self="true"]').getAttribute('data-device-id'),
    ),
  );
  expect(ids[0]).not.toBe(ids[1]);

  await relay.kill();
  await sendClip(first, 'tab to tab, no relay');
  await waitForClip(second, 'tab to tab, no relay');
  await sendClip(second, 'and back again');
  await waitForClip(first, 'and back again');
});

test('a clip another tab took still waits to leave this browser, until a device of its own takes it', async ({
  relay,
  devices,
}) => {
  const first = await devices.launch('browser');
  const second: Device = { ...first, name: 'second tab', page: await first.context.newPage() };
  await openNewRoom(first, relay.url);
  const link = await scanJoinLink(first);
  await openLink(second, link);
  await waitForPeers(first, 1);
  await waitForPeers(second, 1);

  await sendClip(first, 'from the first tab');
  await waitForClip(second, 'from the first tab');
  // The second tab's receipt goes before its own clip on the same link.
  await sendClip(second, 'from the second tab');
  await waitForClip(first, 'from the second tab');
  const mine = first.page.locator('[data-testid="clip"]', { hasText: 'from the first tab' });
  await expect(mine).toHaveAttribute('data-pending', 'true');
  await expect(mine.getByTestId('receipt')).toHaveText('waiting to send');

  const phone = await devices.launch('phone');
  await openLink(phone, link);
  await waitForClip(phone, 'from the first tab');
  await expect(mine).toHaveAttribute('data-pending', 'false');

  // Each tab keeps its own clips through a reload.
  for (const tab of [first, second]) {
    await tab.page.reload();
    await waitForClip(tab, 'from the first tab');
    await waitForClip(tab, 'from the second tab');
  }
});
