import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createRelay, type RelayOptions } from '../../../relay/server';
import { freePort } from '../../../scripts/free-port.mjs';
import {
  backoffDelay,
  DORMANT_AFTER_MS,
  DORMANT_RETRY_MS,
  MAX_EVENT_CHARS,
  type SetTimer,
  type WakeReason,
  type WakeSource,
} from './relay-stream';
import { createRelayTransport, RELAY_MAX_PAYLOAD, type RelayTransportOptions } from './sse';
import { PublishError, type TransportEvent } from './types';

const ROOM = 'sse-test-room-0123456789';
const quiet = () => {};

/** Timers the test fires by hand; the watchdog's 45 s timer is never fired unless asked. */
function manualTimers() {
  const pending: { fn: () => void; ms: number }[] = [];
  const setTimer: SetTimer = (fn, ms) => {
    const timer = { fn, ms };
    pending.push(timer);
    return () => {
      const at = pending.indexOf(timer);
      if (at >= 0) pending.splice(at, 1);
    };
  };
  /** Runs the earliest pending timer shorter than the watchdog; returns its delay. */
  function fireRetry(): number {
    const timer = pending.find((t) => t.ms < 45_000);
    if (!timer) throw new Error('no retry pending');
    pending.splice(pending.indexOf(timer), 1);
    timer.fn();
    return timer.ms;
  }
  return { pending, setTimer, fireRetry };
}

