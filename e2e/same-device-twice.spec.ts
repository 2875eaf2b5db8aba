import { deviceId, openLink, openNewRoom, scanJoinLink, waitForPeers } from './fixtures/app';
import type { Device } from './fixtures/device';
import { statusLine } from './fixtures/room';
import { expect, test } from './fixtures/test';

// Each tab claims one of 8 identity slots (app/core/tab-slot.ts); only with all 8 taken does a
// tab share an identity, the one case where one device id subscribes twice in earnest.
const OTHER_SLOTS = 7;

test('a tab that must share its device identity takes the room over, and the other tab says the room is open elsewhere', async ({
  relay,
  devices,
}) => {
  const laptop = await devices.launch('laptop');
  await openNewRoom(laptop, relay.url);
  const link = await scanJoinLink(laptop);
  const phone = await devices.launch('phone');
  await openLink(phone, link);
  await waitForPeers(laptop, 1);

  // A page of the same origin stands in for seven more tabs holding the other slots.
  const slotHolder = await laptop.context.newPage();
  await slotHolder.goto(`${relay.url}/healthz`);
  await slotHolder.evaluate((count) => {
    for (let slot = 1; slot <= count; slot++) {
      void navigator.locks.request(`clipmesh-device-${slot}`, () => new Promise(() => {}));
    }
  }, OTHER_SLOTS);

  const lastTab: Device = { ...laptop, name: 'last tab', page: await laptop.context.newPage() };
  await openLink(lastTab, link);
  expect(await deviceId(lastTab)).toBe(await deviceId(laptop));

  await expect(statusLine(laptop)).toHaveText('This room is open in another tab or window.');
  await waitForPeers(lastTab, 1);
  await expect(statusLine(lastTab)).toHaveText('Connected to 1 device.');
  expect(relay.logs()).toContain('"took over a stream"');
  expect(relay.logs()).not.toContain('device_conflict');
  // It stays told: a replaced stream does not come back to fight for the room.
  await laptop.page.waitForTimeout(3_000);
  await expect(statusLine(laptop)).toHaveText('This room is open in another tab or window.');
});
