import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_DEVICES_PER_ROOM } from '../../relay/contract';
import { deriveRoomKeys } from './keys';
import {
  closedLink,
  closeMeshes,
  join,
  OTHER_SECRET,
  SECRET,
  type TestDevice,
  until,
} from './mesh.fixture';
import type { PeerLink, PeerOptions } from './peer';
import type { Clip, PeerMessage } from './protocol';
import { Sealer } from './sealed';
import { createMemoryHub } from './transport/memory';
import { RELAY_MAX_PAYLOAD } from './transport/sse';
import { PublishError, type Transport, type TransportEvent } from './transport/types';

afterEach(closeMeshes);

/** Sends one large clip from A to B over the fallback; returns the sealed payload sizes. */
async function sendLargeClip(
  text: string,
): Promise<{ sizes: number[]; clip: Clip; got: PeerMessage | undefined }> {
  const hub = createMemoryHub();
  const a = await join(hub, 'device-aaaa');
  const b = await join(hub, 'device-bbbb');
  await until(() => a.reachable.includes('device-bbbb'), 'A reaches B through the relay');
  const sizes: number[] = [];
  hub.tap((message) => {
    sizes.push(message.payload.length);
    return undefined;
  });
  const clip = { id: 'clip-large-1', text, from: 'device-aaaa', fromName: 'A', at: 1, stamp: 1 };
  await a.mesh.send('device-bbbb', { t: 'clip', clip });
  await until(() => b.received.length === 1, 'B receives the large clip');
  return { sizes, clip, got: b.received[0]?.message };
}

/**
 * Direct links between meshes that open at once and carry frames as a data channel does
 * (bytes arrive as an ArrayBuffer). `wire` sees, and may rewrite, every frame.
 */
function directLinks(wire: (from: string, data: string | Uint8Array) => string | Uint8Array) {
  const ends = new Map<string, PeerOptions>();
  return (self: string) =>
    (options: PeerOptions): PeerLink => {
      ends.set(`${self}>${options.remoteId}`, options);
      // An offer, so the other device makes its link now rather than after its wait.
      setTimeout(() => options.sendDescription({ type: 'offer', sdp: 'v=0' }), 0);
      const other = ends.get(`${options.remoteId}>${self}`);
      if (other) {
        setTimeout(() => {
          options.onState('open');
          other.onState('open');
        }, 0);
      }
      return {
        ...closedLink(),
        isOpen: true,
        maxMessageSize: 262_144,
        send: async (data) => {
          const frame = wire(self, data);
          ends
            .get(`${options.remoteId}>${self}`)
            ?.onMessage(typeof frame === 'string' ? frame : frame.slice().buffer);
        },
      };
    };
}

/** A and B over direct links; returns what A sent and what B received of a 1 MiB clip. */
async function sendOverDirectLink(
  rewrite: (from: string, text: string) => string = (_from, text) => text,
) {
  const hub = createMemoryHub();
  const sent: Array<string | Uint8Array> = [];
  let helloOverLink = false;
  const link = directLinks((from, data) => {
    const frame = typeof data === 'string' ? rewrite(from, data) : data;
    if (from === 'device-aaaa') sent.push(frame);
    // Delivered as it is sent: once B's hello has gone, A knows what B reads.
    if (from === 'device-bbbb' && typeof frame === 'string' && frame.includes('"t":"hello"'))
      helloOverLink = true;
    return frame;
  });
  const a = await join(hub, 'device-aaaa', { createPeer: link('device-aaaa') });
  const b = await join(hub, 'device-bbbb', { createPeer: link('device-bbbb') });
  await until(() => a.mesh.devices()[0]?.state === 'direct', 'A links to B directly');
  // A name may come first in a hello through the relay; what B reads comes over the link.
  await until(() => helloOverLink, "A has B's hello over the direct link");
  sent.length = 0;
  const text = 'clip 📋 "quoted" עברית\n'.repeat(40_000);
  const clip = { id: 'clip-large-1', text, from: 'device-aaaa', fromName: 'A', at: 1, stamp: 1 };
  await a.mesh.send('device-bbbb', { t: 'clip', clip });
  await until(() => b.received.some((r) => r.message.t === 'clip'), 'B receives the clip');
  return { sent, clip, got: b.received.find((r) => r.message.t === 'clip')?.message };
}

