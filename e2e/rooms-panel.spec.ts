// The Rooms panel as a person uses it: a new room, joining by a pasted link or code, and
// reopening, renaming and forgetting remembered rooms.
import { openNewRoom, waitForPeers } from './fixtures/app';
import { codeOf, openPanel, roomLink, roomName } from './fixtures/controls';
import type { Device } from './fixtures/device';
import { sendAndAwait, waitForTexts } from './fixtures/room';
import { expect, test } from './fixtures/test';

/** Pastes `text` into the join field of the Rooms panel and joins. */
async function pasteToJoin(device: Device, text: string): Promise<void> {
  const panel = await openPanel(device, 'Rooms');
  await panel.getByLabel('Join a room: paste its link or code').fill(text);
  await panel.getByRole('button', { name: 'Join', exact: true }).click();
}

async function renameRoom(device: Device, from: string, to: string): Promise<void> {
  const panel = await openPanel(device, 'Rooms');
  await panel.getByRole('button', { name: `Rename ${from}` }).click();
  await panel.getByLabel('Room name').fill(to);
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel.getByRole('button', { name: `Rename ${to}` })).toBeVisible();
}

function rememberedRooms(device: Device) {
  return device.page.getByRole('list', { name: 'Remembered rooms' }).getByRole('listitem');
}

test('rooms panel: a new room, joining by a pasted link and by a bare code, reopen, rename and forget', async ({
  relay,
  devices,
}) => {
  test.setTimeout(90_000);
  const laptop = await devices.launch('laptop');
  const phone = await devices.launch('phone');
  await openNewRoom(laptop, relay.url);
  await openNewRoom(phone, relay.url);
  const kitchen = await roomLink(laptop);
  await renameRoom(laptop, await roomName(laptop), 'Kitchen');
  await expect(laptop.page.locator('header p')).toHaveText('Kitchen');

  // The phone pastes the whole link into its own room's panel.
  await pasteToJoin(phone, kitchen);
  await expect.poll(() => roomLink(phone)).toBe(kitchen);
  await waitForPeers(phone, 1);
  await waitForPeers(laptop, 1);
  await sendAndAwait(phone, 'clip 1 in the kitchen', [laptop]);
  await expect(rememberedRooms(phone)).toHaveCount(2);

  // A new room: another link, nobody in it yet.
  const newRoom = (await openPanel(laptop, 'Rooms')).getByRole('button', { name: 'New room' });
  await newRoom.click();
  await expect.poll(() => roomLink(laptop)).not.toBe(kitchen);
  const office = await roomLink(laptop);
  await expect(laptop.page.getByText('clip 1 in the kitchen')).toHaveCount(0);
  await renameRoom(laptop, await roomName(laptop), 'Office');

  // The phone types only the code.
  await pasteToJoin(phone, codeOf(office));
  await expect.poll(() => roomLink(phone)).toBe(office);
  await waitForPeers(laptop, 1);
  await sendAndAwait(laptop, 'clip 2 in the office', [phone]);

  // Reopen the kitchen: its link and its clips are back.
  await expect(rememberedRooms(laptop)).toHaveCount(2);
  await rememberedRooms(laptop)
    .filter({ hasText: 'Kitchen' })
    .getByRole('button', { name: 'Open' })
    .click();
  await expect.poll(() => roomLink(laptop)).toBe(kitchen);
  await expect(laptop.page.locator('header p')).toHaveText('Kitchen');
  await waitForTexts(laptop, ['clip 1 in the kitchen']);
  await expect(laptop.page.getByText('clip 2 in the office')).toHaveCount(0);

  // Forget the office, for good: it stays gone after a reload.
  const panel = await openPanel(laptop, 'Rooms');
  await panel.getByRole('button', { name: 'Forget Office' }).click();
  await expect(rememberedRooms(laptop)).toHaveCount(1);
  await expect(rememberedRooms(laptop)).toContainText('Kitchen');
  await laptop.page.reload();
  await openPanel(laptop, 'Rooms');
  await expect(rememberedRooms(laptop)).toHaveCount(1);
  await expect(rememberedRooms(laptop)).toContainText(['Kitchen']);
});
