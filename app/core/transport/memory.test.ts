import { describe, expect, it } from 'vitest';
import { createMemoryHub, type MemoryHub } from './memory';
import { PublishError, type Transport, type TransportEvent } from './types';

const ROOM = 'room-0123456789abcdef';

function device(hub: MemoryHub, id: string, key = `key-of-${id}`, roomId = ROOM) {
  const transport: Transport = hub.connect({ roomId, deviceId: id, deviceKey: key });
  const events: TransportEvent[] = [];
  const unsubscribe = transport.subscribe((e) => events.push(e));
  return { transport, events, unsubscribe };
}

const notStatus = (events: TransportEvent[]) => events.filter((e) => e.type !== 'status');
const statuses = (events: TransportEvent[]) =>
  events.flatMap((e) => (e.type === 'status' ? [e.status] : []));

describe('memory hub', () => {
  it('tells a newcomer who is present first, and the others that it joined', async () => {
    const hub = createMemoryHub();
    const a = device(hub, 'device-a');
    await hub.settled();
    const b = device(hub, 'device-b');
    expect(b.events).toEqual([]);
    await hub.settled();
    expect(b.events).toEqual([
      { type: 'status', status: 'open' },
      { type: 'members', devices: ['device-a'] },
    ]);
    expect(notStatus(a.events)).toEqual([
      { type: 'members', devices: [] },
      { type: 'join', device: 'device-b' },
    ]);
  });

  it('rejects a message to an unknown device with 404 and an oversized one with 413', async () => {
    const hub = createMemoryHub({ maxPayload: 4 });
    const a = device(hub, 'device-a');
    await expect(a.transport.publish('x', 'device-z')).rejects.toMatchObject({ status: 404 });
    await expect(a.transport.publish('12345')).rejects.toBeInstanceOf(PublishError);
  });

  it('lets a tap alter or drop payloads, and stops when removed', async () => {
    const hub = createMemoryHub();
    const a = device(hub, 'device-a');
    const b = device(hub, 'device-b');
    const untap = hub.tap((m) => (m.payload === 'good' ? 'tampered' : undefined));
    const undrop = hub.drop((m) => m.payload === 'lost');
    for (const p of ['good', 'lost', 'plain']) await a.transport.publish(p);
    untap();
    undrop();
    for (const p of ['good', 'lost']) await a.transport.publish(p);
    await hub.settled();
    const payloads = b.events.flatMap((e) => (e.type === 'message' ? [e.payload] : []));
    expect(payloads).toEqual(['tampered', 'plain', 'good', 'lost']);
  });

  it('cuts a device off and brings it back with a fresh members list', async () => {
    const hub = createMemoryHub();
    const a = device(hub, 'device-a');
    const b = device(hub, 'device-b');
    await hub.settled();
    hub.disconnect('device-b');
    await hub.settled();
    expect(a.events.at(-1)).toEqual({ type: 'leave', device: 'device-b' });
    expect(statuses(b.events).at(-1)).toBe('unreachable');
    await expect(b.transport.publish('x')).rejects.toMatchObject({ status: 0 });
    hub.reconnect('device-b');
    await hub.settled();
    expect(a.events.at(-1)).toEqual({ type: 'join', device: 'device-b' });
    expect(b.events.slice(-2)).toEqual([
      { type: 'status', status: 'open' },
      { type: 'members', devices: ['device-a'] },
    ]);
  });

  it('replaces an older connection of the same device and refuses a different key', async () => {
    const hub = createMemoryHub();
    const first = device(hub, 'device-a');
    const watcher = device(hub, 'device-b');
    await hub.settled();
    const second = device(hub, 'device-a');
    const impostor = device(hub, 'device-a', 'wrong-key');
    await hub.settled();
    expect(statuses(first.events)).toEqual(['open', 'replaced']);
    expect(statuses(second.events)).toEqual(['open']);
    expect(statuses(impostor.events)).toEqual(['refused']);
    expect(notStatus(watcher.events)).toEqual([{ type: 'members', devices: ['device-a'] }]);
  });

  it('answers full when the room has no place left', async () => {
    const hub = createMemoryHub({ maxDevices: 1 });
    device(hub, 'device-a');
    const b = device(hub, 'device-b');
    await hub.settled();
    expect(statuses(b.events)).toEqual(['full']);
  });

  it('sends leave on unsubscribe, says closed, then delivers nothing more', async () => {
    const hub = createMemoryHub();
    const a = device(hub, 'device-a');
    const b = device(hub, 'device-b');
    const sent = a.transport.publish('in flight');
    b.unsubscribe();
    await sent;
    await hub.settled();
    expect(b.events.at(-1)).toEqual({ type: 'status', status: 'closed' });
    expect(b.events.some((e) => e.type === 'message')).toBe(false);
    expect(a.events.at(-1)).toEqual({ type: 'leave', device: 'device-b' });
  });
});
