// A person pastes a clip of the full 16 MiB and sends it: the other device shows how far
// along it is while it comes, and then holds every character of it. The text never passes
// through the test runner: each page hashes what it has.
import type { Page } from '@playwright/test';
import type { Device } from './fixtures/device';
import { startRoom } from './fixtures/room';
import { expect, test } from './fixtures/test';

const CLIP_CHARS = 16 * 1024 * 1024;

interface ProgressProbe {
  progress: { value: number; max: number; label: string }[];
}

/**
 * Writes 16 MiB of varied text to the page's clipboard (a byte lost or moved changes its
 * hash) and returns its SHA-256, in hex.
 */
function fillClipboard(page: Page): Promise<string> {
  return page.evaluate(async (chars) => {
    const bytes = new Uint8Array(chars);
    let seed = 0x9e3779b9;
    for (let i = 0; i < chars; i++) {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      // Printable ASCII, one byte a character, so the clip is exactly at the limit.
      bytes[i] = 32 + ((seed >>> 0) % 95);
    }
    const text = new TextDecoder().decode(bytes);
    await navigator.clipboard.writeText(text);
    const digest = await crypto.subtle.digest('SHA-256', bytes);
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  }, CLIP_CHARS);
}

/**
 * Once the page's clipboard no longer holds `before`, the SHA-256 of its text and its length.
 * Waiting in the page keeps the 16 MiB there and reads it whole only once.
 */
function hashClipboardAfter(page: Page, before: string): Promise<{ hash: string; length: number }> {
  return page.evaluate(async (old) => {
    const deadline = performance.now() + 20_000;
    let text = await navigator.clipboard.readText();
    while (text === old) {
      if (performance.now() > deadline) throw new Error('Copy left the clipboard as it was');
      await new Promise((resolve) => setTimeout(resolve, 100));
      text = await navigator.clipboard.readText();
    }
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
    const hash = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    return { hash, length: text.length };
  }, before);
}

/** Records every value the page's transfer progress bars take, as the page draws them. */
async function recordProgress(device: Device): Promise<void> {
  await device.page.evaluate(() => {
    const probe = window as unknown as ProgressProbe;
    probe.progress = [];
    new MutationObserver(() => {
      for (const bar of document.querySelectorAll<HTMLProgressElement>(
        '[data-testid="transfer"] progress',
      )) {
        const last = probe.progress.at(-1);
        const label = bar.labels[0]?.textContent ?? '';
        if (last?.value !== bar.value)
          probe.progress.push({ value: bar.value, max: bar.max, label });
      }
    }).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['value'],
    });
  });
}

test('a 16 MiB clip arrives intact, with a progress bar that moves while it comes', async ({
  relay,
  devices,
}) => {
  const { devices: pair } = await startRoom(devices, relay.url, ['sender', 'receiver']);
  const [sender, receiver] = pair as [Device, Device];
  await recordProgress(receiver);
  const sent = await fillClipboard(sender.page);

  await sender.page.getByRole('button', { name: 'Paste & send' }).click();
  const clip = receiver.page.locator('[data-testid="clip"]');
  await expect(clip).toHaveCount(1, { timeout: 30_000 });
  await expect(clip.getByRole('button', { name: /^Show all/ })).toHaveText(
    `Show all (${CLIP_CHARS.toLocaleString('en-US')} characters)`,
  );
  // Once it is all there, the bar goes.
  await expect(receiver.page.locator('[data-testid="transfer"]')).toHaveCount(0);

  const progress = await receiver.page.evaluate(
    () => (window as unknown as ProgressProbe).progress,
  );
  const values = progress.map((step) => step.value);
  // It moved: several steps, each further along than the last, none past the whole.
  expect(values.length).toBeGreaterThanOrEqual(3);
  expect(values).toEqual([...values].sort((a, b) => a - b));
  expect(new Set(values).size).toBe(values.length);
  for (const step of progress) {
    expect(step.value).toBeLessThanOrEqual(step.max);
    expect(step.label).toBe(
      `Receiving a clip from Chrome on Linux (${Math.floor((100 * step.value) / step.max)}%)`,
    );
  }
  expect(values.at(-1)).toBeGreaterThan(values[0] ?? 0);

  // Copy puts every character on the receiver's own clipboard.
  const before = 'before the copy';
  await receiver.page.evaluate((text) => navigator.clipboard.writeText(text), before);
  await clip.getByRole('button', { name: /^Copy clip from/ }).click();
  expect(await hashClipboardAfter(receiver.page, before)).toEqual({
    hash: sent,
    length: CLIP_CHARS,
  });
  expect(sender.consoleErrors).toEqual([]);
  expect(receiver.consoleErrors).toEqual([]);
});