describe('the mesh over direct links', () => {
  it('sends a large clip as binary pieces to a device whose hello says it reads them', async () => {
    const { sent, clip, got } = await sendOverDirectLink();
    expect(got).toEqual({ t: 'clip', clip });
    expect(sent.length).toBeGreaterThan(3);
    expect(sent.every((frame) => frame instanceof Uint8Array)).toBe(true);
    expect(Math.max(...sent.map((frame) => frame.length))).toBeLessThanOrEqual(262_144);
  });

  it('sends JSON parts to a device whose hello does not, as an older clipmesh', async () => {
    const { sent, clip, got } = await sendOverDirectLink((from, text) =>
      from === 'device-bbbb' && text.includes('"hello"')
        ? text.replace(',"binary":true', '')
        : text,
    );
    expect(got).toEqual({ t: 'clip', clip });
    expect(sent.length).toBeGreaterThan(3);
    expect(sent.every((frame) => typeof frame === 'string' && frame.includes('"t":"part"'))).toBe(
      true,
    );
  });
});

describe('the mesh over the in-memory transport', () => {
  it('devices learn each other and their names through sealed hellos', async () => {
    const hub = createMemoryHub();
    const a = await join(hub, 'device-aaaa');
    const b = await join(hub, 'device-bbbb');
    await until(
      () => a.mesh.devices().some((d) => d.name === 'device-bbbb name'),
      'A learns B name',
    );
    await until(
      () => b.mesh.devices().some((d) => d.name === 'device-aaaa name'),
      'B learns A name',
    );
  });

  it('falls back to the relay when no direct link opens, and delivers through it', async () => {
    const hub = createMemoryHub();
    const a = await join(hub, 'device-aaaa');
    const b = await join(hub, 'device-bbbb');
    await until(() => a.reachable.includes('device-bbbb'), 'A reaches B through the relay');
    expect(a.mesh.devices()[0]?.state).toBe('relay');

    await a.mesh.send('device-bbbb', { t: 'ack', ids: ['clip-0001'] });
    await until(() => b.received.length === 1, 'B receives the message');
    expect(b.received[0]).toEqual({
      from: 'device-aaaa',
      message: { t: 'ack', ids: ['clip-0001'] },
    });
  });

  it('chunks a large message to fit the relay and reassembles it byte-exact', async () => {
    const { sizes, clip, got } = await sendLargeClip(
      'emoji 📋 tab\t newline\n עברית '.repeat(8_000),
    );
    expect(got).toEqual({ t: 'clip', clip });
    expect(sizes.length).toBeGreaterThan(10);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(RELAY_MAX_PAYLOAD);
  });

  it('packs plain ASCII, quotes and backslashes included, into pieces that still fit', async () => {
    const { sizes, clip, got } = await sendLargeClip('say "hi" \\ path\\to\\file '.repeat(20_000));
    expect(got).toEqual({ t: 'clip', clip });
    expect(Math.max(...sizes)).toBeLessThanOrEqual(RELAY_MAX_PAYLOAD);
    // About 3/8 of a payload of text per piece (base64 and escaping), not a sixth of that.
    expect(sizes.length).toBeLessThan((JSON.stringify(clip).length * 3) / RELAY_MAX_PAYLOAD + 4);
  });

  it('drops tampered payloads, counts them and raises the tampering warning', async () => {
    const hub = createMemoryHub();
    const a = await join(hub, 'device-aaaa');
    const b = await join(hub, 'device-bbbb');
    await until(() => a.reachable.includes('device-bbbb'), 'fallback');
    // Always a different character: one that was 'A' already would pass through untouched.
    const flip = (c: string | undefined) => (c === 'A' ? 'B' : 'A');
    hub.tap((m) => `${m.payload.slice(0, 20)}${flip(m.payload[20])}${m.payload.slice(21)}`);
    for (let i = 0; i < 4; i++)
      await a.mesh.send('device-bbbb', { t: 'ack', ids: [`clip-000${i}`] });
    await until(() => b.mesh.health.tampering, 'B warns of tampering');
    expect(b.received).toEqual([]);
    expect(b.mesh.health.dropped).toBeGreaterThanOrEqual(3);
  });

  it('cannot open anything from a device holding another room secret', async () => {
    const hub = createMemoryHub();
    const { roomId } = await deriveRoomKeys(SECRET);
    const a = await join(hub, 'device-aaaa');
    const intruder = await join(hub, 'device-evil', { secret: OTHER_SECRET, roomId });
    await until(() => a.mesh.health.dropped > 0, 'A drops what it cannot open');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(a.received).toEqual([]);
    // Listed by the transport, but never proven: neither side shows or reaches the other.
    expect(a.mesh.devices()).toEqual([]);
    expect(a.reachable).toEqual([]);
    expect(intruder.mesh.devices()).toEqual([]);
    await expect(
      intruder.mesh.send('device-aaaa', { t: 'ack', ids: ['clip-0001'] }),
    ).rejects.toThrow('not connected');
  });

  it('names a newer peer instead of misreading it, and counts garbage frames', async () => {
    const hub = createMemoryHub();
    const links: PeerOptions[] = [];
    const a = await join(hub, 'device-aaaa', {
      createPeer: (options) => {
        links.push(options);
        return closedLink();
      },
    });
    await join(hub, 'device-bbbb');
    await until(() => links.length > 0, 'A makes a link to B');
    const frameFromB = (text: string) => links[0]?.onMessage(text);

    frameFromB('{"t":"ack"');
    frameFromB('<img src=x onerror=alert(1)>');
    frameFromB(JSON.stringify({ v: 1, t: 'ack', ids: [{ toString: 1 }] }));
    expect(a.mesh.health.dropped).toBe(3);
    expect(a.mesh.health.newerVersion).toBe(false);

    frameFromB(JSON.stringify({ v: 2, t: 'clip', clip: { shape: 'unknown to us' } }));
    expect(a.mesh.health.newerVersion).toBe(true);
    expect(a.mesh.health.dropped).toBe(3);

    frameFromB(JSON.stringify({ v: 1, t: 'ack', ids: ['clip-0001'] }));
    expect(a.received).toEqual([
      { from: 'device-bbbb', message: { t: 'ack', ids: ['clip-0001'] } },
    ]);
  });

  it('keeps a working link when an offer is bad, and replaces it for a new connection', async () => {
    const hub = createMemoryHub();
    const { roomId, sealKey } = await deriveRoomKeys(SECRET);
    const links: Array<{ sent: unknown[]; closed: boolean; offers: string[] }> = [];
    const a = await join(hub, 'device-aaaa', {
      createPeer: (options) => {
        const first = links.length === 0;
        const link = { sent: [] as unknown[], closed: false, offers: [] as string[] };
        links.push(link);
        return {
          ...closedLink(),
          isOpen: true,
          // The first link cannot take an offer from the other device's next connection;
          // a fresh one can. Nothing takes an offer that is not one.
          handleDescription: async ({ sdp }) => {
            if (sdp.includes('garbage') || (first && sdp.includes('next'))) {
              throw new Error('refused');
            }
            link.offers.push(sdp);
            // Answered: the channel opens.
            setTimeout(() => options.onState('open'), 0);
          },
          send: async (text) => void link.sent.push(text),
          close: () => {
            link.closed = true;
          },
        };
      },
    });
    // B: a bare transport that seals its own signals.
    const bTransport = hub.connect({
      roomId,
      deviceId: 'device-bbbb',
      deviceKey: 'b-key-0123456789',
    });
    bTransport.subscribe(() => {});
    const bSealer = new Sealer(sealKey, roomId, 'device-bbbb');
    const offer = async (sdp: string) => {
      const description = { type: 'offer' as const, sdp };
      await bTransport.publish(
        await bSealer.seal({ v: 1, t: 'description', to: 'device-aaaa', description }),
        'device-aaaa',
      );
    };
    await offer('v=0 first connection');
    await until(() => links[0]?.offers.length === 1, 'A takes the first offer');
    await until(() => a.mesh.reachable().includes('device-bbbb'), 'the first link opens');

    await offer('v=0 garbage');
    await until(() => a.mesh.health.dropped === 1, 'A drops the bad offer');
    expect(links[0]?.closed).toBe(false);
    // Each link opens and says hello first: only the acks are counted.
    const acks = (link: { sent: unknown[] } | undefined) =>
      link?.sent.filter((frame) => String(frame).includes('"t":"ack"')) ?? [];
    await a.mesh.send('device-bbbb', { t: 'ack', ids: ['clip-0001'] });
    expect(acks(links[0])).toHaveLength(1);

    await offer('v=0 next connection');
    await until(() => links.at(-1)?.offers.length === 1, 'a fresh link takes the new offer');
    expect(links[0]?.closed).toBe(true);
    await until(() => a.mesh.devices()[0]?.state === 'direct', 'the fresh link opens');
    await a.mesh.send('device-bbbb', { t: 'ack', ids: ['clip-0002'] });
    expect(acks(links.at(-1))).toHaveLength(1);
    expect(acks(links[0])).toHaveLength(1);
    expect(a.mesh.health.dropped).toBe(1);
  });

  it('ignores devices beyond its cap', async () => {
    const hub = createMemoryHub();
    const a = await join(hub, 'device-aaaa', { maxPeers: 1 });
    await join(hub, 'device-bbbb');
    await join(hub, 'device-cccc');
    await hub.settled();
    await until(() => a.mesh.devices().length === 1, 'A holds one peer');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(a.mesh.devices()).toHaveLength(1);
  });

  it('lets made-up joins give way, so a real device still gets in at the cap', async () => {
    const hub = createMemoryHub();
    const { roomId } = await deriveRoomKeys(SECRET);
    const a = await join(hub, 'device-aaaa', { maxPeers: 2 });
    // Present in the room but never sealing anything, like joins a lying relay makes up.
    for (const id of ['ghost-0001', 'ghost-0002', 'ghost-0003']) {
      hub.connect({ roomId, deviceId: id, deviceKey: `${id}-key-0123456789` }).subscribe(() => {});
    }
    await hub.settled();
    await join(hub, 'device-bbbb');
    await until(() => a.reachable.includes('device-bbbb'), 'A reaches B despite the ghosts');
    expect(a.mesh.devices().map((d) => d.id)).toEqual(['device-bbbb']);
  });

  it('holds as many devices as the relay admits', async () => {
    const hub = createMemoryHub({ maxDevices: DEFAULT_MAX_DEVICES_PER_ROOM });
    const ids = Array.from({ length: DEFAULT_MAX_DEVICES_PER_ROOM }, (_, i) => `device-${i}-0000`);
    const devices: TestDevice[] = [];
    for (const id of ids) devices.push(await join(hub, id));
    const [first, last] = [devices[0] as TestDevice, devices.at(-1) as TestDevice];
    await until(
      () => devices.every((d) => d.mesh.devices().length === ids.length - 1),
      'every device sees all the others',
    );
    await until(() => first.reachable.includes(last.id), 'the first reaches the last');
    await first.mesh.send(last.id, { t: 'ack', ids: ['clip-0001'] });
    await until(() => last.received.length === 1, 'the last receives from the first');
  });

  it('lets a device that left give way to a newcomer at the cap', async () => {
    const hub = createMemoryHub();
    const a = await join(hub, 'device-aaaa', { maxPeers: 2 });
    await join(hub, 'device-bbbb');
    const c = await join(hub, 'device-cccc');
    await until(() => a.mesh.devices().length === 2, 'A holds B and C');
    c.mesh.close();
    await until(
      () => a.mesh.devices().find((d) => d.id === 'device-cccc')?.state === 'lost',
      'A sees C leave',
    );
    const d = await join(hub, 'device-dddd');
    await until(() => a.reachable.includes(d.id), 'A reaches the newcomer D');
    expect(a.mesh.devices().map((x) => x.id)).toEqual(['device-bbbb', 'device-dddd']);
  });

  it('rejects a fallback send the relay refused, and sends the next one', async () => {
    const hub = createMemoryHub();
    let refusing = false;
    const refusingRelay = (transport: Transport): Transport => ({
      ...transport,
      subscribe: (handler) => transport.subscribe(handler),
      publish: (payload, to) =>
        refusing
          ? Promise.reject(new PublishError('too many messages, slow down', 429, 2_000))
          : transport.publish(payload, to),
    });
    const a = await join(hub, 'device-aaaa', { wrap: refusingRelay });
    const b = await join(hub, 'device-bbbb');
    await until(() => a.reachable.includes('device-bbbb'), 'A reaches B through the relay');

    refusing = true;
    await expect(a.mesh.send('device-bbbb', { t: 'ack', ids: ['clip-0001'] })).rejects.toEqual(
      new PublishError('too many messages, slow down', 429, 2_000),
    );
    refusing = false;
    await a.mesh.send('device-bbbb', { t: 'ack', ids: ['clip-0002'] });
    await until(() => b.received.length === 1, 'B receives the next one');
    expect(b.received.map((r) => r.message)).toEqual([{ t: 'ack', ids: ['clip-0002'] }]);
  });
});

