// The README's screenshots of the real app on a phone. Every run takes them into its test
// output; CLIPMESH_SCREENSHOTS=1 node e2e/run.mjs screenshots rewrites the committed ones.
import { fileURLToPath } from 'node:url';
import type { TestInfo } from '@playwright/test';
import { PNG } from 'pngjs';
import {
  openLink,
  openNewRoom,
  scanJoinLink,
  sendClip,
  waitForClip,
  waitForPeers,
  withTestParams,
} from './fixtures/app';
import type { Device } from './fixtures/device';
import type { Relay } from './fixtures/relay';
import { type Devices, expect, test } from './fixtures/test';

const DOCS_DIR = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const CLIPS = [
  'https://example.com/tickets/4182',
  'Wi-Fi for guests: clipmesh-guest / tea-kettle-42',
  'The address: 17 Harbour Lane, second floor',
];

/** Takes a phone-width screenshot where this run keeps it, and checks it is one. */
async function screenshot(device: Device, name: string, testInfo: TestInfo): Promise<void> {
  const path = process.env.CLIPMESH_SCREENSHOTS ? `${DOCS_DIR}${name}` : testInfo.outputPath(name);
  const png = PNG.sync.read(await device.page.screenshot({ path }));
  expect(png.width).toBe(390);
}

/** A phone in a room with a laptop that has sent it a few clips. */
async function phoneWithClips(
  relay: Relay,
  devices: Devices,
  colorScheme: 'light' | 'dark',
): Promise<Device> {
  const phone = await devices.launch('phone', { context: { colorScheme } });
  const laptop = await devices.launch('laptop', { form: 'desktop' });
  await openNewRoom(phone, relay.url);
  await openLink(laptop, await scanJoinLink(phone));
  await waitForPeers(phone, 1);
  for (const text of CLIPS) {
    await sendClip(laptop, text);
    await waitForClip(phone, text);
  }
  await expect(phone.page.getByTestId('status')).toHaveText('Connected to 1 device.');
  return phone;
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`a phone with clips from a laptop (${colorScheme})`, async ({
    relay,
    devices,
  }, testInfo) => {
    const phone = await phoneWithClips(relay, devices, colorScheme);
    await screenshot(phone, `phone-${colorScheme}.png`, testInfo);
  });
}

test('text shared from another app, waiting in the composer', async ({
  relay,
  devices,
}, testInfo) => {
  const phone = await devices.launch('phone');
  await openNewRoom(phone, relay.url);
  await openNewRoom(phone, relay.url);
  await phone.page.goto(
    withTestParams(`${relay.url}/`, { 'share-text': 'Table for four at 8, booked under Sam' }),
  );
  await expect(phone.page.getByTestId('share-landing')).toBeVisible();
  await screenshot(phone, 'phone-share.png', testInfo);
});
