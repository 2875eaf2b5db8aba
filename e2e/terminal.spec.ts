// The terminal peer (`clipmesh`, issue 13) with Chromium devices: send, watch, sync with a
// fake clipboard tool, direct links that outlive the relay, and a QR code that pairs.

import { decodeTerminalQr } from '../cli/qr-camera';
import {
  clipTexts,
  openLink,
  openNewRoom,
  scanJoinLink,
  sendClip,
  waitForClip,
  waitForPeers,
} from './fixtures/app';
import type { CliRun } from './fixtures/cli';
import type { Device } from './fixtures/device';
import { joinAsHostilePeer } from './fixtures/hostile-peer';
import { expect, test } from './fixtures/test';

/** Long enough for the sync loop to read the fake clipboard twice: any echo shows by then. */
const ECHO_WINDOW_MS = 2_500;

async function browserRoom(device: Device, relayUrl: string): Promise<string> {
  await openNewRoom(device, relayUrl);
  return scanJoinLink(device);
}

/** The texts `watch --json` printed, one JSON object per line. */
function printed(watch: CliRun): string[] {
  const lines = watch.stdout().split('\n').filter(Boolean);
  return lines.map((line) => (JSON.parse(line) as { text: string }).text);
}

async function countOf(device: Device, text: string): Promise<number> {
  return (await clipTexts(device.page)).filter((shown) => shown === text).length;
}

/** The clipboard of `cli` receives `text` once, and the browser holds it once: no echo. */
async function expectPastedOnce(cli: CliRun, device: Device, text: string): Promise<void> {
  await expect.poll(() => cli.clipboard.given(), { timeout: 20_000 }).toContain(text);
  await device.page.waitForTimeout(ECHO_WINDOW_MS);
  expect(cli.clipboard.given().filter((given) => given === text)).toHaveLength(1);
  expect(await countOf(device, text)).toBe(1);
}

/** A copy on the terminal's computer shows in the browser once, and is not pasted back. */
async function expectCopySent(cli: CliRun, device: Device, text: string): Promise<void> {
  cli.clipboard.copy(text);
  await waitForClip(device, text);
  await device.page.waitForTimeout(ECHO_WINDOW_MS);
  expect(await countOf(device, text)).toBe(1);
  expect(cli.clipboard.given()).not.toContain(text);
}

test('send from the terminal shows in the browser, and watch prints a clip from it', async ({
  relay,
  devices,
  clis,
}) => {
  const a = await devices.launch('A');
  const link = await browserRoom(a, relay.url);
  const watch = clis.start('watch', ['watch', link, '--json', '--name', 'Watcher']);
  await waitForPeers(a, 1);

  const send = clis.start('send', ['send', link, 'from the terminal 📋', '--name', 'Sender']);
  expect(await send.exited).toBe(0);
  expect(send.stderr()).toMatch(/Delivered to /);
  await waitForClip(a, 'from the terminal 📋');

  const piped = clis.start('piped', ['send', link], { input: 'piped\ntwo lines' });
  expect(await piped.exited).toBe(0);
  await waitForClip(a, 'piped\ntwo lines');

  await sendClip(a, 'from the browser');
  // send waits, a moment past the first receipt, for every device present to take the clip.
  await expect
    .poll(() => printed(watch))
    .toEqual(['from the terminal 📋', 'piped\ntwo lines', 'from the browser']);
  expect(piped.stderr()).toMatch(
    /Delivered to (Chrome on Linux, Watcher|Watcher, Chrome on Linux)\./,
  );
});

test('send with no other device fails after --timeout with a clear message', async ({
  relay,
  clis,
}) => {
  const link = `${relay.url}/#k=AAAAAAAAAAAAAAAAAAAAAA`;
  const send = clis.start('send', ['send', link, 'nobody here', '--timeout', '2']);
  expect(await send.exited).toBe(1);
  expect(send.stderr()).toMatch(/No other device took the clip within 2 s/);

  const bad = clis.start('bad', ['send', 'https://example.test/#k=short', 'x']);
  expect(await bad.exited).toBe(2);
  expect(bad.stderr()).toMatch(/That room code is not valid/);
});

