// Passing the room's link on: Copy link, and Share where the browser has a share sheet.
import { openNewRoom } from './fixtures/app';
import { roomLink } from './fixtures/controls';
import { expect, test } from './fixtures/test';

interface ShareData {
  title?: string;
  text?: string;
  url?: string;
}

test('Copy link puts the room link on the clipboard', async ({ relay, devices }) => {
  const laptop = await devices.launch('laptop');
  await openNewRoom(laptop, relay.url);
  await laptop.page.evaluate(() => navigator.clipboard.writeText('something else'));
  await laptop.page.getByRole('button', { name: 'Copy link', exact: true }).click();
  await expect(laptop.page.getByRole('button', { name: 'Copied', exact: true })).toBeVisible();
  const link = await roomLink(laptop);
  expect(link).toMatch(/#k=[A-Za-z0-9_-]{22}$/);
  expect(await laptop.page.evaluate(() => navigator.clipboard.readText())).toBe(link);
});

test('Share hands the room link to the share sheet where the browser has one, and is left out where it has none', async ({
  relay,
  devices,
}) => {
  const phone = await devices.launch('phone with a share sheet');
  // The share sheet itself is the operating system's: record what the page hands it.
  await phone.context.addInitScript(() => {
    const calls: ShareData[] = [];
    Object.assign(window, { shareCalls: calls });
    Object.defineProperty(Navigator.prototype, 'share', {
      configurable: true,
      value: (data: ShareData) => {
        calls.push(data);
        return Promise.resolve();
      },
    });
  });
  await openNewRoom(phone, relay.url);
  await phone.page.getByRole('button', { name: 'Share', exact: true }).click();
  const calls = await phone.page.evaluate(
    () => (window as unknown as { shareCalls: ShareData[] }).shareCalls,
  );
  expect(calls).toEqual([{ title: 'Join my clipmesh room', url: await roomLink(phone) }]);

  const laptop = await devices.launch('laptop without one');
  await laptop.context.addInitScript(() => {
    delete (Navigator.prototype as { share?: unknown }).share;
  });
  await openNewRoom(laptop, relay.url);
  expect(await laptop.page.evaluate(() => 'share' in navigator)).toBe(false);
  await expect(laptop.page.getByRole('button', { name: 'Share', exact: true })).toHaveCount(0);
  // The plain way remains: the link on screen, and Copy link.
  await expect(laptop.page.getByTestId('room-link')).toHaveText(/#k=[A-Za-z0-9_-]{22}$/);
  await expect(laptop.page.getByRole('button', { name: 'Copy link', exact: true })).toBeVisible();
});
