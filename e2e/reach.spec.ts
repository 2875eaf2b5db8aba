// Clips get through on every kind of network: the NAT lab (e2e/lab.mjs) with coturn beside
// the relay, one lab for the whole file. Each device is a Chromium in a namespace of its own.

import { sendClip } from './fixtures/app';
import { exchangeClips, launchOn, pairInLab, peerPath } from './fixtures/lab-room';
import { type Relay, startRelay } from './fixtures/relay';
import { historyOf, waitForTexts } from './fixtures/room';
import { expect, test } from './fixtures/test';
import { createLab, type Lab, type LabRouter, labMissing } from './lab.mjs';

const TURN_SECRET = 'lab-shared-secret';
/** The sealed fallback takes over this soon after a link's UDP is cut (Peer.FAILOVER_MS + ICE). */
const FAILOVER_BOUND_MS = 15_000;

test.describe.configure({ mode: 'serial' });

let lab: Lab;
/** Hands out STUN, TURN over UDP and TURN over TCP. */
let full: Relay;
/** Hands out STUN and TURN over UDP only. */
let udpOnly: Relay;
/** Listens on IPv6 too, and hands out STUN on both families. */
let dualStack: Relay;
let relays: Relay[];

test.beforeAll(async () => {
  const missing = labMissing();
  if (missing) throw new Error(missing);
  lab = await createLab({ turnSecret: TURN_SECRET });
  const turn = ['--turn-secret', TURN_SECRET, '--stun', lab.stunUrl];
  full = await startRelay({
    args: [...turn, '--turn', `${lab.turnUrl('udp')},${lab.turnUrl('tcp')}`],
  });
  udpOnly = await startRelay({ args: [...turn, '--turn', lab.turnUrl('udp')] });
  dualStack = await startRelay({
    args: ['--host', '::', '--stun', `${lab.stunUrl},${lab.stunUrl6}`],
  });
  relays = [full, udpOnly, dualStack];
});

test.afterAll(async () => {
  await full?.stop();
  await udpOnly?.stop();
  await dualStack?.stop();
  lab?.remove();
});

async function pairAcross(
  devices: Parameters<typeof launchOn>[0],
  [routerA, routerB]: [LabRouter, LabRouter],
  relay: Relay,
  path: string,
  family: 4 | 6 = 4,
) {
  const a = await launchOn(devices, 'A', routerA, relays);
  const b = await launchOn(devices, 'B', routerB, relays);
  await pairInLab(a, b, relay, path, family);
  return [a, b] as const;
}

test('two devices on one home network link directly on the same network', async ({ devices }) => {
  const home = lab.router({ nat: 'cone' });
  const [a, b] = await pairAcross(devices, [home, home], full, 'lan');
  await expect(peerPath(a)).toContainText('direct (same network)');
  await exchangeClips(a, b, 'lan clip');
  await expect(peerPath(b)).toHaveAttribute('data-path', 'lan');
});

test('devices behind two cone NATs link directly through NAT, found by STUN', async ({
  devices,
}) => {
  const routers = [lab.router({ nat: 'cone' }), lab.router({ nat: 'cone' })] as const;
  const [a, b] = await pairAcross(devices, [...routers], full, 'nat');
  await expect(peerPath(b)).toContainText('direct (through NAT)');
  await exchangeClips(a, b, 'cone clip');
  await expect(peerPath(a)).toHaveAttribute('data-path', 'nat');
});

