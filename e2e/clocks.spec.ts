// Wrong clocks in one room: a device a year ahead, one that says 1970, one past the last time
// a Date holds, and two that are right. Clips keep the order they were sent in, on every
// device and after a reload, and nothing is lost or throws.

import type { Page } from '@playwright/test';
import {
  clipTexts,
  deviceId,
  openLink,
  openNewRoom,
  scanJoinLink,
  sendClip,
  waitForPeers,
} from './fixtures/app';
import type { Device } from './fixtures/device';
import { joinAsHostilePeer } from './fixtures/hostile-peer';
import { historyOf, sendAndAwait, startRoom, waitForTexts } from './fixtures/room';
import { expect, test } from './fixtures/test';

const YEAR_MS = 365.25 * 24 * 60 * 60 * 1000;
/** Past 8.64e15 ms (year 275760), the last time a Date holds. */
const BEYOND_DATE = 9e15;

/** Makes the page's clock read `target` now and run on from there, across reloads. */
async function setClock(page: Page, target: number): Promise<void> {
  await page.addInitScript((offset: number) => {
    const RealDate = Date;
    const now = () => RealDate.now() + offset;
    globalThis.Date = new Proxy(RealDate, {
      construct: (target, args, newTarget) =>
        Reflect.construct(target, args.length === 0 ? [now()] : args, newTarget),
      apply: () => new RealDate(now()).toString(),
      get: (target, key, receiver) => (key === 'now' ? now : Reflect.get(target, key, receiver)),
    });
  }, target - Date.now());
}

function pageErrors(device: Device): string[] {
  return device.consoleErrors.filter((line) => line.startsWith('pageerror'));
}

/** Leaves the app on every device at once, then opens it again where each was. */
async function reloadAll(devices: Device[]): Promise<void> {
  const urls = devices.map((device) => device.page.url());
  // All at once, so no device's fresh start meets another's old page.
  await Promise.all(devices.map((device) => device.page.goto('about:blank')));
  await Promise.all(devices.map((device, i) => device.page.goto(urls[i] as string)));
}

test('clips keep the order they were sent in, whatever each device clock says, through a reload', async ({
  relay,
  devices,
}) => {
  test.setTimeout(180_000);
  const clocks: [string, number | null][] = [
    ['A', null],
    ['B', null],
    ['ahead', Date.now() + YEAR_MS],
    ['old', Date.UTC(1970, 0, 1, 0, 5)],
    ['far', BEYOND_DATE],
  ];
  const all: Device[] = [];
  for (const [name, clock] of clocks) {
    const device = await devices.launch(name);
    if (clock !== null) await setClock(device.page, clock);
    all.push(device);
  }
  const [a, b, ahead, old, far] = all as [Device, Device, Device, Device, Device];

  await openNewRoom(a, relay.url);
  const link = await scanJoinLink(a);
  for (const device of all.slice(1)) await openLink(device, link);
  for (const device of all) await waitForPeers(device, all.length - 1);
  expect(await far.page.evaluate(() => Date.now())).toBeGreaterThan(8.64e15);
  expect(await old.page.evaluate(() => new Date().getUTCFullYear())).toBe(1970);

  // Each clip is sent once every device shows the one before: a known causal order.
  const sequence: [Device, string][] = [
    [ahead, 'order: 1 from a year ahead'],
    [old, 'order: 2 from 1970'],
    [far, 'order: 3 from past year 275760'],
    [a, 'order: 4 from A'],
    [ahead, 'order: 5 from a year ahead'],
    [b, 'order: 6 from B'],
    [old, 'order: 7 from 1970'],
    [far, 'order: 8 from past year 275760'],
  ];
  for (const [from, text] of sequence) {
    await sendAndAwait(
      from,
      text,
      all.filter((device) => device !== from),
    );
  }
  const sent = sequence.map(([, text]) => text);
  for (const device of all) expect(await historyOf(device, 'order: '), device.name).toEqual(sent);
  // The sender's clock is still shown, as information: no device shows "unknown time".
  await expect(a.page.getByTestId('clip').filter({ hasText: 'unknown time' })).toHaveCount(0);

  await reloadAll(all);
  for (const device of all) await waitForPeers(device, all.length - 1);
  for (const device of all) {
    await waitForTexts(device, sent);
    expect(await historyOf(device, 'order: '), `${device.name} after a reload`).toEqual(sent);
    await expect(device.page.locator('[data-testid="clip"][data-pending="true"]')).toHaveCount(0);
    await expect(device.page.getByTestId('region-error')).toHaveCount(0);
    expect(pageErrors(device), device.name).toEqual([]);
  }
});

