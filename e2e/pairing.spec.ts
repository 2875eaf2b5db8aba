import {
  clipTexts,
  deviceId,
  openLink,
  openNewRoom,
  scanJoinLink,
  sendClip,
  waitForClip,
  waitForPeers,
} from './fixtures/app';
import { copyClip } from './fixtures/controls';
import { expect, test } from './fixtures/test';

test('a phone scans the laptop QR code, joins, and a pasted clip lands on it', async ({
  relay,
  devices,
}) => {
  const laptop = await devices.launch('laptop', { form: 'desktop' });
  const phone = await devices.launch('phone');

  await openNewRoom(laptop, relay.url);
  const link = await scanJoinLink(laptop);
  expect(link).toMatch(/#k=[A-Za-z0-9_-]{22}/);
  await openLink(phone, link);

  await waitForPeers(laptop, 1);
  await waitForPeers(phone, 1);
  const laptopId = await deviceId(laptop);
  await expect(phone.page.locator(`[data-device-id="${laptopId}"]`)).toBeVisible();

  const text = 'line one\n\tindented ✂️ 📋 עברית mixed العربية\nend';
  await sendClip(laptop, text);
  await waitForClip(phone, text);

  const clip = phone.page.locator('[data-testid="clip"]').filter({ hasText: 'line one' });
  const copied = await copyClip(phone, clip);
  expect(copied).toBe(text);
  expect(laptop.consoleErrors).toEqual([]);
  expect(phone.consoleErrors).toEqual([]);
});

test('three devices each send a clip and every device shows all three exactly once', async ({
  relay,
  devices,
}) => {
  const [a, b, c] = await Promise.all(['A', 'B', 'C'].map((name) => devices.launch(name)));
  if (!a || !b || !c) throw new Error('devices did not launch');
  await openNewRoom(a, relay.url);
  const link = await scanJoinLink(a);
  await openLink(b, link);
  await openLink(c, link);
  for (const device of [a, b, c]) await waitForPeers(device, 2);

  await sendClip(a, 'from A');
  await sendClip(b, 'from B');
  await sendClip(c, 'from C');

  for (const device of [a, b, c]) {
    for (const text of ['from A', 'from B', 'from C']) await waitForClip(device, text);
    const texts = await clipTexts(device.page);
    expect(texts.sort()).toEqual(['from A', 'from B', 'from C']);
  }
});
