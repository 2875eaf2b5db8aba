// The floors under bench:app's figures, measured in the same run and namespace, so each figure
// can be read as a ratio that holds across machines: a bare page of the app's size pairing
// through the relay, one small message over a bare channel to the page's DOM, and 16 MiB over
// a bare channel plus one clipboard read of it. The page is bench/app/floor/floor.js.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchRelay } from '../../scripts/relay-process.mjs';
import { percentile } from './machine.mjs';
import { smallText, watchFor } from './scenarios.mjs';

const KIB = 1024;
/**
 * The best of bench/channel-probe.mjs's cases on this machine so far (see bench/README.md);
 * the floor takes the fastest of them in this run.
 */
const BULK_CASES = [
  { kind: 'string', size: 256 * KIB, high: 4096 * KIB, low: 1024 * KIB },
  { kind: 'binary', size: 64 * KIB, high: 4096 * KIB, low: 1024 * KIB },
  { kind: 'binary', size: 256 * KIB, high: 16384 * KIB, low: 4096 * KIB },
];

/** Bytes of the JavaScript the app's page loads before it runs: its entry and preloads. */
function initialScriptBytes(appDir) {
  const html = readFileSync(join(appDir, 'index.html'), 'utf8');
  const pattern = /<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\.\/([^"]+)"/g;
  const files = [...html.matchAll(pattern)].map((match) => match[1]);
  return files.reduce((sum, file) => sum + statSync(join(appDir, file)).size, 0);
}

/** A relay serving the bare page, with a script as large as the app's first scripts. */
export async function startFloorRelay(dist) {
  const dir = mkdtempSync(join(tmpdir(), 'clipmesh-floor-'));
  const padBytes = initialScriptBytes(`${dist}/app-test`);
  writeFileSync(join(dir, 'pad.js'), `/*${'x'.repeat(Math.max(0, padBytes - 4))}*/`);
  copyFileSync(new URL('./floor/floor.js', import.meta.url), join(dir, 'floor.js'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>floor</title>' +
      '<script type="module" src="./pad.js"></script>' +
      '<script type="module" src="./floor.js"></script></html>',
  );
  const { child, url } = await launchRelay({
    bundle: `${dist}/relay.mjs`,
    args: ['--port', '0', '--host', '127.0.0.1', '--static', dir],
    stderr: 'inherit',
  });
  process.on('exit', () => child.kill('SIGKILL'));
  return { url, padBytes, stop: () => child.kill('SIGTERM') };
}

const newDevice = () => ({
  id: `floor${randomBytes(9).toString('base64url')}`,
  key: randomBytes(18).toString('base64url'),
});

function floorUrl(base, room, self, peer, offer) {
  const query = new URLSearchParams({ room, device: self.id, key: self.key, peer: peer.id });
  if (offer) query.set('offer', '1');
  return `${base}/?${query}`;
}

/**
 * A waits in a fresh room, B opens the bare page with a fresh profile and offers; resolves
 * with B's navigation start to its channel open, as pairOnce times the app.
 */
export async function pairBare(a, b, base) {
  const room = randomBytes(16).toString('base64url');
  const [first, second] = [newDevice(), newDevice()];
  await a.open(floorUrl(base, room, first, second, false));
  await a.page.waitForFunction(() => window.floor !== undefined);
  await a.page.evaluate(() => window.floor.subscribed);
  await b.open(floorUrl(base, room, second, first, true));
  await b.page.waitForFunction(() => window.floor !== undefined);
  const ms = await b.page.evaluate(
    async () => (await window.floor.opened) - performance.timeOrigin,
  );
  await a.page.evaluate(() => window.floor.opened);
  return ms;
}

/** `count` small messages A to B over the bare channel, each after the last showed on B. */
export async function clipFloor(a, b, count, warmUp) {
  const times = [];
  for (let i = 0; i < warmUp + count; i++) {
    const marker = `f${i.toString(36)}${randomBytes(3).toString('hex')}`;
    const [arrival] = await watchFor([b], marker);
    const sentAt = await a.page.evaluate((text) => window.floor.send(text), smallText(marker));
    const shownAt = await arrival;
    if (i >= warmUp) times.push(shownAt - sentAt);
  }
  return times;
}

/** One clipboard read of `total` characters plus the fastest bare transfer of them, in ms. */
export async function bulkFloor(a, b, total, runs) {
  const reads = [];
  for (let i = 0; i < runs; i++) {
    reads.push(await a.page.evaluate((chars) => window.floor.clipboardRead(chars), total));
  }
  let best;
  for (const bulk of BULK_CASES) {
    const times = [];
    for (let i = 0; i < runs; i++) {
      // Armed before the first byte leaves.
      await b.page.evaluate((bytes) => {
        window.floorArrived = window.floor.expect(bytes);
      }, total);
      const sentAt = await a.page.evaluate((args) => window.floor.sendBulk(args), {
        ...bulk,
        total,
      });
      times.push((await b.page.evaluate(() => window.floorArrived)) - sentAt);
    }
    const ms = percentile(times, 0.5);
    if (!best || ms < best.ms) best = { ...bulk, ms };
  }
  const read = percentile(reads, 0.5);
  return { ms: read + best.ms, read, transfer: best };
}