test('sync round-trips the clipboard both ways with no echo', async ({ relay, devices, clis }) => {
  const a = await devices.launch('A');
  const link = await browserRoom(a, relay.url);
  const sync = clis.start('sync', ['sync', link, '--name', 'Desktop']);
  await sync.waitForStderr(/Clipboard: xclip, read again every 1 s/);
  await waitForPeers(a, 1);

  await sendClip(a, 'browser to desktop clipboard');
  await expectPastedOnce(sync, a, 'browser to desktop clipboard');
  await expectCopySent(sync, a, 'copied on the desktop');
});

test('after pairing, the relay is stopped and clips still flow both ways directly', async ({
  relay,
  devices,
  clis,
}) => {
  const a = await devices.launch('A');
  const link = await browserRoom(a, relay.url);
  const sync = clis.start('sync', ['sync', link]);
  await waitForPeers(a, 1, ['direct']);
  await sync.waitForStderr(/: direct\n/);

  await relay.kill();

  await sendClip(a, 'browser to terminal, no relay');
  await expectPastedOnce(sync, a, 'browser to terminal, no relay');
  await expectCopySent(sync, a, 'terminal to browser, no relay');
});

test('new prints a QR code that a browser reads and joins by', async ({ relay, devices, clis }) => {
  const created = clis.start('new', ['new', '--relay', relay.url]);
  await expect.poll(() => created.stdout(), { timeout: 20_000 }).toMatch(/Scan it with/);
  const printed = created.stdout().match(/Join this room: (\S+)/)?.[1];
  const scanned = decodeTerminalQr(created.stdout().split('\n'));
  expect(scanned).toBe(printed);

  const b = await devices.launch('B');
  await openLink(b, scanned ?? '');
  await waitForPeers(b, 1);
  await sendClip(b, 'joined by the terminal QR code');
  await expect.poll(() => created.clipboard.given()).toContain('joined by the terminal QR code');
});

test('a peer holding the room secret cannot crash the terminal peer', async ({
  relay,
  devices,
  clis,
}) => {
  const a = await devices.launch('A');
  const link = await browserRoom(a, relay.url);
  const watch = clis.start('watch', ['watch', link, '--json', '--name', 'Watcher']);
  await waitForPeers(a, 1);
  const target = await a.page
    .locator('[data-testid="device"]', { hasText: 'Watcher' })
    .getAttribute('data-device-id');
  if (!target) throw new Error('A lists no Watcher');
  const hostile = await joinAsHostilePeer(devices, link, relay.url, 'Hostile');
  await hostile.ready(target);

  const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
  await hostile.frames(target, [
    '',
    'not json',
    deep,
    '{"__proto__":{"t":"clip"},"v":1}',
    JSON.stringify({ v: 1, t: 'clip', clip: { id: 42, text: ['x'] } }),
    JSON.stringify({ v: 1, t: 'part', id: 'part-bad-01', n: 5, of: 2, data: 'x' }),
    JSON.stringify({ v: 1, t: 'hello', name: 'n'.repeat(10_000) }),
  ]);
  await hostile.binaryFrames(target, [[], [1, 2, 3], [1, 0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0, 2]]);
  // Signals no WebRTC stack should take: they reach libdatachannel through the core.
  const signals = [
    { v: 1, t: 'description', to: target, description: { type: 'offer', sdp: 'v=0\r\nbogus' } },
    { v: 1, t: 'description', to: target, description: { type: 'answer', sdp: 'a=\u0000' } },
    { v: 1, t: 'candidate', to: target, candidate: { candidate: 'candidate:x', sdpMid: '0' } },
  ];
  expect(await hostile.sealed(target, signals)).toBe(signals.length);

  await sendClip(a, 'honest after the attack');
  await expect.poll(() => printed(watch)).toContain('honest after the attack');
  expect(printed(watch).filter((text) => text !== 'honest after the attack')).toEqual([]);
  expect(watch.child.exitCode).toBeNull();
  expect(watch.stderr()).not.toMatch(/internal error/);
});
