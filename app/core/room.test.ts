import { describe, expect, it, vi } from 'vitest';
import { createRelay } from '../../relay/server';
import { type HeldClip, held } from './held-clip';
import { relayKey } from './keys';
import { openRoom } from './room';
import type { ClipStorage, SavedClips } from './saving';
import type { RoomChange } from './session-types';
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

describe('changes', () => {
  it('names a clip sent here as sent, whatever its sending waits on, and other changes as state', async () => {
    const room = await openRoom({
      secret: new Uint8Array(16),
      relayUrl: 'http://relay.invalid',
      identity,
      transport: quietTransport,
      storage: emptyStorage(),
    });
    const changes: RoomChange[] = [];
    const stop = room.onChange((change) => changes.push(change));
    try {
      const sent = await room.send('mine');
      expect(changes[0]).toBe('sent');
      expect(room.state.get().history.map((clip) => clip.text)).toEqual(['mine']);
      changes.length = 0;
      await room.deleteClip(sent.ok ? sent.id : '');
      expect(changes).toContain('state');
      expect(changes).not.toContain('sent');
      expect(room.state.get().history).toEqual([]);
    } finally {
      stop();
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

describe('state', () => {
  it('tells its subscribers every change at once, with what the room shows then', async () => {
    const room = await openRoom({
      secret: new Uint8Array(16),
      relayUrl: 'http://relay.invalid',
      identity,
      transport: quietTransport,
      storage: emptyStorage(),
    });
    const seen: string[][] = [];
    const stop = room.state.subscribe((state) => seen.push(state.history.map((c) => c.text)));
    try {
      const sending = room.send('mine');
      expect(seen).toEqual([['mine']]);
      await sending;
      stop();
      await room.send('unheard');
      expect(seen.at(-1)).toEqual(['mine']);
    } finally {
      room.close();
    }
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
      const changes: RoomChange[] = [];
      room.onChange((change) => changes.push(change));
      expect(room.state.get().dropped).toBe(0);
      drop();
      drop();
      expect(changes).toEqual(['state', 'state']);
      expect(room.state.get().dropped).toBe(2);
    } finally {
      room.close();
    }
  });
});

describe('the servers links use', () => {
  it('come from the first event of the relay stream, with no request of their own', async () => {
    const relay = createRelay({
      log: () => {},
      stun: ['stun:10.200.0.1:3478'],
      turn: ['turn:10.200.0.1:3478'],
      turnSecret: 's3',
    });
    const { port } = await relay.listen(0, '127.0.0.1');
    const asked = vi.spyOn(globalThis, 'fetch');
    const room = await openRoom({
      secret: new Uint8Array(16),
      relayUrl: `http://127.0.0.1:${port}`,
      identity,
      storage: emptyStorage(),
    });
    try {
      await vi.waitFor(() => expect(room.ice.get().asking).toBe(false), { timeout: 3_000 });
      expect(room.ice.get().servers).toEqual([
        { urls: ['stun:10.200.0.1:3478'], from: 'relay' },
        { urls: ['turn:10.200.0.1:3478'], from: 'relay' },
      ]);
      // A moment for an ask that should not come.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const urls = asked.mock.calls.map(([input]) => String(input));
      expect(urls.some((url) => url.includes('/events'))).toBe(true);
      expect(urls.filter((url) => url.endsWith('/ice'))).toEqual([]);
    } finally {
      asked.mockRestore();
      room.close();
      relay.server.closeAllConnections();
      await relay.close();
    }
  });
});
