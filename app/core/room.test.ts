import { describe, expect, it, vi } from 'vitest';
import type { Clip } from './protocol';
import { openRoom } from './room';
import type { ClipStorage, SavedClips } from './sync';
import type { Transport } from './transport/types';

const saved: Clip = {
  id: 'clip-0001',
  text: 'from last time',
  from: 'device-AAAAAAAAAAAAAAAA',
  fromName: 'Laptop',
  at: 1,
};

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
      return { history: [saved], outbox: [] };
    },
    save: async () => {},
  };
}

describe('opening a room', () => {
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
      identity: { id: 'device-BBBBBBBBBBBBBBBB', key: 'k'.repeat(32), name: 'Phone' },
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
