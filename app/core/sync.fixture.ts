// Helpers for the ClipSync tests: storage in memory, and devices wired to each other.

import { type HeldClip, isWhole } from './held-clip';
import type { PeerMessage } from './protocol';
import type { ClipStorage, SavedClips } from './saving';
import { memoryStore, type Store } from './storage';
import { ClipSync } from './sync';
import type { SyncLink, SyncOptions } from './sync-link';

export function memoryClipStorage(): ClipStorage & SavedClips & { saves: number } {
  /** Whole texts, as a disk keeps them however little of a clip memory holds. */
  const texts = new Map<string, string>();
  const storage = {
    history: [] as HeldClip[],
    outbox: [] as HeldClip[],
    deleted: [] as string[],
    saves: 0,
    load: async () => ({
      history: storage.history,
      outbox: storage.outbox,
      deleted: storage.deleted,
    }),
    save: async ({ history, outbox, deleted }: SavedClips) => {
      storage.saves++;
      storage.history = history;
      storage.outbox = outbox;
      storage.deleted = deleted;
      const kept = [...history, ...outbox];
      for (const clip of kept) if (isWhole(clip)) texts.set(clip.id, clip.text);
      return { stored: new Set(kept.map((clip) => clip.id)), unsaved: 0, full: false };
    },
    text: async (id: string) => texts.get(id),
  };
  return storage;
}

/** Every ClipSync the fixture made, so settle() can finish their work. */
const made = new Set<ClipSync>();

/** Two or more ClipSyncs wired directly, with a switch for who is reachable. */
export function network() {
  const nodes = new Map<string, ClipSync>();
  const online = new Set<string>();
  /** Pairs of online devices with no link between them, as "a\nb" both ways. */
  const cut = new Set<string>();
  const linked = (x: string, y: string) =>
    x !== y && online.has(x) && online.has(y) && !cut.has(`${x}\n${y}`);
  const sent: Array<{ from: string; to: string; message: PeerMessage }> = [];
  const linkFor = (self: string): SyncLink => ({
    reachable: () => [...online].filter((id) => linked(self, id)),
    send: async (to, message) => {
      if (!linked(self, to)) throw new Error('not connected');
      sent.push({ from: self, to, message });
      queueMicrotask(() => nodes.get(to)?.onMessage(self, structuredClone(message)));
    },
  });
  const add = async <S extends ClipStorage = ReturnType<typeof memoryClipStorage>>(
    id: string,
    storage: S = memoryClipStorage() as unknown as S,
    options: Partial<SyncOptions> = {},
  ) => {
    const sync = new ClipSync({
      selfId: id,
      selfName: () => `${id} name`,
      link: linkFor(id),
      storage,
      cap: 5,
      onChange: () => {},
      ...options,
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
  /** Takes a device off the network, as a closed tab or a lost link. */
  const disconnect = (id: string) => {
    online.delete(id);
  };
  /** Cuts the link between two online devices; each still reaches the others. */
  const cutLink = (x: string, y: string) => {
    cut.add(`${x}\n${y}`);
    cut.add(`${y}\n${x}`);
  };
  /** Mends a cut link without the exchange a new connection makes, as if it were done. */
  const mendLink = (x: string, y: string) => {
    cut.delete(`${x}\n${y}`);
    cut.delete(`${y}\n${x}`);
  };
  return { add, connect, disconnect, cutLink, mendLink, sent };
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

/** A disk of `capacity` characters of text that refuses, as browsers do, what does not fit. */
export function smallDisk(capacity: number): Store & { capacity: number } {
  const store = memoryStore();
  const used = new Map<string, number>();
  const disk = {
    ...store,
    capacity,
    write: async (puts: [string, unknown][], dels: string[]) => {
      const after = new Map(used);
      for (const key of dels) after.delete(key);
      for (const [key, value] of puts) after.set(key, JSON.stringify(value).length);
      const total = [...after.values()].reduce((sum, n) => sum + n, 0);
      if (total > disk.capacity)
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      await store.write(puts, dels);
      used.clear();
      for (const [key, n] of after) used.set(key, n);
    },
  };
  return disk;
}
