import type { TestInfo } from '@playwright/test';
import { clipTexts, openLink, openNewRoom, sendClip, waitForPeers } from './fixtures/app';
import type { Device } from './fixtures/device';
import { sendAndAwait, startRoom } from './fixtures/room';
import { expect, test } from './fixtures/test';

function clip(device: Device, text: string) {
  return device.page.locator('[data-testid="clip"]', { hasText: text });
}

async function deleteClip(device: Device, text: string): Promise<void> {
  await clip(device, text)
    .getByRole('button', { name: /^Delete clip/ })
    .click();
  await expect(clip(device, text)).toHaveCount(0);
}

async function reloadAll(pair: Device[]): Promise<void> {
  await Promise.all(pair.map((device) => device.page.reload()));
  for (const device of pair) await waitForPeers(device, pair.length - 1);
}

test('a clip deleted on one device is deleted on every device, and no reload brings it back', async ({
  relay,
  devices,
}) => {
  test.setTimeout(90_000);
  const { devices: pair, link } = await startRoom(devices, relay.url, ['A', 'B']);
  const [a, b] = pair as [Device, Device];
  await sendAndAwait(a, 'a pasted password', [b]);
  await sendAndAwait(a, 'a note', [b]);

  // B is away when A deletes it, and A reloads before B is back.
  await b.page.goto('about:blank');
  await deleteClip(a, 'a pasted password');
  await a.page.reload();
  await openLink(b, link);
  await waitForPeers(a, 1);
  await waitForPeers(b, 1);
  await expect.poll(() => clipTexts(b.page)).toEqual(['a note']);
  // A clip sent after they met arrives after what they exchanged on meeting.
  await sendAndAwait(b, 'after B came back', [a]);
  for (const device of pair) {
    expect(await clipTexts(device.page)).toEqual(['after B came back', 'a note']);
  }

  await reloadAll(pair);
  await sendAndAwait(a, 'after both reloaded', [b]);
  for (const device of pair) {
    expect(await clipTexts(device.page)).toEqual([
      'after both reloaded',
      'after B came back',
      'a note',
    ]);
  }

  // "Clear history" on B clears every device, for good.
  await b.page.getByRole('button', { name: 'Clear history' }).click();
  await b.page.getByRole('button', { name: 'Delete all clips' }).click();
  await expect.poll(() => clipTexts(a.page)).toEqual([]);
  await reloadAll(pair);
  await sendAndAwait(a, 'after clearing', [b]);
  for (const device of pair) expect(await clipTexts(device.page)).toEqual(['after clearing']);
});

async function setRoomSpace(device: Device, mib: number): Promise<void> {
  await device.page.locator('summary', { hasText: 'Settings' }).click();
  const input = device.page.getByLabel("Space for each room's clips on this device (MiB)");
  await input.fill(String(mib));
  await device.page.locator('form', { has: input }).getByRole('button', { name: 'Save' }).click();
}

async function screenshot(device: Device, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(name);
  await device.page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

test('a device out of space says how many clips were not saved, and saves them once clips are deleted', async ({
  relay,
  devices,
}, testInfo) => {
  test.setTimeout(90_000);
  const a = await devices.launch('A');
  await openNewRoom(a, relay.url);
  await setRoomSpace(a, 1);
  // Alone, every clip waits in the outbox, which the room's space never drops: the third
  // does not fit in 1 MiB beside the first two.
  const texts = ['1', '2', '3'].map((digit) => digit.repeat(400 * 1024));
  for (const text of texts) await sendClip(a, text);
  const warning = a.page.getByTestId('storage-warning');
  await expect(warning).toHaveText(
    'This device is out of space: 1 clip was not saved. Delete some clips, or allow this room more space in Settings, and they are saved.',
  );
  await screenshot(a, testInfo, 'out-of-space.png');

  await deleteClip(a, '1111');
  await expect(warning).toHaveCount(0);
  await a.page.reload();
  await expect(a.page.locator('[data-testid="clip"]')).toHaveCount(2);
  const shown = await clipTexts(a.page);
  expect(shown.map((text) => text.slice(0, 4))).toEqual(['3333', '2222']);
  await expect(a.page.locator('[data-testid="clip"][data-pending="true"]')).toHaveCount(2);
});

test('a late joiner is offered a large clip rather than pulling it, and fetches it whole with a tap', async ({
  relay,
  devices,
}) => {
  test.setTimeout(90_000);
  const { devices: pair, link } = await startRoom(devices, relay.url, ['A', 'B']);
  const [a, b] = pair as [Device, Device];
  const large = `${'L'.repeat(2 * 1024 * 1024)}.`;
  await sendClip(a, large);
  await expect(b.page.locator('[data-testid="clip"]')).toHaveCount(1, { timeout: 20_000 });
  await sendAndAwait(a, 'a small one', [b]);

  const late = await devices.launch('late');
  await openLink(late, link);
  const offer = late.page.getByTestId('offer');
  await expect(offer).toHaveText(/^Large clip \(2 MiB\) from .+Fetch$/);
  await expect.poll(() => clipTexts(late.page)).toEqual(['a small one']);

  await offer.getByRole('button', { name: /^Fetch/ }).click();
  await expect(offer).toHaveCount(0, { timeout: 20_000 });
  await expect(late.page.locator('[data-testid="clip"]')).toHaveCount(2);
  await late.page
    .locator('[data-testid="clip"]', { hasText: 'LLLL' })
    .getByRole('button', { name: /^Copy clip/ })
    .click();
  await expect.poll(() => late.page.evaluate(() => navigator.clipboard.readText())).toBe(large);
});