test('a device behind a symmetric NAT links via TURN with credentials from the relay', async ({
  devices,
}) => {
  const routers = [lab.router({ nat: 'symmetric' }), lab.router({ nat: 'cone' })] as const;
  const [a, b] = await pairAcross(devices, [...routers], full, 'turn');
  await expect(peerPath(a)).toContainText('via TURN relay');
  await exchangeClips(a, b, 'symmetric clip');
  await expect(peerPath(b)).toHaveAttribute('data-path', 'turn');
  // Settings shows what is in use; the minted password never does.
  await a.page.getByText('Settings', { exact: true }).click();
  const inUse = a.page.getByTestId('ice-in-use');
  await expect(inUse).toContainText(`${lab.turnUrl('udp')}`);
  await expect(inUse).toContainText('from the relay');
  await expect(inUse).not.toContainText(TURN_SECRET);
  // A person's own server is checked before it is kept, and then comes first.
  const address = a.page.getByLabel('Add your own server');
  await address.fill('https://turn.example.com');
  await a.page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(a.page.getByRole('alert')).toHaveText(
    'A server address starts with stun:, turn: or turns:.',
  );
  await address.fill(lab.stunUrl);
  await a.page.getByRole('button', { name: 'Add', exact: true }).click();
  // Saving reopens the room (as a new relay address does), and the panels close with it.
  await expect(inUse).toBeHidden();
  await expect(peerPath(a)).toHaveAttribute('data-path', 'turn', { timeout: 30_000 });
  await a.page.getByText('Settings', { exact: true }).click();
  await expect(a.page.getByTestId('own-ice-servers')).toContainText(lab.stunUrl);
  await expect(inUse.locator('li').first()).toHaveText(`${lab.stunUrl} (yours)`);
});

test('with UDP blocked, devices link via TURN over TCP when the relay offers it', async ({
  devices,
}) => {
  const routers = [lab.router({ udp: false }), lab.router({ udp: false })] as const;
  const [a, b] = await pairAcross(devices, [...routers], full, 'turn');
  await exchangeClips(a, b, 'tcp turn clip');
});

test('with UDP blocked and no TURN over TCP, clips go through the sealed relay fallback', async ({
  devices,
}) => {
  const routers = [lab.router({ udp: false }), lab.router({ udp: false })] as const;
  const [a, b] = await pairAcross(devices, [...routers], udpOnly, 'relay');
  await expect(peerPath(a)).toContainText('via clipmesh relay (end-to-end encrypted)');
  await exchangeClips(a, b, 'sealed clip');
});

test('a device on an IPv6-only network links directly through NAT over IPv6', async ({
  devices,
}) => {
  const routers = [lab.router({ ip: 6 }), lab.router({ ip: 46 })] as const;
  const [a, b] = await pairAcross(devices, [...routers], dualStack, 'nat', 6);
  await exchangeClips(a, b, 'ipv6 clip');
  await expect(peerPath(b)).toHaveAttribute('data-path', 'nat');
});

test('when UDP dies mid-link the sealed fallback takes over in bounded time, and clips go back direct when it returns, none lost or doubled', async ({
  devices,
}) => {
  test.setTimeout(120_000);
  const routers = [lab.router({ nat: 'cone' }), lab.router({ nat: 'cone' })] as const;
  const [a, b] = await pairAcross(devices, [...routers], udpOnly, 'nat');
  const before = await exchangeClips(a, b, 'partway clip', 2);

  for (const router of routers) router.blockUdp();
  const cutAt = Date.now();
  // Written as the link dies: it must arrive once, whichever way carries it.
  await sendClip(a, 'partway clip as the link fails');
  for (const device of [a, b]) {
    await expect(peerPath(device)).toHaveAttribute('data-path', 'relay', {
      timeout: FAILOVER_BOUND_MS,
    });
  }
  const failoverMs = Date.now() - cutAt;
  console.log(`failover: the sealed fallback showed ${failoverMs} ms after UDP was cut`);
  expect(failoverMs).toBeLessThanOrEqual(FAILOVER_BOUND_MS);
  await waitForTexts(b, ['partway clip as the link fails']);
  await sendClip(b, 'partway clip through the fallback');
  await waitForTexts(a, ['partway clip through the fallback']);

  for (const router of routers) router.allowUdp();
  for (const device of [a, b]) {
    await expect(peerPath(device)).toHaveAttribute('data-path', 'nat', { timeout: 60_000 });
  }
  await sendClip(a, 'partway clip direct again');
  await waitForTexts(b, ['partway clip direct again']);
  const expected = [
    ...before,
    'partway clip as the link fails',
    'partway clip through the fallback',
    'partway clip direct again',
  ];
  for (const device of [a, b]) {
    await waitForTexts(device, expected);
    expect(await historyOf(device, 'partway clip')).toEqual(expected);
  }
});
