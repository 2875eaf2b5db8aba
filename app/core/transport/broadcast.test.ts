import { afterEach, describe, expect, it } from 'vitest';
import {
  type BroadcastTransportOptions,
  channelName,
  createBroadcastTransport,
  parseEnvelope,
} from './broadcast';
import type { TransportEvent } from './types';

let roomCount = 0;
const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

/** A fresh room per test so tests never hear each other. */
const newRoom = () => `broadcast-test-room-${++roomCount}-${Date.now()}`;

function tab(roomId: string, deviceId: string, extra: Partial<BroadcastTransportOptions> = {}) {
  const transport = createBroadcastTransport({
    roomId,
    deviceId,
    deviceKey: 'unused-key',
    ...extra,
  });
  const events: TransportEvent[] = [];
  const unsubscribe = transport.subscribe((e) => events.push(e));
  stops.push(unsubscribe);
  return { transport, events, unsubscribe };
}

/** Waits until the condition holds, polling on the event loop (channels deliver as tasks). */
async function until(condition: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const has = (events: TransportEvent[], wanted: TransportEvent) =>
  events.some((e) => JSON.stringify(e) === JSON.stringify(wanted));

describe('broadcast transport', () => {
  it('opens at once with no members, and a late tab learns the earlier one', async () => {
    const room = newRoom();
    const a = tab(room, 'tab-aaaaaaaa');
    await until(() => a.events.length === 2);
    expect(a.events).toEqual([
      { type: 'status', status: 'open' },
      { type: 'members', devices: [] },
    ]);
    const b = tab(room, 'tab-bbbbbbbb');
    await until(() => has(b.events, { type: 'join', device: 'tab-aaaaaaaa' }));
    await until(() => has(a.events, { type: 'join', device: 'tab-bbbbbbbb' }));
  });

  it('says bye on unsubscribe, so the others see the tab leave, and then closed', async () => {
    const room = newRoom();
    const a = tab(room, 'tab-aaaaaaaa');
    const b = tab(room, 'tab-bbbbbbbb');
    await until(() => has(a.events, { type: 'join', device: 'tab-bbbbbbbb' }));
    b.unsubscribe();
    expect(b.events.at(-1)).toEqual({ type: 'status', status: 'closed' });
    await until(() => has(a.events, { type: 'leave', device: 'tab-bbbbbbbb' }));
    await expect(b.transport.publish('x')).rejects.toMatchObject({ status: 0 });
  });

  it('says bye when told the page may be going, and stops listening once unsubscribed', async () => {
    const room = newRoom();
    let leave = (): void => {};
    let listening = 0;
    const leaving = (tell: () => void) => {
      leave = tell;
      listening++;
      return () => listening--;
    };
    const a = tab(room, 'tab-aaaaaaaa');
    const b = tab(room, 'tab-bbbbbbbb', { leaving });
    await until(() => has(a.events, { type: 'join', device: 'tab-bbbbbbbb' }));
    expect(listening).toBe(1);
    leave();
    await until(() => has(a.events, { type: 'leave', device: 'tab-bbbbbbbb' }));
    // Still subscribed: a page shown again from the cache says hello with its next beat.
    expect(b.events.at(-1)).not.toEqual({ type: 'status', status: 'closed' });
    b.unsubscribe();
    expect(listening).toBe(0);
  });

  it('expires a tab that went silent without a bye, as a crashed tab does', async () => {
    const room = newRoom();
    const a = tab(room, 'tab-aaaaaaaa', { heartbeatMs: 10, expireMs: 40 });
    const crashed = new BroadcastChannel(channelName(room));
    stops.push(() => crashed.close());
    crashed.postMessage({ k: 'hello', from: 'tab-crashed1' });
    await until(() => has(a.events, { type: 'join', device: 'tab-crashed1' }));
    await until(() => has(a.events, { type: 'leave', device: 'tab-crashed1' }));
  });

  it('drops, counts and reports what other scripts post on the channel', async () => {
    const room = newRoom();
    const reported: string[] = [];
    const a = tab(room, 'tab-aaaaaaaa', { onDrop: (reason) => reported.push(reason) });
    const stranger = new BroadcastChannel(channelName(room));
    stops.push(() => stranger.close());
    for (const junk of [
      'hi',
      { k: 'msg', from: 'tab-bbbbbbbb' },
      { k: 'nope', from: 'tab-bbbbbbbb' },
    ]) {
      stranger.postMessage(junk);
    }
    await until(() => a.transport.dropped === 3);
    expect(reported).toHaveLength(3);
    expect(a.events.filter((e) => e.type !== 'status' && e.type !== 'members')).toEqual([]);
  });

  it('validates envelopes field by field', () => {
    expect(parseEnvelope({ k: 'msg', from: 'tab-aaaaaaaa', payload: 'p' })).toEqual({
      k: 'msg',
      from: 'tab-aaaaaaaa',
      to: undefined,
      payload: 'p',
    });
    expect(parseEnvelope({ k: 'beat', from: 'tab-aaaaaaaa', to: 7 })).toBeUndefined();
    expect(parseEnvelope({ k: 'beat', from: 'bad id!' })).toBeUndefined();
    expect(parseEnvelope(null)).toBeUndefined();
  });
});