/** Holds back every members and join event until `release()`, passing all else through. */
function latePresence() {
  const held: Array<() => void> = [];
  let holding = true;
  const wrap = (transport: Transport): Transport => ({
    maxPayload: transport.maxPayload,
    publish: (payload, to) => transport.publish(payload, to),
    subscribe: (handler) =>
      transport.subscribe((event: TransportEvent) => {
        const presence = event.type === 'members' || event.type === 'join';
        if (holding && presence) held.push(() => handler(event));
        else handler(event);
      }),
  });
  const release = () => {
    holding = false;
    for (const deliver of held.splice(0)) deliver();
  };
  return { wrap, release };
}

describe('falling back when presence comes late', () => {
  it('reaches a device through the relay when its presence arrives after the fallback wait', async () => {
    const hub = createMemoryHub();
    const late = latePresence();
    const a = await join(hub, 'device-aaaa', { wrap: late.wrap });
    const b = await join(hub, 'device-bbbb');
    // B proves itself with a sealed hello while A has not yet heard that B is present.
    await until(() => a.mesh.devices().some((device) => device.id === 'device-bbbb'), 'A hears B');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(a.reachable).toEqual([]);
    late.release();
    await until(() => a.reachable.includes('device-bbbb'), 'A reaches B through the relay');
    expect(b.reachable).toContain('device-aaaa');
  });
});

describe('a device that comes back under the same id', () => {
  it('offers a fresh link at once to a device that comes back under the same id', async () => {
    const hub = createMemoryHub();
    const links: string[] = [];
    const counting = (options: PeerOptions): PeerLink => {
      links.push(options.remoteId);
      return closedLink();
    };
    await join(hub, 'device-aaaa', { createPeer: counting });
    await join(hub, 'device-bbbb');
    await until(() => links.length === 1, 'A makes a link to B');
    // B's process ends and a new one starts with the same identity (a terminal command run
    // again, a page reloaded): whatever A offered the old one was lost with it.
    hub.disconnect('device-bbbb');
    await hub.settled();
    hub.reconnect('device-bbbb');
    await until(() => links.length === 2, 'A makes a fresh link to the new B at once');
  });
});