async function until(condition: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function withRelay(
  test: (url: string, streams: Map<string, IncomingMessage>) => Promise<void>,
  options: RelayOptions = {},
): Promise<void> {
  const relay = createRelay({ log: quiet, ...options });
  // The latest event-stream request of each device, so a test can cut it server-side.
  const streams = new Map<string, IncomingMessage>();
  relay.server.on('request', (req: IncomingMessage) => {
    const device = new URL(req.url ?? '/', 'http://x').searchParams.get('device');
    if (req.url?.includes('/events') && device) streams.set(device, req);
  });
  const { port } = await relay.listen(0, '127.0.0.1');
  try {
    await test(`http://127.0.0.1:${port}`, streams);
  } finally {
    const closed = relay.close();
    // Every transport is stopped by now; a pooled keep-alive socket need not hold the test for 2 s.
    relay.server.closeAllConnections();
    await closed;
  }
}

/** A wake source the test tells by hand. */
function wakeByHand() {
  const listeners = new Set<(reason: WakeReason) => void>();
  const source: WakeSource = (wake) => {
    listeners.add(wake);
    return () => listeners.delete(wake);
  };
  return {
    source,
    tell: (reason: WakeReason) => {
      for (const wake of listeners) wake(reason);
    },
    listening: () => listeners.size,
  };
}

function device(url: string, id: string, extra: Partial<RelayTransportOptions> = {}) {
  const fetches: string[] = [];
  const transport = createRelayTransport({
    roomId: ROOM,
    deviceId: id,
    deviceKey: `key-of-${id}-0123456789`,
    relayUrl: url,
    fetch: (input, init) => {
      fetches.push(String(input));
      return fetch(input, init);
    },
    ...extra,
  });
  const events: TransportEvent[] = [];
  const unsubscribe = transport.subscribe((e) => events.push(e));
  return { transport, events, unsubscribe, fetches };
}

const statuses = (events: TransportEvent[]) =>
  events.flatMap((e) => (e.type === 'status' ? [e.status] : []));
const payloads = (events: TransportEvent[]) =>
  events.flatMap((e) => (e.type === 'message' ? [e.payload] : []));
const has = (events: TransportEvent[], wanted: TransportEvent) =>
  events.some((e) => JSON.stringify(e) === JSON.stringify(wanted));

describe('relay transport against the real relay', () => {
  it('lets two devices see each other and exchange a broadcast and a targeted message', () =>
    withRelay(async (url) => {
      const a = device(url, 'device-a');
      await until(() => has(a.events, { type: 'members', devices: [] }));
      const b = device(url, 'device-b');
      await until(() => has(b.events, { type: 'members', devices: ['device-a'] }));
      await until(() => has(a.events, { type: 'join', device: 'device-b' }));
      expect(statuses(b.events)).toEqual(['connecting', 'open']);
      await a.transport.publish('to everyone');
      await b.transport.publish('to a only', 'device-a');
      await until(() => payloads(b.events).length === 1 && payloads(a.events).length === 1);
      expect(b.events.at(-1)).toEqual({
        type: 'message',
        from: 'device-a',
        payload: 'to everyone',
      });
      expect(a.events.at(-1)).toEqual({ type: 'message', from: 'device-b', payload: 'to a only' });
      b.unsubscribe();
      await until(() => has(a.events, { type: 'leave', device: 'device-b' }));
      a.unsubscribe();
    }));

  it('delivers the largest payload a device may send within the event limit', () =>
    withRelay(async (url) => {
      const a = device(url, 'device-a');
      const b = device(url, 'device-b');
      await until(() => has(a.events, { type: 'join', device: 'device-b' }));
      const largest = 'L'.repeat(RELAY_MAX_PAYLOAD);
      await a.transport.publish(largest, 'device-b');
      await until(() => payloads(b.events).length === 1);
      expect(payloads(b.events)).toEqual([largest]);
      expect(b.transport.dropped).toBe(0);
      a.unsubscribe();
      b.unsubscribe();
    }));

  it('resumes with Last-Event-ID after the relay drops the stream and gets the missed message once', () =>
    withRelay(async (url, streams) => {
      const a = device(url, 'device-a');
      const timers = manualTimers();
      const b = device(url, 'device-b', { setTimer: timers.setTimer });
      await until(() => has(a.events, { type: 'join', device: 'device-b' }));
      streams.get('device-b')?.socket.destroy();
      await until(() => statuses(b.events).at(-1) === 'unreachable');
      await a.transport.publish('while you were away');
      timers.fireRetry();
      await until(() => payloads(b.events).length === 1);
      expect(streams.get('device-b')?.headers['last-event-id']).toMatch(/^.+\.\d+$/);
      expect(statuses(b.events).slice(-2)).toEqual(['unreachable', 'open']);
      await a.transport.publish('and now');
      await until(() => payloads(b.events).length === 2);
      expect(payloads(b.events)).toEqual(['while you were away', 'and now']);
      a.unsubscribe();
      b.unsubscribe();
    }));

  it('says refused in the relay words on 409, asks again rarely or for a person, and gets in once the conflict is gone', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const stopRelay = async (relay: ReturnType<typeof createRelay>) => {
      const closed = relay.close();
      relay.server.closeAllConnections();
      await closed;
    };
    let relay = createRelay({ log: quiet });
    await relay.listen(port, '127.0.0.1');
    const a = device(url, 'device-a');
    await until(() => statuses(a.events).includes('open'));
    const timers = manualTimers();
    const wake = wakeByHand();
    const refusedBy = device(url, 'device-a', {
      deviceKey: 'another-key-0123456789',
      setTimer: timers.setTimer,
      wake: wake.source,
    });
    try {
      await until(() => statuses(refusedBy.events).includes('refused'));
      expect(refusedBy.events.at(-1)).toEqual({
        type: 'status',
        status: 'refused',
        detail: 'device id is bound to another key',
      });
      expect(timers.pending.map((timer) => timer.ms)).toEqual([DORMANT_RETRY_MS]);
      // A person here asks again at once; still bound to the other key, still refused.
      wake.tell('person');
      timers.fireRetry();
      await until(() => refusedBy.fetches.length === 2);
      await until(() => statuses(refusedBy.events).filter((s) => s === 'refused').length === 2);
      // The relay restarts, its bindings gone: the next try gets in, without a reload.
      a.unsubscribe();
      await stopRelay(relay);
      relay = createRelay({ log: quiet });
      await relay.listen(port, '127.0.0.1');
      wake.tell('person');
      // A socket pooled from before the restart may fail the first try: the backoff's next gets in.
      for (let tries = 0; !statuses(refusedBy.events).includes('open') && tries < 3; tries++) {
        const seen = refusedBy.events.length;
        timers.fireRetry();
        await until(() => refusedBy.events.length > seen);
      }
      expect(statuses(refusedBy.events).slice(0, 3)).toEqual(['connecting', 'refused', 'refused']);
      expect(statuses(refusedBy.events).at(-1)).toBe('open');
    } finally {
      refusedBy.unsubscribe();
      await stopRelay(relay);
    }
  });

  it('stops the older stream with replaced when the same device subscribes again', () =>
    withRelay(async (url) => {
      const timers = manualTimers();
      const first = device(url, 'device-a', { setTimer: timers.setTimer });
      await until(() => statuses(first.events).includes('open'));
      const second = device(url, 'device-a');
      await until(() => statuses(first.events).includes('replaced'));
      await until(() => statuses(second.events).includes('open'));
      expect(timers.pending).toEqual([]);
      expect(first.fetches).toHaveLength(1);
      second.unsubscribe();
    }));

  it('says full when the room has no place, and looks again every 30 s', () =>
    withRelay(
      async (url) => {
        const a = device(url, 'device-a');
        await until(() => statuses(a.events).includes('open'));
        const timers = manualTimers();
        const b = device(url, 'device-b', { setTimer: timers.setTimer });
        await until(() => statuses(b.events).includes('full'));
        expect(b.events.at(-1)).toEqual({ type: 'status', status: 'full', detail: 'room is full' });
        expect(timers.pending.map((t) => t.ms)).toEqual([30_000]);
        a.unsubscribe();
        // The relay notices a's leave a moment later; look again until the place is free.
        await until(() => {
          if (timers.pending.some((t) => t.ms === 30_000)) timers.fireRetry();
          return statuses(b.events).includes('open');
        });
        expect(statuses(b.events).filter((s) => s === 'connecting')).toHaveLength(1);
        b.unsubscribe();
      },
      { maxDevicesPerRoom: 1 },
    ));

  it('waits out one 429 on publish, then reports the next with its Retry-After', () => {
    let clock = 1_000_000;
    let patient = true;
    const waited: number[] = [];
    // The relay's clock moves only when the transport waits patiently; the watchdog never fires.
    const setTimer: SetTimer = (fn, ms) => {
      if (ms >= 45_000) return () => {};
      waited.push(ms);
      if (patient) clock += ms;
      fn();
      return () => {};
    };
    return withRelay(
      async (url) => {
        const a = device(url, 'device-a', { setTimer });
        await until(() => statuses(a.events).includes('open'));
        await a.transport.publish('one');
        await a.transport.publish('two, after waiting');
        expect(waited).toEqual([1_000]);
        patient = false;
        const error = await a.transport.publish('three').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PublishError);
        expect(error).toMatchObject({
          status: 429,
          message: 'too many messages; slow down',
          retryAfterMs: 1_000,
        });
        a.unsubscribe();
      },
      { now: () => clock, publishBurst: 1, publishRate: 1 },
    );
  });

  it('reports unreachable and retries with growing delays when nothing listens', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const timers = manualTimers();
    const a = device(url, 'device-a', { setTimer: timers.setTimer, random: () => 0.999 });
    const delays: number[] = [];
    for (let i = 1; i <= 4; i++) {
      await until(() => statuses(a.events).filter((s) => s === 'unreachable').length === i);
      delays.push(timers.fireRetry());
    }
    expect(delays).toEqual([499, 999, 1998, 3996]);
    a.unsubscribe();
    expect(timers.pending).toEqual([]);
    expect(a.events.at(-1)).toEqual({ type: 'status', status: 'closed' });
  });

  it('keeps saying unreachable through retries bound to fail, until the relay opens again', async () => {
    const port = await freePort();
    const timers = manualTimers();
    const a = device(`http://127.0.0.1:${port}`, 'device-a', { setTimer: timers.setTimer });
    for (let i = 1; i <= 3; i++) {
      await until(() => statuses(a.events).filter((s) => s === 'unreachable').length === i);
      if (i < 3) timers.fireRetry();
    }
    const relay = createRelay({ log: quiet });
    await relay.listen(port, '127.0.0.1');
    try {
      timers.fireRetry();
      await until(() => statuses(a.events).includes('open'));
      expect(statuses(a.events)).toEqual([
        'connecting',
        'unreachable',
        'unreachable',
        'unreachable',
        'open',
      ]);
      a.unsubscribe();
    } finally {
      const closed = relay.close();
      relay.server.closeAllConnections();
      await closed;
    }
  });

  it('tries again at once when the browser says it is back online', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const wake = wakeByHand();
    const timers = manualTimers();
    const a = device(url, 'device-a', {
      setTimer: timers.setTimer,
      random: () => 0.999,
      wake: wake.source,
    });
    await until(() => statuses(a.events).includes('unreachable'));
    expect(timers.pending.map((t) => t.ms)).toEqual([499]);
    wake.tell('online');
    expect(timers.pending.map((t) => t.ms)).toEqual([0]);
    a.unsubscribe();
    expect(wake.listening()).toBe(0);
    expect(timers.pending).toEqual([]);
  });

  it('after failing for minutes it tries only every 5 minutes, and wakes when a person acts', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const wake = wakeByHand();
    let time = 0;
    const timers = manualTimers();
    const a = device(url, 'device-a', {
      setTimer: timers.setTimer,
      random: () => 0.999,
      now: () => time,
      wake: wake.source,
    });
    const failures = (n: number) =>
      until(() => statuses(a.events).filter((s) => s === 'unreachable').length === n);
    await failures(1);
    // A touch while the stream still retries quickly changes nothing.
    wake.tell('person');
    expect(timers.pending.map((t) => t.ms)).toEqual([499]);
    time += DORMANT_AFTER_MS;
    timers.fireRetry();
    await failures(2);
    expect(timers.pending.map((t) => t.ms)).toEqual([DORMANT_RETRY_MS]);
    wake.tell('person');
    expect(timers.pending.map((t) => t.ms)).toEqual([0]);
    timers.pending[0]?.fn();
    timers.pending.splice(0, 1);
    await failures(3);
    expect(timers.pending.map((t) => t.ms)).toEqual([DORMANT_RETRY_MS]);
    a.unsubscribe();
    expect(timers.pending).toEqual([]);
  });

  it('stops everything on unsubscribe: the stream, the timers and the events', () =>
    withRelay(async (url) => {
      const a = device(url, 'device-a');
      const timers = manualTimers();
      const b = device(url, 'device-b', { setTimer: timers.setTimer });
      await until(() => has(a.events, { type: 'join', device: 'device-b' }));
      b.unsubscribe();
      expect(b.events.at(-1)).toEqual({ type: 'status', status: 'closed' });
      expect(timers.pending).toEqual([]);
      await until(() => has(a.events, { type: 'leave', device: 'device-b' }));
      await a.transport.publish('too late');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(b.events.at(-1)).toEqual({ type: 'status', status: 'closed' });
      a.unsubscribe();
    }));
});

