import type { Page } from '@playwright/test';
import { openLink, openNewRoom, scanJoinLink, sendClip, waitForClip } from './fixtures/app';
import type { Device } from './fixtures/device';
import { startTamperingProxy } from './fixtures/tampering-proxy';
import { expect, test } from './fixtures/test';

const WARNING = /Someone may be tampering with signaling for this room/;
const CONNECTED = ['direct', 'turn', 'relay'];

/** The peers a device lists, by id, with the state it shows for each. */
function listedPeers(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const listed: Record<string, string> = {};
    for (const item of document.querySelectorAll('[data-testid="device"]:not([data-self])')) {
      listed[item.getAttribute('data-device-id') ?? '?'] = item.getAttribute('data-state') ?? '?';
    }
    return listed;
  });
}

function pageErrors(device: Device): string[] {
  return device.consoleErrors.filter((line) => line.startsWith('pageerror'));
}

async function selfId(device: Device): Promise<string> {
  const id = await device.page
    .locator('[data-testid="device"][data-self="true"]')
    .getAttribute('data-device-id');
  if (!id) throw new Error(`${device.name} shows no id for itself`);
  return id;
}

test('a tampering relay makes no device appear or connect and is warned about; once it stops, devices connect without a reload', async ({
  relay,
  devices,
}) => {
  test.setTimeout(120_000);
  const proxy = await startTamperingProxy(relay.url);
  try {
    const a = await devices.launch('A');
    const b = await devices.launch('B');
    await openNewRoom(a, proxy.url);
    const link = await scanJoinLink(a);
    await openLink(b, link);
    const ids = { a: await selfId(a), b: await selfId(b) };
    await expect
      .poll(() => listedPeers(a.page), { timeout: 20_000 })
      .toEqual({ [ids.b]: 'direct' });
    await sendClip(a, 'sent before the relay turned');
    await waitForClip(b, 'sent before the relay turned');

    proxy.tampering = true;
    const c = await devices.launch('C');
    await openLink(c, link);
    const cId = await selfId(c);

    for (const device of [a, b, c]) {
      await expect(device.page.getByText(WARNING)).toBeVisible({ timeout: 20_000 });
    }
    // Every trick was tried, for longer than the fallback timer (3 s) that would make a
    // made-up device reachable.
    await expect
      .poll(() => Math.min(...Object.values(proxy.counts)), { timeout: 20_000 })
      .toBeGreaterThan(0);
    await a.page.waitForTimeout(4_000);

    // Nothing the relay made up is listed, and the device behind damaged signaling is not either.
    expect(await listedPeers(a.page)).toEqual({ [ids.b]: 'direct' });
    expect(await listedPeers(b.page)).toEqual({ [ids.a]: 'direct' });
    const seenByC = await listedPeers(c.page);
    expect(Object.values(seenByC).filter((state) => CONNECTED.includes(state))).toEqual([]);
    for (const device of [a, b, c]) {
      const listed = Object.keys(await listedPeers(device.page));
      expect(listed.filter((id) => proxy.phantoms.includes(id))).toEqual([]);
    }
    // The direct link is out of the relay's reach.
    await sendClip(b, 'sent while the relay tampers');
    await waitForClip(a, 'sent while the relay tampers');

    proxy.tampering = false;
    // No reload: the devices start over on their own and connect.
    await expect
      .poll(() => listedPeers(c.page), { timeout: 45_000, message: 'C connects to A and B' })
      .toEqual({ [ids.a]: 'direct', [ids.b]: 'direct' });
    await expect
      .poll(() => listedPeers(a.page), { timeout: 10_000 })
      .toEqual({ [ids.b]: 'direct', [cId]: 'direct' });
    for (const text of ['sent before the relay turned', 'sent while the relay tampers']) {
      await waitForClip(c, text);
    }
    await sendClip(c, 'sent after the relay behaves');
    await waitForClip(a, 'sent after the relay behaves');
    await waitForClip(b, 'sent after the relay behaves');

    for (const device of [a, b, c]) expect(pageErrors(device)).toEqual([]);
  } finally {
    await proxy.close();
  }
});
