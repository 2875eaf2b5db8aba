import { describe, expect, it, vi } from 'vitest';
import { type HeldClip, held } from './held-clip';
import { relayKey } from './keys';
import { openRoom } from './room';
import type { ClipStorage, SavedClips } from './saving';
import type { Transport, TransportOptions } from './transport/types';

const saved: HeldClip = held({
  id: 'clip-0001',
  text: 'from last time',
  from: 'device-AAAAAAAAAAAAAAAA',
  fromName: 'Laptop',
  at: 1,
  stamp: 1,
});

/** Storage whose history comes off the disk only when released. */
function slowStorage(): ClipStorage & { release(): void } {
  let release = (): void => {};
  const ready = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    release,
    load: async (): Promise<SavedClips> => {
      await ready;
      return { history: [saved], outbox: [], deleted: [] };
    },
    save: async () => ({ stored: new Set(), unsaved: 0, full: false }),
    text: async () => undefined,
  };
}

function emptyStorage(): ClipStorage {
  return {
    load: async () => ({ history: [], outbox: [], deleted: [] }),
    save: async () => ({ stored: new Set(), unsaved: 0, full: false }),
    text: async () => undefined,
  };
}

function quietTransport(): Transport {
  return { maxPayload: 65_536, subscribe: () => () => {}, publish: async () => {} };
}

const identity = {
  id: 'device-BBBBBBBBBBBBBBBB',
  key: 'k'.repeat(32),
  secret: 's'.repeat(43),
  keyOrigins: [],
  name: 'Phone',
};

describe('opening a room', () => {
  it('says it is connecting once subscribed, before the history has loaded', async () => {
    const steps: string[] = [];
    const transport = (): Transport => ({
      maxPayload: 65_536,
      subscribe: () => {
        steps.push('subscribed');
        return () => {};
      },
      publish: async () => {},
    });
    const storage = slowStorage();
    const opening = openRoom({
      secret: new Uint8Array(16),
      relayUrl: 'http://relay.invalid',
      identity,
      transport,
      storage,
      onConnecting: () => steps.push('connecting'),
    });
    await vi.waitFor(() => expect(steps).toEqual(['subscribed', 'connecting']));
    storage.release();
    (await opening).close();
  });

  it('subscribes to the relay before the history has loaded, and first shows the saved history', async () => {
    let subscribed = false;
    const transport = (): Transport => ({
      maxPayload: 65_536,
      subscribe: () => {
        subscribed = true;
        return () => {};
      },
      publish: async () => {},
    });
    const storage = slowStorage();
    const opening = openRoom({
      secret: new Uint8Array(16),
      relayUrl: 'http://relay.invalid',
      identity,
      transport,
      storage,
    });
    // The history is still on the disk: it is released only after this.
    await vi.waitFor(() => expect(subscribed).toBe(true));
    storage.release();
    const room = await opening;
    expect(room.state.get().history.map((clip) => clip.text)).toEqual(['from last time']);
    room.close();
  });
});

describe('redraws', () => {
  it('show a change at once after a quiet spell, and within a frame while changes keep coming', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const room = await openRoom({
      secret: new Uint8Array(16),
      relayUrl: 'http://relay.invalid',
      identity,
      transport: quietTransport,
      storage: emptyStorage(),
    });
    try {
      const texts = () => room.state.get().history.map((clip) => clip.text);
      vi.advanceTimersByTime(1_000);
      void room.send('one');
      await Promise.resolve();
      expect(texts()).toEqual(['one']);
      void room.send('two');
      await Promise.resolve();
      expect(texts()).toEqual(['one']);
      vi.advanceTimersByTime(16);
      expect(texts().sort()).toEqual(['one', 'two']);
    } finally {
      vi.useRealTimers();
      room.close();
    }
  });

  it('show a clip sent here at the next frame, and at once when the page is hidden', async () => {
    const frames: Array<() => void> = [];
    const page = { visibilityState: 'visible' };
    vi.stubGlobal('requestAnimationFrame', (callback: () => void) => frames.push(callback));
    vi.stubGlobal('document', page);
    const room = await openRoom({
      secret: new Uint8Array(16),
      relayUrl: 'http://relay.invalid',
      identity,
      transport: quietTransport,
      storage: emptyStorage(),
    });
    try {
      const texts = () => room.state.get().history.map((clip) => clip.text);
      // Past the redraw throttle, so what is measured is the frame alone.
      await new Promise((resolve) => setTimeout(resolve, 20));
      void room.send('mine');
      await Promise.resolve();
      expect(texts()).toEqual([]);
      for (const frame of frames.splice(0)) frame();
      await Promise.resolve();
      expect(texts()).toEqual(['mine']);

      page.visibilityState = 'hidden';
      await new Promise((resolve) => setTimeout(resolve, 20));
      void room.send('while hidden');
      await Promise.resolve();
      expect(frames).toEqual([]);
      expect(texts()).toContain('while hidden');
    } finally {
      vi.unstubAllGlobals();
      room.close();
    }
  });
});

describe('relay keys', () => {
  it('shows each relay the key for its origin, not the identity key', async () => {
    const keys: string[] = [];
    const transport = (options: TransportOptions): Transport => {
      keys.push(options.deviceKey);
      return quietTransport();
    };
    for (const relayUrl of ['https://a.example/relay', 'https://b.example', 'https://a.example']) {
      const room = await openRoom({
        secret: new Uint8Array(16),
        relayUrl,
        identity,
        transport,
        storage: {
          load: async () => ({ history: [], outbox: [], deleted: [] }),
          save: async () => ({ stored: new Set<string>(), unsaved: 0, full: false }),
          text: async () => undefined,
        },
      });
      room.close();
    }
    expect(keys[0]).toBe(await relayKey(identity, 'https://a.example'));
    expect(keys[2]).toBe(keys[0]);
    expect(keys[1]).not.toBe(keys[0]);
    expect(keys).not.toContain(identity.key);
  });
});

describe('what the transports drop', () => {
  it('is counted with what the room dropped, and shown when it happens', async () => {
    let drops = 0;
    let drop = (): void => {};
    const transport = (options: TransportOptions): Transport => {
      drop = () => {
        drops += 1;
        options.onDrop?.('data is not JSON');
      };
      return {
        ...quietTransport(),
        get dropped() {
          return drops;
        },
      };
    };
    const room = await openRoom({
      secret: new Uint8Array(16),
      relayUrl: 'http://relay.invalid',
      identity,
      transport,
      storage: emptyStorage(),
    });
    try {
      expect(room.state.get().dropped).toBe(0);
      drop();
      drop();
      await vi.waitFor(() => expect(room.state.get().dropped).toBe(2));
    } finally {
      room.close();
    }
  });
});
