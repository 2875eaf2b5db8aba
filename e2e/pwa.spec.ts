// The installable, offline-capable app: service worker, manifest and updates.
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import {
  openNewRoom,
  sendClip,
  serviceWorkerReady,
  waitForClip,
  withTestParams,
} from './fixtures/app';
import { startRelay } from './fixtures/relay';
import { expect, test } from './fixtures/test';

// The e2e build: openNewRoom's search parameters need it.
const BUILT_APP = fileURLToPath(new URL('../dist/app-test', import.meta.url));
const STATUS = '[data-testid="status"]';

test('after one visit the app opens offline, shows its saved clips and says it is offline', async ({
  relay,
  devices,
}) => {
  const a = await devices.launch('A');
  await openNewRoom(a, relay.url);
  await sendClip(a, 'saved before the network went away');
  await serviceWorkerReady(a.page);

  await a.context.setOffline(true);
  await a.page.reload();

  await waitForClip(a, 'saved before the network went away');
  await expect(a.page.locator(STATUS)).toContainText('Offline');
  await expect(a.page.locator(STATUS)).toContainText('reconnects by itself');

  await a.context.setOffline(false);
  await expect(a.page.locator(STATUS)).toHaveText(/No other device yet/, { timeout: 20_000 });
});

test('the manifest names the app, its icons and its share target, and every icon loads', async ({
  relay,
  devices,
}) => {
  const a = await devices.launch('A');
  await openNewRoom(a, relay.url);
  const href = await a.page.locator('link[rel="manifest"]').getAttribute('href');
  const manifestUrl = new URL(href ?? 'missing', a.page.url());

  const response = await a.page.request.get(manifestUrl.href);
  expect(response.headers()['content-type']).toContain('application/manifest+json');
  const manifest = await response.json();
  expect(manifest).toMatchObject({
    name: 'clipmesh',
    short_name: 'clipmesh',
    display: 'standalone',
    start_url: './',
    scope: './',
    share_target: { action: './', method: 'GET', params: { text: 'share-text' } },
  });
  expect(manifest.description).toBeTruthy();
  expect(manifest.theme_color).toMatch(/^#/);
  expect(manifest.background_color).toMatch(/^#/);

  const icons: { src: string; sizes: string; purpose?: string }[] = manifest.icons;
  expect(icons.map((icon) => icon.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  expect(icons.some((icon) => icon.purpose === 'maskable' && icon.sizes === '512x512')).toBe(true);
  for (const icon of icons) {
    const image = await a.page.request.get(new URL(icon.src, manifestUrl).href);
    expect(image.status(), icon.src).toBe(200);
    expect(image.headers()['content-type'], icon.src).toMatch(/^image\//);
    const png = PNG.sync.read(await image.body());
    expect(`${png.width}x${png.height}`, icon.src).toBe(icon.sizes);
  }
});

test('a waiting new version shows a prompt, and Reload switches to it', async ({ devices }) => {
  // A copy of the built app whose service worker can change under a running relay.
  const appDir = mkdtempSync(join(tmpdir(), 'clipmesh-app-'));
  cpSync(BUILT_APP, appDir, { recursive: true });
  const relay = await startRelay({ args: ['--static', appDir] });
  try {
    const a = await devices.launch('A');
    await openNewRoom(a, relay.url);
    await serviceWorkerReady(a.page);
    await expect(a.page.getByTestId('update-prompt')).toHaveCount(0);

    appendFileSync(join(appDir, 'sw.js'), '\n// the next version\n');
    await a.page.reload();

    const prompt = a.page.getByTestId('update-prompt');
    await expect(prompt).toContainText('A new version of clipmesh is ready.');
    const reloaded = a.page.waitForEvent('load');
    await prompt.getByRole('button', { name: 'Reload' }).click();
    await reloaded;

    await expect(a.page.getByTestId('update-prompt')).toHaveCount(0);
    const workers = await a.page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return {
        waiting: registration?.waiting ?? null,
        controlled: navigator.serviceWorker.controller !== null,
      };
    });
    expect(workers).toEqual({ waiting: null, controlled: true });
    expect(a.consoleErrors).toEqual([]);
  } finally {
    await relay.stop();
    rmSync(appDir, { recursive: true, force: true });
  }
});

test('the service worker leaves the relay routes to the network', async ({ relay, devices }) => {
  const a = await devices.launch('A');
  await a.page.goto(withTestParams(`${relay.url}/`));
  await serviceWorkerReady(a.page);
  await a.page.reload();

  const health = await a.page.goto(`${relay.url}/healthz`);
  expect(health?.fromServiceWorker()).toBe(false);
  expect(health?.headers()['content-type']).not.toContain('text/html');
});
