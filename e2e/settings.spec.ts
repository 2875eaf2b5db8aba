// Settings as a person uses them: this device's name, and auto-copy on receive.
import { pairTwoDevices, sendClip, waitForClip } from './fixtures/app';
import { clipWithText, expectPeerNamed, openPanel, renameThisDevice } from './fixtures/controls';
import type { Device } from './fixtures/device';
import { expect, test } from './fixtures/test';

const AUTO_COPY = /^Auto-copy/;
const COPIED_NOTE = 'Already copied to your clipboard.';

function clipboard(device: Device): Promise<string> {
  return device.page.evaluate(() => navigator.clipboard.readText());
}

test('a new name for this device shows on the other device, and stays after a reload', async ({
  relay,
  devices,
}) => {
  const [laptop, phone] = await pairTwoDevices(devices, relay.url);
  await sendClip(laptop, 'sent under the old name');
  await waitForClip(phone, 'sent under the old name');
  await renameThisDevice(laptop, 'Work laptop');
  await expectPeerNamed(phone, 'Work laptop');
  // What the laptop sent before is shown under its new name too.
  await expect(
    clipWithText(phone, 'sent under the old name').getByRole('button', { name: 'Copy clip from' }),
  ).toHaveAccessibleName('Copy clip from Work laptop');
  await expect(
    phone.page.getByRole('region', { name: 'Latest clip' }).getByRole('button'),
  ).toContainText('Copy latest from Work laptop');
  await laptop.page.reload();
  await expect(
    laptop.page.locator('[data-testid="device"][data-self="true"] [data-testid="device-name"]'),
  ).toHaveText('Work laptop');
});

test('auto-copy puts a received clip on the clipboard only while it is on and the page is in front', async ({
  relay,
  devices,
}) => {
  test.setTimeout(90_000);
  const [laptop, phone] = await pairTwoDevices(devices, relay.url);
  // Playwright tells every page it has focus; turn that off so focus is the browser's own.
  const cdp = await laptop.context.newCDPSession(laptop.page);
  await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
  await laptop.page.bringToFront();
  expect(await laptop.page.evaluate(() => document.hasFocus())).toBe(true);
  await laptop.page.evaluate(() => navigator.clipboard.writeText('what was there before'));

  const settings = await openPanel(laptop, 'Settings');
  const autoCopy = settings.getByRole('checkbox', { name: AUTO_COPY });
  await expect(autoCopy).not.toBeChecked();
  await sendClip(phone, 'clip 1, auto-copy off');
  await waitForClip(laptop, 'clip 1, auto-copy off');
  expect(await clipboard(laptop)).toBe('what was there before');

  await autoCopy.check();
  await sendClip(phone, 'clip 2, auto-copy on');
  await waitForClip(laptop, 'clip 2, auto-copy on');
  await expect.poll(() => clipboard(laptop)).toBe('clip 2, auto-copy on');
  await expect(laptop.page.getByText(COPIED_NOTE)).toBeVisible();

  // Another tab in front takes the focus for real.
  const otherTab = await laptop.context.newPage();
  await otherTab.bringToFront();
  expect(await laptop.page.evaluate(() => document.hasFocus())).toBe(false);
  await sendClip(phone, 'clip 3, laptop behind another tab');
  // The phone hears the laptop's receipt once the clip is in: auto-copy had its chance.
  await expect(
    clipWithText(phone, 'clip 3, laptop behind another tab').getByTestId('receipt'),
  ).toHaveText('on 2 devices');
  await laptop.page.bringToFront();
  expect(await laptop.page.evaluate(() => document.hasFocus())).toBe(true);
  await waitForClip(laptop, 'clip 3, laptop behind another tab');
  expect(await clipboard(laptop)).toBe('clip 2, auto-copy on');
  await expect(laptop.page.getByText(COPIED_NOTE)).toHaveCount(0);

  await autoCopy.uncheck();
  await sendClip(phone, 'clip 4, auto-copy off again');
  await waitForClip(laptop, 'clip 4, auto-copy off again');
  expect(await clipboard(laptop)).toBe('clip 2, auto-copy on');
  await expect(laptop.page.getByText(COPIED_NOTE)).toHaveCount(0);
});
