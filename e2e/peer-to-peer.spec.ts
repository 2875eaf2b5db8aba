import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  openLink,
  openNewRoom,
  pairTwoDevices,
  scanJoinLink,
  sendClip,
  waitForClip,
} from './fixtures/app';
import { copyClip } from './fixtures/controls';
import { APP_PATH } from './fixtures/relay';
import { expect, test } from './fixtures/test';

test('clips still flow both ways after the relay process is stopped', async ({
  relay,
  devices,
}) => {
  const [a, b] = await pairTwoDevices(devices, relay.url);

  await relay.kill();

  await sendClip(a, 'A to B with no relay');
  await waitForClip(b, 'A to B with no relay');
  await sendClip(b, 'B to A with no relay');
  await waitForClip(a, 'B to A with no relay');
});

test('a 4 MiB clip of emoji, right-to-left text, tabs and quotes arrives intact over the direct link', async ({
  relay,
  devices,
}) => {
  test.setTimeout(90_000);
  const [a, b] = await pairTwoDevices(devices, relay.url);
  // With the relay gone, the clip can only go over the data channel, as binary pieces.
  await relay.kill();

  const line = 'clip 📋 עברית\t"quoted" \\ back\n';
  const size = 4 * 1024 * 1024;
  const text = line.repeat(Math.ceil(size / line.length)).slice(0, size);
  await a.page.evaluate((clip) => navigator.clipboard.writeText(clip), text);
  await a.page.getByRole('button', { name: 'Paste & send' }).click();

  const clip = b.page.locator('[data-testid="clip"]');
  await expect(clip).toHaveCount(1, { timeout: 60_000 });
  const copied = await copyClip(b, clip);
  expect(copied.length).toBe(text.length);
  expect(copied === text).toBe(true);
});

/** The tapped bytes, less the app's own files: they are public, and may name SDP fields. */
function signalingBytes(tapFile: string): string {
  let seen = readFileSync(tapFile).toString('latin1');
  for (const file of readdirSync(APP_PATH, { recursive: true, withFileTypes: true })) {
    if (!file.isFile()) continue;
    const body = readFileSync(join(file.parentPath, file.name)).toString('latin1');
    if (body.length > 0) seen = seen.split(body).join('');
  }
  return seen;
}

test.describe('the relay is blind', () => {
  const tapFile = join(tmpdir(), `clipmesh-tap-${process.pid}-${Date.now()}.bin`);
  test.use({ relayOptions: { tapFile } });

  test('no clip text, device name or SDP ever passes through the relay', async ({
    relay,
    devices,
  }) => {
    const [a, b] = await pairTwoDevices(devices, relay.url);

    const names = await a.page
      .locator('[data-testid="device"] [data-testid="device-name"]')
      .allTextContents();
    const secret = 'the launch code is 0451-blind-relay';
    await sendClip(a, secret);
    await waitForClip(b, secret);
    await relay.stop();

    const seen = signalingBytes(tapFile);
    expect(seen.length).toBeGreaterThan(1000);
    expect(seen).toContain('/v1/rooms/');
    for (const name of names) expect(name.length > 3 && seen.includes(name)).toBe(false);
    // SDP and ICE markers that would show if signaling leaked in the clear.
    for (const secretish of [secret, '0451-blind', 'a=fingerprint', 'ice-ufrag', 'typ host']) {
      expect(seen).not.toContain(secretish);
    }
  });
});

test('a late joiner receives the last clips, and a clip sent alone waits for a peer', async ({
  relay,
  devices,
}) => {
  const a = await devices.launch('A');
  await openNewRoom(a, relay.url);
  const link = await scanJoinLink(a);

  await sendClip(a, 'sent while alone');
  await expect(a.page.locator('[data-testid="clip"][data-pending="true"]')).toHaveCount(1);
  await a.page.reload();
  await expect(a.page.locator('[data-testid="clip"][data-pending="true"]')).toHaveCount(1);

  const b = await devices.launch('B');
  await openLink(b, link);
  await waitForClip(b, 'sent while alone');
  await expect(a.page.locator('[data-testid="clip"][data-pending="true"]')).toHaveCount(0);

  await sendClip(a, 'first of two');
  await sendClip(b, 'second of two');
  await waitForClip(a, 'second of two');

  const late = await devices.launch('late');
  await openLink(late, link);
  for (const text of ['sent while alone', 'first of two', 'second of two']) {
    await waitForClip(late, text);
  }
});
