// For tests only: ClipSyncs wired directly to one another, and storage in memory.

import type { Clip, PeerMessage } from './protocol';
import { type ClipStorage, ClipSync, type SavedClips, type SyncLink } from './sync';

export function memoryClipStorage(): ClipStorage & SavedClips & { saves: number } {
  const storage = {
    history: [] as Clip[],
    outbox: [] as Clip[],
    saves: 0,
    load: async () => ({ history: storage.history, outbox: storage.outbox }),
    save: async ({ history, outbox }: SavedClips) => {
      storage.saves++;
      storage.history = history;
      storage.outbox = outbox;
    },
  };
  return storage;
}

/** Every ClipSync the fixture made, so settle() can finish their work. */
const made = new Set<ClipSync>();

/** Two or more ClipSyncs wired directly, with a switch for who is reachable. */
export function network() {
  const nodes = new Map<string, ClipSync>();
  const online = new Set<string>();
  const sent: Array<{ from: string; to: string; message: PeerMessage }> = [];
  const linkFor = (self: string): SyncLink => ({
    reachable: () => (online.has(self) ? [...online].filter((id) => id !== self) : []),
    send: async (to, message) => {
      if (!online.has(self) || !online.has(to)) throw new Error('not connected');
      sent.push({ from: self, to, message });
      queueMicrotask(() => nodes.get(to)?.onMessage(self, structuredClone(message)));
    },
  });
  const add = async (id: string, storage = memoryClipStorage()) => {
    const sync = new ClipSync({
      selfId: id,
      selfName: () => `${id} name`,
      link: linkFor(id),
      storage,
      cap: 5,
      onChange: () => {},
    });
    await sync.load();
    nodes.set(id, sync);
    made.add(sync);
    return { sync, storage };
  };
  /** Brings a device online and tells everyone online that it is reachable. */
  const connect = (id: string) => {
    online.add(id);
    for (const other of online) {
      if (other === id) continue;
      nodes.get(other)?.onReachable(id);
      nodes.get(id)?.onReachable(other);
    }
  };
  return { add, connect, sent };
}

/**
 * Lets every exchange run to its end: messages (microtasks), receipts (a task later) and
 * the saves they cause, written at once rather than waited for, however slow the machine.
 */
export async function settle(): Promise<void> {
  for (let round = 0; round < 8; round++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    await Promise.all([...made].map((sync) => sync.flush()));
  }
}
export const texts = (sync: ClipSync) => sync.view().map((clip) => clip.text);
