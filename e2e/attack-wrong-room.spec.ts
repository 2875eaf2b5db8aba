import type { Page } from '@playwright/test';
import { deriveRoomKeys } from '../app/core/keys';
import { parseJoinInput } from '../app/core/link';
import { clipTexts, deviceId, openNewRoom, sendClip, waitForClip } from './fixtures/app';
import type { Device } from './fixtures/device';
import { startRoom } from './fixtures/room';
import { expect, test } from './fixtures/test';

const WARNING = /Someone may be tampering with signaling for this room/;
const INTRUDER_NAME = 'Intruder from room two';

async function relayRoomOf(link: string): Promise<string> {
  const input = parseJoinInput(link);
  if (!input.ok) throw new Error(input.error);
  return (await deriveRoomKeys(input.secret)).roomId;
}

async function rename(device: Device, name: string): Promise<void> {
  await device.page.getByRole('button', { name: 'Rename' }).click();
  await device.page.getByLabel('Name of this device').fill(name);
  await device.page.getByRole('button', { name: 'Save' }).click();
}

function listedPeerIds(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid="device"]:not([data-self])')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-device-id') ?? '?'));
}

test('a device with another room secret in the same relay room opens nothing and shows nothing', async ({
  relay,
  devices,
}) => {
  const { devices: pair, link } = await startRoom(devices, relay.url, ['A', 'B']);
  const [a, b] = pair as [Device, Device];
  const ids = [await deviceId(a), await deviceId(b)];

  // A room of its own, forced into the relay room of A and B by the test hook.
  const intruder = await devices.launch('intruder');
  await openNewRoom(intruder, relay.url, { 'relay-room': await relayRoomOf(link) });
  await rename(intruder, INTRUDER_NAME);
  const intruderId = await deviceId(intruder);
  await sendClip(intruder, 'clip from the wrong room');
  await sendClip(a, 'clip from the right room');
  await waitForClip(b, 'clip from the right room');

  // Its payloads reached A and B (they warn of what they could not open), and the other way.
  for (const device of [a, b, intruder]) {
    await expect(device.page.getByText(WARNING)).toBeVisible({ timeout: 20_000 });
  }
  // Past the fallback timer (3 s), after which a device it could open would be reachable.
  await intruder.page.waitForTimeout(4_000);

  expect(await listedPeerIds(a.page)).toEqual([ids[1]]);
  expect(await listedPeerIds(b.page)).toEqual([ids[0]]);
  expect(await listedPeerIds(intruder.page)).toEqual([]);
  for (const device of [a, b]) {
    await expect(device.page.locator('body')).not.toContainText(INTRUDER_NAME);
    expect(await clipTexts(device.page)).toEqual(['clip from the right room']);
    expect(await listedPeerIds(device.page)).not.toContain(intruderId);
  }
  expect(await clipTexts(intruder.page)).toEqual(['clip from the wrong room']);
  for (const device of [a, b, intruder]) {
    expect(device.consoleErrors.filter((line) => line.startsWith('pageerror'))).toEqual([]);
  }
});
