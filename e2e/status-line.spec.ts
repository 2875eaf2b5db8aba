// The status line while the relay is down: one steady sentence, not a blink on every retry.
import { openNewRoom } from './fixtures/app';
import { statusLine } from './fixtures/room';
import { expect, test } from './fixtures/test';

const UNREACHABLE = 'Relay unreachable — retrying.';
const ALONE = 'No other device yet. Open the link on another device to join.';

test('with the relay down, the status line stays on "unreachable" through every retry and recovers when it is back', async ({
  relay,
  devices,
}) => {
  test.setTimeout(60_000);
  const laptop = await devices.launch('laptop');
  await openNewRoom(laptop, relay.url);
  await expect(statusLine(laptop)).toHaveText(ALONE);

  // Every text the line ever shows from here on, including ones that last a millisecond.
  await statusLine(laptop).evaluate((line) => {
    const seen: string[] = [];
    (window as unknown as { statusSeen: string[] }).statusSeen = seen;
    new MutationObserver(() => {
      const text = line.textContent ?? '';
      if (seen.at(-1) !== text) seen.push(text);
    }).observe(line, { childList: true, characterData: true, subtree: true });
  });
  const retries: number[] = [];
  laptop.page.on('request', (request) => {
    if (request.url().includes('/events?')) retries.push(Date.now());
  });

  await relay.kill();
  await expect(statusLine(laptop)).toHaveText(UNREACHABLE);
  // Four tries that are bound to fail, with backoff: about 4 s, at most 7.5 s.
  await expect
    .poll(() => retries.length, { timeout: 15_000, message: 'the page stopped retrying' })
    .toBeGreaterThanOrEqual(4);
  await relay.restart();
  await expect(statusLine(laptop)).toHaveText(ALONE, { timeout: 20_000 });

  const seen = await laptop.page.evaluate(
    () => (window as unknown as { statusSeen: string[] }).statusSeen,
  );
  expect(seen).toEqual([UNREACHABLE, ALONE]);
});
