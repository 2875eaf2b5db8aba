import { clipTexts, deviceId, openLink } from './fixtures/app';
import type { Device } from './fixtures/device';
import { historyOf, startRoom, statusLine, waitForTexts } from './fixtures/room';
import { expect, test } from './fixtures/test';

test.describe('a relay that takes two devices per room', () => {
  test.use({ relayOptions: { args: ['--max-devices', '2'] } });

  test('a third device is told plainly that the room is full, and gets in once a device leaves', async ({
    relay,
    devices,
  }) => {
    test.setTimeout(90_000);
    const { devices: pair, link } = await startRoom(devices, relay.url, ['A', 'B']);
    const [a, b] = pair as [Device, Device];
    const c = await devices.launch('C');
    await openLink(c, link);
    await expect(statusLine(c)).toHaveText('This room is full.');
    // It keeps saying so while it retries quietly, rather than spinning.
    await c.page.waitForTimeout(3_000);
    await expect(statusLine(c)).toHaveText('This room is full.');
    await expect(c.page.locator('[data-testid="device"]:not([data-self="true"])')).toHaveCount(0);

    const [bId, cId] = await Promise.all([deviceId(b), deviceId(c)]);
    await b.close();
    // A full room is retried every 30 s.
    await expect(statusLine(c)).toHaveText('Connected to 1 device.', { timeout: 40_000 });
    await expect(a.page.locator(`[data-device-id="${cId}"]`)).toHaveAttribute(
      'data-state',
      'direct',
    );
    // Once its link fails, the device that left is no longer shown as reachable.
    await expect(a.page.locator(`[data-device-id="${bId}"]`)).toHaveAttribute(
      'data-state',
      'lost',
      {
        timeout: 40_000,
      },
    );
  });
});

test('a clip over 16 MiB is refused on the sender with a plain error, and nothing is sent', async ({
  relay,
  devices,
}) => {
  const { devices: pair } = await startRoom(devices, relay.url, ['A', 'B']);
  const [a, b] = pair as [Device, Device];
  await a.page.evaluate(() => navigator.clipboard.writeText('x'.repeat(16 * 1024 * 1024 + 1)));
  await a.page.getByRole('button', { name: 'Paste & send' }).click();
  // The refused text stays in the composer, so nothing is lost; reading 16 MiB from the
  // clipboard and laying it out in the text box takes seconds, and the alert shows with it.
  await expect(a.page.getByRole('alert')).toHaveText(
    'That clip is too large: the limit is 16 MiB of text.',
    { timeout: 20_000 },
  );
  await expect(a.page.locator('[data-testid="clip"]')).toHaveCount(0);
  await expect(b.page.locator('[data-testid="clip"]')).toHaveCount(0);
});

test('a burst of 1,000 clips arrives in full and in order, history stays capped at 200, and the clip a person points at holds still for the click', async ({
  relay,
  devices,
}) => {
  test.setTimeout(180_000);
  const { devices: pair } = await startRoom(devices, relay.url, ['sender', 'receiver']);
  const [sender, receiver] = pair as [Device, Device];
  const names = Array.from({ length: 1000 }, (_, i) => `burst ${String(i + 1).padStart(4, '0')}`);
  await watchArrivals(receiver);

  const burst = sendThroughComposer(sender, names);
  // While it runs, the receiver's Copy button still does its job, and promptly.
  const delays: number[] = [];
  for (let round = 0; round < 3; round++) {
    await expect.poll(async () => (await clipTexts(receiver.page)).length).toBeGreaterThan(round);
    delays.push(await copyNewestClip(receiver));
  }
  await burst;

  const last200 = names.slice(-200);
  await waitForTexts(receiver, [names.at(-1) ?? ''], 60_000);
  for (const device of [sender, receiver]) {
    expect(await historyOf(device, 'burst ')).toEqual(last200);
  }
  const arrived = await receiver.page.evaluate(() => (window as unknown as Arrivals).arrived);
  expect(new Set(arrived).size).toBe(1000);
  expect([...new Set(arrived)].sort()).toEqual(names);
  for (const delay of delays) expect(delay).toBeLessThan(2_000);
});