describe('relay transport without a relay', () => {
  const stream = (text: string) => () => Promise.resolve(new Response(text));

  it('drops and counts malformed events without stopping the stream', async () => {
    const dropped: string[] = [];
    const timers = manualTimers();
    const transport = createRelayTransport({
      roomId: ROOM,
      deviceId: 'device-a',
      deviceKey: 'key-0123456789abcdef',
      relayUrl: 'http://127.0.0.1:9',
      fetch: stream(
        'event: members\ndata: {"devices":[]}\n\nevent: join\ndata: {nope\n\n' +
          'event: mystery\ndata: {}\n\nevent: join\ndata: {"device":"device-b"}\n\n',
      ),
      setTimer: timers.setTimer,
      onDrop: (reason) => dropped.push(reason),
    });
    const events: TransportEvent[] = [];
    const stop = transport.subscribe((e) => events.push(e));
    await until(() => has(events, { type: 'join', device: 'device-b' }));
    expect(transport.dropped).toBe(2);
    expect(dropped).toEqual(['join: data is not JSON', 'unknown event "mystery"']);
    stop();
  });

  it('drops and counts an event longer than the relay could send, then reads on', async () => {
    const dropped: string[] = [];
    const timers = manualTimers();
    const huge = `{"from":"device-b","payload":"${'p'.repeat(MAX_EVENT_CHARS)}"}`;
    const transport = createRelayTransport({
      roomId: ROOM,
      deviceId: 'device-a',
      deviceKey: 'key-0123456789abcdef',
      relayUrl: 'http://127.0.0.1:9',
      fetch: stream(
        `event: members\ndata: {"devices":[]}\n\nevent: message\ndata: ${huge}\n\n` +
          'event: join\ndata: {"device":"device-b"}\n\n',
      ),
      setTimer: timers.setTimer,
      onDrop: (reason) => dropped.push(reason),
    });
    const events: TransportEvent[] = [];
    const stop = transport.subscribe((e) => events.push(e));
    await until(() => has(events, { type: 'join', device: 'device-b' }));
    expect(payloads(events)).toEqual([]);
    expect(transport.dropped).toBe(1);
    expect(dropped).toEqual([`an event longer than ${MAX_EVENT_CHARS} characters`]);
    stop();
  });

  it('aborts a stream that stays silent past the watchdog and reconnects', async () => {
    const timers = manualTimers();
    // A stream that never speaks and, like fetch's, errors when its request is aborted.
    const silent = (signal?: AbortSignal | null) =>
      new ReadableStream({
        start: (c) => signal?.addEventListener('abort', () => c.error(signal.reason)),
      });
    const transport = createRelayTransport({
      roomId: ROOM,
      deviceId: 'device-a',
      deviceKey: 'key-0123456789abcdef',
      relayUrl: 'http://127.0.0.1:9',
      fetch: async (_input, init) => new Response(silent(init?.signal)),
      setTimer: timers.setTimer,
    });
    const events: TransportEvent[] = [];
    const stop = transport.subscribe((e) => events.push(e));
    await until(() => timers.pending.some((t) => t.ms === 45_000));
    timers.pending.find((t) => t.ms === 45_000)?.fn();
    await until(() => statuses(events).includes('unreachable'));
    expect(events.at(-1)).toEqual({
      type: 'status',
      status: 'unreachable',
      detail: 'the relay went silent',
    });
    stop();
  });

  it('refuses a payload over the limit before sending it', async () => {
    const transport = createRelayTransport({
      roomId: ROOM,
      deviceId: 'device-a',
      deviceKey: 'key-0123456789abcdef',
      relayUrl: 'http://127.0.0.1:9',
      fetch: () => Promise.reject(new Error('must not be called')),
    });
    await expect(transport.publish('x'.repeat(RELAY_MAX_PAYLOAD + 1))).rejects.toMatchObject({
      status: 413,
    });
    await expect(transport.publish('x')).rejects.toMatchObject({ status: 0 });
  });
});

describe('backoff', () => {
  it('doubles the ceiling per attempt up to 30 s, jitters below it, and honours a minimum', () => {
    const top = () => 0.999999;
    expect([0, 1, 2, 3, 6, 7, 20].map((n) => backoffDelay(n, top))).toEqual([
      499, 999, 1999, 3999, 29_999, 29_999, 29_999,
    ]);
    expect(backoffDelay(5, () => 0)).toBe(0);
    expect(backoffDelay(0, () => 0.5, 2_000)).toBe(2_000);
  });
});
