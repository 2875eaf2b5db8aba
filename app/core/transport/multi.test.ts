import { describe, expect, it } from 'vitest';
import { createMemoryHub, type MemoryHub } from './memory';
import { combineTransports } from './multi';
import type { Transport, TransportEvent } from './types';

const ROOM = 'room-0123456789abcdef';

/** A relay-like hub and a tabs-like hub; every device is on both. */
function setup() {
  const relay = createMemoryHub();
  const tabs = createMemoryHub({ maxPayload: 100 });
  const settled = async () => {
    for (let i = 0; i < 3; i++) await Promise.all([relay.settled(), tabs.settled()]);
  };
  return { relay, tabs, settled };
}

function device(hubs: MemoryHub[], id: string) {
  const parts = hubs.map((hub) =>
    hub.connect({ roomId: ROOM, deviceId: id, deviceKey: `key-${id}` }),
  );
  const [first, ...rest] = parts as [Transport, ...Transport[]];
  const transport = combineTransports(first, ...rest);
  const events: TransportEvent[] = [];
  const unsubscribe = transport.subscribe((e) => events.push(e));
  return { transport, events, unsubscribe };
}

const without = (events: TransportEvent[], type: TransportEvent['type']) =>
  events.filter((e) => e.type !== type);
const payloads = (events: TransportEvent[]) =>
  events.flatMap((e) => (e.type === 'message' ? [e.payload] : []));

describe('combined transports', () => {
  it('lists a device once though every source lists it, and announces it once', async () => {
    const { relay, tabs, settled } = setup();
    const a = device([relay, tabs], 'device-a');
    await settled();
    device([relay, tabs], 'device-b');
    await settled();
    expect(without(a.events, 'status')).toEqual([
      { type: 'members', devices: [] },
      { type: 'join', device: 'device-b' },
    ]);
  });

  it('keeps a device present while any source lists it, and reports it gone when none does', async () => {
    const { relay, tabs, settled } = setup();
    const a = device([relay, tabs], 'device-a');
    const b = device([relay, tabs], 'device-b');
    await settled();
    const leaves = () => a.events.filter((e) => e.type === 'leave');
    relay.disconnect('device-b');
    await settled();
    expect(leaves()).toEqual([]);
    b.unsubscribe();
    await settled();
    expect(leaves()).toEqual([{ type: 'leave', device: 'device-b' }]);
  });

  it('delivers a payload that came both ways once, but a different payload again', async () => {
    const { relay, tabs, settled } = setup();
    const a = device([relay, tabs], 'device-a');
    const b = device([relay, tabs], 'device-b');
    await settled();
    await a.transport.publish('sealed-1');
    await a.transport.publish('sealed-2', 'device-b');
    await a.transport.publish('sealed-1');
    await settled();
    expect(payloads(b.events)).toEqual(['sealed-1', 'sealed-2']);
  });

  it('keeps messages flowing over the other source while the primary is down, and says so', async () => {
    const { relay, tabs, settled } = setup();
    const a = device([relay, tabs], 'device-a');
    const b = device([relay, tabs], 'device-b');
    await settled();
    relay.disconnect('device-a');
    await settled();
    expect(a.events.at(-1)).toEqual({
      type: 'status',
      status: 'unreachable',
      detail: 'cut off by the test; still connected through another transport',
    });
    await a.transport.publish('via tabs', 'device-b');
    await a.transport.publish('to all');
    await settled();
    expect(payloads(b.events)).toEqual(['via tabs', 'to all']);
  });

  it('sends a targeted message only where the target is present, and rejects one present nowhere', async () => {
    const { relay, tabs, settled } = setup();
    const a = device([relay, tabs], 'device-a');
    const onlyOnRelay = device([relay], 'device-r');
    await settled();
    await a.transport.publish('hi', 'device-r');
    await settled();
    expect(payloads(onlyOnRelay.events)).toEqual(['hi']);
    await expect(a.transport.publish('x', 'device-z')).rejects.toMatchObject({ status: 404 });
  });

  it('rejects with the primary reason when every route fails', async () => {
    const { relay, tabs } = setup();
    const lonely = combineTransports(
      relay.connect({ roomId: ROOM, deviceId: 'device-a', deviceKey: 'k' }),
      tabs.connect({ roomId: ROOM, deviceId: 'device-a', deviceKey: 'k' }),
    );
    await expect(lonely.publish('x')).rejects.toMatchObject({ status: 0 });
  });

  it('offers the smallest payload limit of its sources', () => {
    const { relay, tabs } = setup();
    const a = device([relay, tabs], 'device-a');
    expect(a.transport.maxPayload).toBe(100);
  });

  it('stops every source on unsubscribe and says closed once', async () => {
    const { relay, tabs, settled } = setup();
    const a = device([relay, tabs], 'device-a');
    const b = device([relay, tabs], 'device-b');
    await settled();
    a.unsubscribe();
    await settled();
    expect(a.events.filter((e) => e.type === 'status' && e.status === 'closed')).toHaveLength(1);
    expect(b.events.at(-1)).toEqual({ type: 'leave', device: 'device-a' });
    await expect(a.transport.publish('x')).rejects.toMatchObject({ status: 0 });
  });
});

describe('dropped events', () => {
  it('are the sum of what every source dropped', () => {
    const source = (dropped: number): Transport => ({
      maxPayload: 100,
      subscribe: () => () => {},
      publish: async () => {},
      dropped,
    });
    expect(combineTransports(source(2), source(3)).dropped).toBe(5);
  });
});
