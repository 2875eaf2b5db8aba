// Meshes whose links are real WebRTC: node-datachannel's polyfill (libdatachannel), with
// signaling over the in-memory hub; run by `npm run test:webrtc` inside a network namespace.

import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeMeshes, join, type TestDevice } from '../app/core/mesh.fixture';
import { Peer } from '../app/core/peer';
import type { Clip } from '../app/core/protocol';
import type { PeerState } from '../app/core/session-types';
import { createMemoryHub, type MemoryHub } from '../app/core/transport/memory';
import { installWebRtc } from './webrtc';

const A = 'device-aaaa';
const B = 'device-bbbb';
/** Links open within seconds, replaced ones after a backoff; the bound is for a loaded machine. */
const WAIT = { timeout: 20_000, interval: 5 };

/** A device whose links are real Peers, kept in `peers` as the mesh makes them. */
function joinDirect(hub: MemoryHub, id: string, peers: Peer[] = []): Promise<TestDevice> {
  return join(hub, id, {
    forceRelay: false,
    createPeer: (options) => {
      const peer = new Peer(options);
      peers.push(peer);
      return peer;
    },
  });
}

function stateOf(device: TestDevice, id: string): PeerState | undefined {
  return device.mesh.devices().find((view) => view.id === id)?.state;
}

async function linkedDirectly(x: TestDevice, y: TestDevice): Promise<void> {
  await vi.waitFor(
    () => expect([stateOf(x, y.id), stateOf(y, x.id)]).toEqual(['direct', 'direct']),
    WAIT,
  );
}

function clip(n: number, from: string): Clip {
  return { id: `clip-webrtc-${n}`, text: `clip ${n}`, from, fromName: 'sender', at: n, stamp: n };
}

function clipIds(device: TestDevice): string[] {
  return device.received.flatMap(({ message }) => (message.t === 'clip' ? [message.clip.id] : []));
}

/** Sends a clip and waits for it to arrive. */
async function sendClip(from: TestDevice, to: TestDevice, n: number): Promise<void> {
  await from.mesh.send(to.id, { t: 'clip', clip: clip(n, from.id) });
  await vi.waitFor(() => expect(clipIds(to)).toContain(`clip-webrtc-${n}`), WAIT);
}

/** Sends a clip while the relay drops everything, so only the data channel can carry it. */
async function sendDirectly(hub: MemoryHub, from: TestDevice, to: TestDevice, n: number) {
  const stopDropping = hub.drop(() => true);
  try {
    await sendClip(from, to, n);
  } finally {
    stopDropping();
  }
}

beforeAll(installWebRtc);
afterEach(closeMeshes);

describe('Mesh over real WebRTC', () => {
  it('links two devices directly and carries a clip over the data channel', async () => {
    const hub = createMemoryHub();
    const a = await joinDirect(hub, A);
    const b = await joinDirect(hub, B);
    await linkedDirectly(a, b);
    await sendDirectly(hub, a, b, 1);
    await sendDirectly(hub, b, a, 2);
    expect(b.received.filter(({ message }) => message.t === 'clip')).toEqual([
      { from: A, message: { t: 'clip', clip: clip(1, A) } },
    ]);
    await vi.waitFor(() => expect(a.mesh.devices()[0]?.path).toBe('lan'), WAIT);
  });

  it('gives a device that comes back under the same id a fresh direct link', async () => {
    const hub = createMemoryHub();
    const linksOfA: Peer[] = [];
    const a = await joinDirect(hub, A, linksOfA);
    const b = await joinDirect(hub, B);
    await linkedDirectly(a, b);
    b.mesh.close();
    const back = await joinDirect(hub, B);
    await linkedDirectly(a, back);
    await sendDirectly(hub, a, back, 1);
    await sendDirectly(hub, back, a, 2);
    const open = linksOfA.filter((link) => link.isOpen);
    expect(open).toHaveLength(1);
    expect(open[0]).not.toBe(linksOfA[0]);
  });

  it('reaches a device through the relay while its link is down, then directly again', async () => {
    const hub = createMemoryHub();
    const linksOfB: Peer[] = [];
    const a = await joinDirect(hub, A);
    const b = await joinDirect(hub, B, linksOfB);
    await linkedDirectly(a, b);
    const link = linksOfB.find((peer) => peer.isOpen);
    // The connection goes away under B's mesh, as when the network drops it.
    link?.pc.close();
    await vi.waitFor(() => expect(stateOf(a, B)).toBe('relay'), WAIT);
    await sendClip(a, b, 1);
    await linkedDirectly(a, b);
    await sendDirectly(hub, a, b, 2);
    await sendDirectly(hub, b, a, 3);
  });
});