interface Arrivals {
  arrived: string[];
}

/** Records the text of every clip the page ever shows, even those later pushed out by the cap. */
async function watchArrivals(device: Device): Promise<void> {
  await device.page.evaluate(() => {
    const arrivals = window as unknown as Arrivals;
    arrivals.arrived = [];
    const list = document.querySelector('[data-testid="history"]');
    if (!list) throw new Error('no history list');
    new MutationObserver((changes) => {
      for (const change of changes) {
        for (const node of change.addedNodes) {
          const text = (node as Element).querySelector?.('[data-testid="clip-text"]')?.textContent;
          if (text) arrivals.arrived.push(text);
        }
      }
    }).observe(list, { childList: true });
  });
}

/** Types each text into the composer and presses Send, one after another, inside the page. */
function sendThroughComposer(device: Device, texts: string[]): Promise<void> {
  return device.page.evaluate(async (all) => {
    const box = document.getElementById('clip-text') as HTMLTextAreaElement;
    const form = box.form as HTMLFormElement;
    const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set;
    const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
    for (const text of all) {
      setValue?.call(box, text);
      box.dispatchEvent(new Event('input', { bubbles: true }));
      await tick();
      const send = [...form.querySelectorAll('button')].find((b) => b.textContent === 'Send');
      send?.click();
      while (box.value !== '') {
        const error = form.querySelector('[role="alert"]');
        if (error) throw new Error(`sending "${text}" failed: ${error.textContent}`);
        await tick();
      }
    }
  }, texts);
}

/**
 * Reaches into the list as a person does, clicks Copy on the newest clip and moves away;
 * returns how long the click waited for its handler, in ms.
 */
async function copyNewestClip(device: Device): Promise<number> {
  const { page } = device;
  // Where the list is on screen now: it may have moved since anyone looked.
  const point = await page.getByTestId('history').evaluate((list) => {
    const box = list.getBoundingClientRect();
    return { x: box.left + box.width / 2, y: Math.max(box.top, 0) + 20 };
  });
  await page.mouse.move(point.x, point.y);
  // The pointer is over the list: what arrives now waits above it, and the clips stay put.
  const waiting = page.getByRole('button', { name: /new clips?: show/ });
  await expect(waiting).toBeVisible();
  // By id: a clip arriving meanwhile must not move the click to another clip.
  const id = await page.locator('[data-testid="clip"]').first().getAttribute('data-clip-id');
  const clip = page.locator(`[data-testid="clip"][data-clip-id="${id}"]`);
  const box = await clip.boundingBox();
  const count = async () => Number((await waiting.textContent())?.match(/\d+/)?.[0]);
  const before = await count();
  // The hand moves on toward the clip, as a person's does.
  await page.mouse.move(point.x + 1, point.y + 1);
  await expect.poll(count).toBeGreaterThan(before);
  expect(await clip.boundingBox()).toEqual(box);
  await page.evaluate(() => {
    const probe = window as unknown as { clickDelay?: number };
    probe.clickDelay = undefined;
    document.addEventListener(
      'click',
      (event) => {
        probe.clickDelay = performance.now() - event.timeStamp;
      },
      { capture: true, once: true },
    );
  });
  const text = await clip.getByTestId('clip-text').textContent();
  await clip.getByRole('button', { name: /^Copy clip/ }).click({ timeout: 5_000 });
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(text);
  // Away from the list, the clips that waited show at once.
  await page.mouse.move(0, 0);
  await expect(page.getByRole('button', { name: /new clips?: show/ })).toHaveCount(0);
  return page.evaluate(() => (window as unknown as { clickDelay: number }).clickDelay);
}
