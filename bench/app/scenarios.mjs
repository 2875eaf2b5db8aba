// What a person does, timed: pairing by link, sending clips small and large, over the relay
// fallback, to two devices at once, and opening the app again. Every figure is a difference
// of timestamps taken inside the pages; Playwright only paces the steps.
import {
  appUrl,
  clipShownAt,
  composerReady,
  pasteAndSend,
  pressSend,
  waitForPeers,
  waitForRoom,
} from './browsers.mjs';
import { sleep } from './machine.mjs';

/**
 * Pause after a clip has arrived before the next Send: a person sending clip after clip,
 * several a second. `burstClips` sends with no pause, as a script would.
 */
const CLIP_GAP_MS = 150;
const SMALL_CLIP_CHARS = 200;

let markerSeq = 0;
const nextMarker = (kind) => `${kind}${(markerSeq++).toString(36)}`;
export const smallText = (marker) => {
  const head = `bench:${marker} `;
  return head + 'y'.repeat(SMALL_CLIP_CHARS - head.length);
};

/**
 * Asks each receiver to report `marker`'s clip, before it is sent, so no request from the
 * benchmark reaches a receiver while the clip is on its way. Resolves once every receiver
 * has the request, with a promise per receiver of the time the clip showed there.
 */
export async function watchFor(receivers, marker, timeout) {
  const arrivals = receivers.map((device) => clipShownAt(device, marker, timeout));
  for (const arrival of arrivals) arrival.catch(() => {});
  // A page answers requests in order: once this is back, the watch above is in place.
  await Promise.all(receivers.map((device) => device.page.evaluate(() => 0)));
  return arrivals;
}

/**
 * A opens a new room and settles, B opens its join link. Time: B's navigation start to B
 * showing A as `direct` (its data channel to A open). Each pairing uses fresh profiles (new
 * identities).
 */
export async function pairOnce(a, b, base) {
  await a.open(appUrl(base));
  const link = await waitForRoom(a);
  // A person takes seconds to scan the code; by then A has finished its first visit (the
  // service worker's precache), which would otherwise run on the cores B is timed on.
  await a.page.evaluate(() => navigator.serviceWorker.ready);
  await b.open(link);
  await waitForPeers(b, 1, 'direct');
  return b.page.evaluate(() => {
    const [states] = Object.values(window.__bench.states);
    const start = performance.timeOrigin;
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      pair: states.direct - start,
      // Where the time went, from the same navigation start.
      loaded: nav ? nav.loadEventEnd : Number.NaN,
      // A joining device draws its own code a while after pairing: null when not yet shown.
      qr: window.__bench.qr === null ? null : window.__bench.qr - start,
      listed: Math.min(...Object.values(states)) - start,
    };
  });
}

/** Devices paired in a fresh room, each showing every other in `state`. */
export async function room(devices, base, { direct = true } = {}) {
  const [first, ...others] = devices;
  await first.open(appUrl(base, { direct }));
  const link = await waitForRoom(first);
  for (const device of others) await device.open(link);
  const state = direct ? 'direct' : 'relay';
  for (const device of devices) await waitForPeers(device, devices.length - 1, state);
}

/**
 * `count` small clips from `sender`, each after the last arrived everywhere; per clip the
 * time from Send to the slowest receiver showing it. The first `warmUp` are not counted.
 */
export async function smallClips(sender, receivers, count, warmUp, gapMs = CLIP_GAP_MS) {
  const times = [];
  for (let i = 0; i < warmUp + count; i++) {
    const marker = nextMarker('s');
    const arrivals = await watchFor(receivers, marker);
    const sentAt = await pressSend(sender, smallText(marker));
    const shown = await Promise.all(arrivals);
    if (i >= warmUp) times.push(Math.max(...shown) - sentAt);
    await composerReady(sender);
    await sleep(gapMs);
  }
  return times;
}

/**
 * `count` clips of `chars` characters through Paste & send; Send to complete on the receiver,
 * and beside it how long the browser took to read such a clipboard once.
 */
export async function largeClips(sender, receiver, chars, count, warmUp) {
  const times = [];
  const reads = [];
  for (let i = 0; i < warmUp + count; i++) {
    const marker = nextMarker('l');
    const [arrival] = await watchFor([receiver], marker, 60_000);
    const { at, readMs } = await pasteAndSend(sender, marker, chars);
    const shownAt = await arrival;
    if (i >= warmUp) {
      times.push(shownAt - at);
      reads.push(readMs);
    }
    await composerReady(sender);
    await sleep(200);
  }
  return { times, reads };
}

/**
 * A repeat visit: after a first visit installs the service worker, each navigation to the
 * app is timed from its start to the room's QR image loaded.
 */
export async function coldStarts(device, base, count, warmUp) {
  const url = appUrl(base);
  await device.open(url);
  await waitForRoom(device);
  await device.page.evaluate(() => navigator.serviceWorker.ready);
  const times = [];
  let servedByWorker = 0;
  for (let i = 0; i < warmUp + count; i++) {
    await device.page.goto(url, { waitUntil: 'commit' });
    await waitForRoom(device);
    const run = await device.page.evaluate(() => ({
      qr: window.__bench.qr - performance.timeOrigin,
      worker: navigator.serviceWorker.controller !== null,
    }));
    if (i < warmUp) continue;
    times.push(run.qr);
    if (run.worker) servedByWorker++;
  }
  return { times, servedByWorker };
}
