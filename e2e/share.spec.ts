// Sharing text from another app into the installed app (manifest share_target, GET).
import { openNewRoom, waitForClip, withTestParams } from './fixtures/app';
import { expect, test } from './fixtures/test';

const SHARED = 'Meeting notes from the train';
const SHARED_URL = 'https://example.com/notes';

test('shared text lands in the composer of the last room, ready to send to a room of choice', async ({
  relay,
  devices,
}) => {
  const a = await devices.launch('A');
  await openNewRoom(a, relay.url);
  const firstLink = new URL(a.page.url());
  // Opening the app again without a link makes a second room, now the last one used.
  await openNewRoom(a, relay.url);
  const lastHash = new URL(a.page.url()).hash;

  await a.page.goto(
    withTestParams(`${relay.url}/`, { 'share-text': SHARED, 'share-url': SHARED_URL }),
  );

  const box = a.page.getByLabel('Clip text');
  await expect(box).toHaveValue(`${SHARED}\n${SHARED_URL}`);
  await expect(a.page.getByTestId('share-landing')).toBeVisible();
  // The share is cleaned out of the address; the room fragment and test hooks stay.
  await expect.poll(() => new URL(a.page.url()).hash).toBe(lastHash);
  const address = new URL(a.page.url());
  expect([...address.searchParams.keys()]).toEqual(['ice']);

  const room = a.page.getByLabel('Room');
  await expect(room.locator('option')).toHaveCount(2);
  await room.selectOption({ index: 1 });
  await expect.poll(() => new URL(a.page.url()).hash).toBe(firstLink.hash);
  await expect(box).toHaveValue(`${SHARED}\n${SHARED_URL}`);

  await a.page.getByRole('button', { name: 'Send', exact: true }).click();
  await waitForClip(a, `${SHARED}\n${SHARED_URL}`);
  await expect(box).toHaveValue('');
  await expect(a.page.getByTestId('share-landing')).toHaveCount(0);
});