test('a part of the page that fails to draw says so, and the person carries on', async ({
  relay,
  devices,
}) => {
  const a = await devices.launch('A');
  const b = await devices.launch('B');
  // A fault in B's page: while set, showing a full date and time throws.
  await b.page.addInitScript(() => {
    const showDate = Date.prototype.toLocaleString;
    Date.prototype.toLocaleString = function (
      this: Date,
      ...args: Parameters<Date['toLocaleString']>
    ) {
      if ((globalThis as { datesBroken?: boolean }).datesBroken) throw new RangeError('broken');
      return showDate.apply(this, args);
    };
  });
  await openNewRoom(a, relay.url);
  await openLink(b, await scanJoinLink(a));
  await waitForPeers(a, 1);
  await waitForPeers(b, 1);

  await b.page.evaluate(() => {
    (globalThis as { datesBroken?: boolean }).datesBroken = true;
  });
  await sendClip(a, 'drawn on B only after trying again');
  const failed = b.page.getByTestId('region-error');
  await expect(failed).toContainText('Something went wrong while showing your clips');

  // The rest of the page still works: B sends a clip, and A gets it.
  await sendAndAwait(b, 'sent while the clips could not be shown', [a]);

  await b.page.evaluate(() => {
    (globalThis as { datesBroken?: boolean }).datesBroken = false;
  });
  await failed.getByRole('button', { name: 'Try again' }).click();
  await expect(failed).toHaveCount(0);
  await waitForTexts(b, [
    'drawn on B only after trying again',
    'sent while the clips could not be shown',
  ]);
  expect(pageErrors(b)).toEqual([]);
});

test('200 clips stamped in the far future push out no clip and pin none on top', async ({
  relay,
  devices,
}) => {
  test.setTimeout(120_000);
  const { devices: pair, link } = await startRoom(devices, relay.url, ['A', 'B']);
  const [a, b] = pair as [Device, Device];
  const before = ['real: 1', 'real: 2', 'real: 3'];
  for (const text of before) await sendAndAwait(b, text, [a]);

  const hostile = await joinAsHostilePeer(devices, link, relay.url, 'From the future');
  const aId = await deviceId(a);
  await hostile.ready(aId);
  // Past Date's range, with the largest stamp there is, or none (as older versions send).
  const flood = Array.from({ length: 200 }, (_, i) =>
    JSON.stringify({
      v: 1,
      t: 'clip',
      clip: {
        id: `future-clip-${i}`,
        text: `future: ${i}`,
        from: hostile.id,
        fromName: 'From the future',
        at: BEYOND_DATE,
        ...(i % 2 === 0 ? { stamp: Number.MAX_SAFE_INTEGER } : {}),
      },
    }),
  );
  await hostile.frames(aId, flood);
  // Then a clip A certainly takes in, so the flood is behind it on the same channel.
  await hostile.frames(aId, [
    JSON.stringify({
      v: 1,
      t: 'clip',
      clip: {
        id: 'present-clip-1',
        text: 'real: from the hostile peer, dated now',
        from: hostile.id,
        fromName: 'H',
        at: Date.now(),
      },
    }),
  ]);
  await waitForTexts(a, ['real: from the hostile peer, dated now']);
  await sendAndAwait(b, 'real: after the flood', [a]);

  const shown = await clipTexts(a.page);
  expect(shown.filter((text) => text.startsWith('future: '))).toEqual([]);
  expect(await historyOf(a, 'real: ')).toEqual([
    ...before,
    'real: from the hostile peer, dated now',
    'real: after the flood',
  ]);
  expect(pageErrors(a)).toEqual([]);
  await expect(a.page.getByTestId('region-error')).toHaveCount(0);
});
