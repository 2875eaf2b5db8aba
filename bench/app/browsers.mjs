// Relay and devices for the app benchmark: the built relay serving dist/app-test (the app with its test parameters) on loopback, and
// each device its own Chromium process whose pages timestamp what a person would see.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS, chromiumExecutablePath } from '../../e2e/chromium.mjs';
import { launchRelay } from '../../scripts/relay-process.mjs';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Starts `<dist>/relay.mjs` serving `<dist>/app-test` on 127.0.0.1 (a secure context); resolves its
 * URL. `dist` may be another build, to compare two versions of the app.
 */
export async function startRelay(dist = `${REPO_ROOT}dist`) {
  for (const file of [`${dist}/relay.mjs`, `${dist}/app-test/index.html`]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first.`);
  }
  const { child, url } = await launchRelay({
    bundle: `${dist}/relay.mjs`,
    args: ['--port', '0', '--host', '127.0.0.1', '--static', `${dist}/app-test`],
    stderr: 'inherit',
  });
  process.on('exit', () => child.kill('SIGKILL'));
  return { url, pid: child.pid, stop: () => child.kill('SIGTERM') };
}

/**
 * Runs in every page before its scripts. Records, on the page's own wall clock
 * (timeOrigin + now, comparable across the browser processes of one machine):
 * when each clip first appears in the history, when each device first shows in each state,
 * and when the room's QR image has loaded.
 */
function pageHooks() {
  const now = () => performance.timeOrigin + performance.now();
  // `waiters`: markers the benchmark awaits, so it learns of a clip without polling the page.
  const bench = { clips: {}, states: {}, qr: null, waiters: {} };
  window.__bench = bench;
  const noteClip = (item, at) => {
    const text = item.querySelector('[data-testid="clip-text"]')?.textContent ?? '';
    const marker = /^bench:(\S+)/.exec(text)?.[1];
    if (!marker || marker in bench.clips) return;
    bench.clips[marker] = at;
    bench.waiters[marker]?.(at);
    delete bench.waiters[marker];
  };
  const noteDevice = (item, at) => {
    const id = item.dataset.deviceId;
    const state = item.dataset.state;
    if (!id || item.dataset.self === 'true') return;
    bench.states[id] ??= {};
    bench.states[id][state] ??= at;
  };
  const noteQr = (img) => {
    if (bench.qr !== null) return;
    const loaded = () => {
      bench.qr ??= now();
    };
    if (img.complete) loaded();
    else img.addEventListener('load', loaded, { once: true });
  };
  const scan = (node, at) => {
    if (node.nodeType !== 1) return;
    const all = [node, ...node.querySelectorAll('[data-testid], img')];
    for (const element of all) {
      const id = element.dataset?.testid;
      if (id === 'clip') noteClip(element, at);
      else if (id === 'device') noteDevice(element, at);
      else if (element.tagName === 'IMG' && element.closest('[data-testid="room-qr"]')) {
        noteQr(element);
      }
    }
  };
  new MutationObserver((records) => {
    const at = now();
    for (const record of records) {
      if (record.type === 'attributes') scan(record.target, at);
      for (const node of record.addedNodes) scan(node, at);
    }
  }).observe(document, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['data-state'],
  });
}

/**
 * One device: its own Chromium process; `open()` gives it a fresh profile (new identity).
 * `executablePath` and `args` may put it elsewhere, e.g. in a namespace of the NAT lab.
 */
export async function launchDevice(name, { executablePath, args = [] } = {}) {
  const browser = await chromium.launch({
    executablePath: executablePath ?? chromiumExecutablePath(),
    args: [...CHROMIUM_ARGS, ...args],
  });
  let context;
  const device = {
    name,
    page: undefined,
    version: browser.version(),
    /** A new browser profile with one page at `url` (not waited for). */
    async open(url) {
      await context?.close();
      context = await browser.newContext({
        viewport: { width: 390, height: 844 },
        permissions: ['clipboard-read', 'clipboard-write'],
      });
      await context.addInitScript(pageHooks);
      device.page = await context.newPage();
      device.page.on('pageerror', (error) => console.error(`${name}: ${error.message}`));
      await device.page.goto(url, { waitUntil: 'commit' });
    },
    close: () => browser.close(),
  };
  return device;
}

/** The app's own test parameters: no STUN servers, and optionally no direct links. */
export function appUrl(base, { direct = true } = {}) {
  return `${base}/?ice=none${direct ? '' : '&direct=off'}`;
}

/** Waits until the page's QR image is loaded; returns the page's join link. */
export async function waitForRoom(device) {
  await device.page.waitForFunction(() => window.__bench.qr !== null, null, { timeout: 20_000 });
  return device.page.url();
}

/** Waits until `device` shows `count` peers in `state`. */
export async function waitForPeers(device, count, state) {
  await device.page.waitForFunction(
    ([n, wanted]) =>
      document.querySelectorAll(`[data-testid="device"][data-state="${wanted}"]`).length >= n,
    [count, state],
    { timeout: 30_000 },
  );
}

/**
 * Types `text` into the composer, lets it render, then timestamps and presses Send, all in the
 * page; resolves with the press time. The clip text starts with `bench:<marker>`.
 */
export function pressSend(device, text) {
  return device.page.evaluate(async (value) => {
    const box = document.getElementById('clip-text');
    box.value = value;
    box.dispatchEvent(new Event('input', { bubbles: true }));
    const button = box.form.querySelector('button[type="submit"]');
    while (button.disabled) await new Promise((resolve) => setTimeout(resolve, 0));
    // The typed text drawn, and a moment after, as before a person's press: otherwise the
    // press would also lay out the text just typed, or land while its frame is drawn.
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 30)));
    const at = performance.timeOrigin + performance.now();
    button.click();
    return at;
  }, text);
}

/**
 * Puts `length` characters starting with `bench:<marker> ` on the clipboard, then timestamps
 * and presses Paste & send; resolves with the press time, and with how long one read of that
 * clipboard took just before (the part of Send to shown that is the browser's, not the app's).
 */
export function pasteAndSend(device, marker, length) {
  return device.page.evaluate(
    async ([head, total]) => {
      const now = () => performance.timeOrigin + performance.now();
      await navigator.clipboard.writeText(head + 'x'.repeat(total - head.length));
      const readStarted = now();
      await navigator.clipboard.readText();
      const readMs = now() - readStarted;
      const button = [...document.querySelectorAll('button')].find(
        (b) => b.textContent === 'Paste & send',
      );
      while (button.disabled) await new Promise((resolve) => setTimeout(resolve, 0));
      const at = now();
      button.click();
      return { at, readMs };
    },
    [`bench:${marker} `, length],
  );
}

/**
 * Waits until the clip shows on `device`; resolves with the page's timestamp of it. The page
 * answers when it sees the clip: polling would take the receiver's main thread meanwhile.
 */
export async function clipShownAt(device, marker, timeout = 30_000) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${device.name}: no clip ${marker}`)), timeout);
  });
  const shown = device.page.evaluate(
    (m) =>
      window.__bench.clips[m] ?? new Promise((resolve) => (window.__bench.waiters[m] = resolve)),
    marker,
  );
  try {
    return await Promise.race([shown, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until the composer is ready for the next clip (the last send has finished). */
export async function composerReady(device) {
  await device.page.waitForFunction(
    () => {
      const box = document.getElementById('clip-text');
      return box.value === '' && !box.form.querySelector('button[type="button"]').disabled;
    },
    null,
    { timeout: 30_000, polling: 5 },
  );
}
