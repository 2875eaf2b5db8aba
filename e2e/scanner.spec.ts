// Joining a room by scanning its QR code inside the app: with a camera that films the other
// device's screen, and, where a test browser has no camera, from a picture instead, as on a
// phone that refused camera access.
import { writeFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import QRCode from 'qrcode';
import { openNewRoom, waitForPeers } from './fixtures/app';
import { cameraFilming, writeY4mOfPicture } from './fixtures/camera';
import { sendAndAwait } from './fixtures/room';
import { expect, test } from './fixtures/test';

const NOT_A_ROOM = 'That QR code is not a clipmesh room link.';

function roomCodeIn(page: Page): string | null {
  return new URLSearchParams(new URL(page.url()).hash.slice(1)).get('k');
}

async function openScanner(page: Page) {
  await page.getByRole('button', { name: 'Scan to join' }).click();
  const scanner = page.getByRole('dialog', { name: 'Scan to join' });
  await expect(scanner).toBeVisible();
  // No camera in a test browser: the scanner says why and offers a picture instead.
  await expect(scanner.locator('[aria-live]')).toContainText(/pick a picture/i);
  return scanner;
}

test('a device joins the room in a picture of its QR code', async ({
  relay,
  devices,
}, testInfo) => {
  const laptop = await devices.launch('laptop', { form: 'desktop' });
  const phone = await devices.launch('phone');
  await openNewRoom(laptop, relay.url);
  const picture = testInfo.outputPath('room-qr.png');
  await expect(laptop.page.locator('[data-testid="room-qr"] img')).toBeVisible();
  await laptop.page.locator('[data-testid="room-qr"]').screenshot({ path: picture });
  const laptopRoom = roomCodeIn(laptop.page);
  expect(laptopRoom).not.toBeNull();

  await openNewRoom(phone, relay.url);
  expect(roomCodeIn(phone.page)).not.toBe(laptopRoom);
  const scanner = await openScanner(phone.page);
  await scanner.getByLabel('Or pick a picture of the code').setInputFiles(picture);

  await expect(scanner).toBeHidden();
  expect(roomCodeIn(phone.page)).toBe(laptopRoom);
  await waitForPeers(phone, 1);
  await waitForPeers(laptop, 1);
  expect(laptop.consoleErrors).toEqual([]);
  expect(phone.consoleErrors).toEqual([]);
});

test('a device joins the room whose QR code its camera films, and clips flow both ways', async ({
  relay,
  devices,
}, testInfo) => {
  const laptop = await devices.launch('laptop', { form: 'desktop' });
  await openNewRoom(laptop, relay.url);
  await expect(laptop.page.locator('[data-testid="room-qr"] img')).toBeVisible();
  const video = testInfo.outputPath('room-qr.y4m');
  writeY4mOfPicture(await laptop.page.locator('[data-testid="room-qr"]').screenshot(), video);
  const laptopRoom = roomCodeIn(laptop.page);
  expect(laptopRoom).not.toBeNull();

  const phone = await devices.launch('phone', cameraFilming(video));
  await openNewRoom(phone, relay.url);
  expect(roomCodeIn(phone.page)).not.toBe(laptopRoom);
  await phone.page.getByRole('button', { name: 'Scan to join' }).click();
  const scanner = phone.page.getByRole('dialog', { name: 'Scan to join' });
  await expect(scanner.getByLabel('Camera view')).toBeVisible();

  await expect(scanner).toBeHidden();
  expect(roomCodeIn(phone.page)).toBe(laptopRoom);
  await waitForPeers(phone, 1);
  await waitForPeers(laptop, 1);
  await sendAndAwait(laptop, 'from the laptop, after the scan', [phone]);
  await sendAndAwait(phone, 'from the phone that scanned', [laptop]);
  expect(laptop.consoleErrors).toEqual([]);
  expect(phone.consoleErrors).toEqual([]);
});

test('a QR code that is not a room link is refused and the device stays in its room', async ({
  relay,
  devices,
}, testInfo) => {
  const phone = await devices.launch('phone');
  await openNewRoom(phone, relay.url);
  const ownRoom = roomCodeIn(phone.page);
  const picture = testInfo.outputPath('other-qr.png');
  await writeFile(picture, await QRCode.toBuffer('https://example.com/'));

  const scanner = await openScanner(phone.page);
  await scanner.getByLabel('Or pick a picture of the code').setInputFiles(picture);

  await expect(scanner.getByRole('alert')).toHaveText(NOT_A_ROOM);
  await expect(scanner).toBeVisible();
  expect(roomCodeIn(phone.page)).toBe(ownRoom);
  expect(phone.consoleErrors).toEqual([]);
});

test('Cancel and Escape close the scanner and give focus back to its button', async ({
  relay,
  devices,
}) => {
  const phone = await devices.launch('phone');
  await openNewRoom(phone, relay.url);
  const button = phone.page.getByRole('button', { name: 'Scan to join' });

  const scanner = await openScanner(phone.page);
  await expect(scanner.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await scanner.getByRole('button', { name: 'Cancel' }).click();
  await expect(scanner).toBeHidden();
  await expect(button).toBeFocused();

  await openScanner(phone.page);
  await phone.page.keyboard.press('Escape');
  await expect(scanner).toBeHidden();
  await expect(button).toBeFocused();
  expect(phone.consoleErrors).toEqual([]);
});
