// A room's history and outbox on disk, one record per clip, so a change writes only what
// changed: a clip once when it arrives, and a small index of ids each time.

import { type Clip, parsePeerMessage } from './protocol';
import { appStore, type Store } from './storage';
import type { ClipStorage, SavedClips } from './sync';

interface ClipIndex {
  /** Newest first, as ClipSync keeps it. */
  history: string[];
  /** Oldest first, the order to send in. */
  outbox: string[];
}

const indexKey = (code: string) => `clips/${code}`;
const clipPrefix = (code: string) => `clip/${code}/`;
const clipKey = (code: string, id: string) => `${clipPrefix(code)}${id}`;
// Earlier versions kept each list whole under one key; read once, then replaced.
const legacyKeys = (code: string) => [`history/${code}`, `outbox/${code}`];

/** A room's clips as ClipSync keeps them. */
export function roomClipStorage(code: string, store: Store = appStore()): ClipStorage {
  /** Ids whose record is on disk once the writes issued so far land. */
  let stored = new Set<string>();
  let legacy = false;

  return {
    async load() {
      const index = readIndex(await store.get<unknown>(indexKey(code)));
      if (!index) {
        const [history, outbox] = (await store.getMany(legacyKeys(code))).map(readClips);
        legacy = true;
        return { history: history ?? [], outbox: outbox ?? [] };
      }
      const ids = [...new Set([...index.history, ...index.outbox])];
      const records = await store.getMany(ids.map((id) => clipKey(code, id)));
      const byId = new Map<string, Clip>();
      for (const record of records) {
        const clip = readClip(record);
        if (clip) byId.set(clip.id, clip);
      }
      stored = new Set(byId.keys());
      const pick = (list: string[]) => list.flatMap((id) => byId.get(id) ?? []);
      return { history: pick(index.history), outbox: pick(index.outbox) };
    },

    save({ history, outbox }: SavedClips) {
      const kept = new Map<string, Clip>();
      for (const clip of [...history, ...outbox]) kept.set(clip.id, clip);
      const puts: [string, unknown][] = [];
      for (const [id, clip] of kept) if (!stored.has(id)) puts.push([clipKey(code, id), clip]);
      const dels = [...stored].filter((id) => !kept.has(id)).map((id) => clipKey(code, id));
      if (legacy) dels.push(...legacyKeys(code));
      const index: ClipIndex = {
        history: history.map((clip) => clip.id),
        outbox: outbox.map((clip) => clip.id),
      };
      puts.push([indexKey(code), index]);
      stored = new Set(kept.keys());
      legacy = false;
      return store.write(puts, dels).catch((error: unknown) => {
        // Nothing of it landed: the next save writes every record again. Records it
        // meant to delete stay behind, unlisted, until the room is forgotten.
        stored = new Set();
        throw error;
      });
    },
  };
}

/** Deletes a room's clips, index and records, including any left unlisted. */
export async function forgetRoomClips(code: string, store: Store = appStore()): Promise<void> {
  const prefix = clipPrefix(code);
  const records = (await store.keys()).filter((key) => key.startsWith(prefix));
  const index = readIndex(await store.get<unknown>(indexKey(code)));
  const listed = index ? [...index.history, ...index.outbox].map((id) => clipKey(code, id)) : [];
  const all = [...new Set([...records, ...listed])];
  await store.write([], [indexKey(code), ...legacyKeys(code), ...all]);
}

function readIndex(saved: unknown): ClipIndex | null {
  const index = saved as Partial<ClipIndex> | null | undefined;
  const ids = (list: unknown) =>
    Array.isArray(list) ? list.filter((id): id is string => typeof id === 'string') : null;
  const history = ids(index?.history);
  const outbox = ids(index?.outbox);
  return history && outbox ? { history, outbox } : null;
}

function readClips(saved: unknown): Clip[] {
  return Array.isArray(saved) ? saved.flatMap((value) => readClip(value) ?? []) : [];
}

/** Checked, since an older version of the app may have written it. */
function readClip(saved: unknown): Clip | null {
  const message = parsePeerMessage({ t: 'clip', clip: saved });
  return message?.t === 'clip' ? message.clip : null;
}
