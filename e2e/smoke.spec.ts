import { expect, test } from './fixtures/test';

test('the relay serves the app and Chromium loads it with no console errors', async ({
  relay,
  devices,
}) => {
  const a = await devices.launch('A');

  const response = await a.page.goto(relay.url);

  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-security-policy']).toBeTruthy();
  await expect(a.page).toHaveTitle('clipmesh');
  await expect(a.page.locator('#root')).not.toBeEmpty();
  await expect(a.page.getByRole('heading').first()).toBeVisible();
  // Errors from start-up work (service worker, storage) arrive after load; wait for a quiet moment.
  await a.page.evaluate(() => new Promise((resolve) => requestIdleCallback(resolve)));
  expect(a.consoleErrors).toEqual([]);
});
