import { pairTwoDevices } from './fixtures/app';
import { copyClip } from './fixtures/controls';
import { expect, test } from './fixtures/test';

test('with direct links impossible, a 1 MiB clip arrives intact through the sealed relay fallback', async ({
  relay,
  devices,
}) => {
  const [a, b] = await pairTwoDevices(devices, relay.url, {
    extra: { direct: 'off' },
    states: ['relay'],
  });
  await expect(a.page.locator('[data-testid="device"][data-state="relay"]')).toContainText(
    'via clipmesh relay (end-to-end encrypted)',
  );

  // Every character class that must survive: emoji, right-to-left, tabs, newlines, quotes.
  const line = 'clip 📋 עברית\t"quoted" \\ back\n';
  const text = line.repeat(Math.ceil((1024 * 1024) / line.length)).slice(0, 1024 * 1024);
  // A person copies it elsewhere and uses Paste & send.
  await a.page.evaluate((clip) => navigator.clipboard.writeText(clip), text);
  await a.page.getByRole('button', { name: 'Paste & send' }).click();

  const clip = b.page.locator('[data-testid="clip"]');
  await expect(clip).toHaveCount(1, { timeout: 30_000 });
  const copied = await copyClip(b, clip);
  expect(copied.length).toBe(text.length);
  expect(copied === text).toBe(true);
});
