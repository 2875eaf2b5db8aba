// A room's history, outbox and deleted ids on disk, as one device (tab) keeps them: each
// device writes under its own name, so two tabs of a browser never overwrite each other.
// Each clip is a record of its own, written once; a large clip's record holds its start and
// its whole text is a second record, read only when needed. A write that fails is tried
// again at the next save, and the index lists only what is really on disk.

import { field, isRecord } from './fields';
import { type HeldClip, isWhole, thin } from './held-clip';
import { MAX_CLIP_CHARS, parsePeerMessage } from './protocol';
import type { ClipStorage, SavedClips, SaveReport } from './saving';
import { appStore, type Store } from './storage';

interface ClipIndex {
  /** Newest first, as ClipSync keeps it. */
  history: string[];
  /** Oldest first, the order to send in. */
  outbox: string[];
  /** Ids of deleted clips, oldest first. */
  deleted: string[];
}

// Earlier versions kept one index per room for every tab: read once, then replaced.
const sharedIndexKey = (code: string) => `clips/${code}`;
const sharedClipKey = (code: string, id: string) => `clip/${code}/${id}`;
// Older still: each list whole under one key.
const listKeys = (code: string) => [`history/${code}`, `outbox/${code}`];

/** A room's clips as the device `selfId` keeps them. */
export function roomClipStorage(
  code: string,
  selfId: string,
  store: Store = appStore(),
): ClipStorage {
  const indexKey = `clips/${code}/${selfId}`;
  const recordPrefix = `clip/${code}/${selfId}/`;
  const textPrefix = `text/${code}/${selfId}/`;
  const clipKeys = (id: string) => [`${recordPrefix}${id}`, `${textPrefix}${id}`];
  /** Size of each clip whose records are on disk. */
  const stored = new Map<string, number>();
  /** Ids the index on disk lists: what a reload finds. */
  let listed = new Set<string>();
  let legacy: string[] = [];
  let queue = Promise.resolve();

  async function writeClip(clip: HeldClip, dels: string[] = []): Promise<void> {
    const [record, text] = clipKeys(clip.id) as [string, string];
    const puts: [string, unknown][] = [[record, thin(clip)]];
    if (thin(clip) !== clip) puts.push([text, clip.text]);
    await store.write(puts, dels);
    stored.set(clip.id, clip.size);
  }

  async function saveNow({ history, outbox, deleted }: SavedClips, budget: number) {
    const kept = new Map<string, HeldClip>();
    // The outbox goes first: those clips are on no other device.
    for (const clip of [...outbox, ...history]) if (!kept.has(clip.id)) kept.set(clip.id, clip);
    const report: SaveReport = { stored: new Set(), unsaved: 0, full: false };
    const fail = (cause: unknown) => {
      if (isQuotaError(cause)) report.full = true;
      else report.error ??= cause instanceof Error ? cause.message : String(cause);
    };
    // Space is freed before anything is written.
    const gone = [...stored.keys()].filter((id) => !kept.has(id));
    if (gone.length > 0) {
      await store.write([], gone.flatMap(clipKeys)).then(() => {
        for (const id of gone) stored.delete(id);
      }, fail);
    }
    let used = 0;
    for (const size of stored.values()) used += size;
    for (const clip of kept.values()) {
      if (stored.has(clip.id)) continue;
      if (!isWhole(clip)) continue;
      if (used + clip.size > budget) {
        report.full = true;
        continue;
      }
      await writeClip(clip).then(() => {
        used += clip.size;
      }, fail);
    }
    const onDisk = (list: HeldClip[]) => list.map((clip) => clip.id).filter((id) => stored.has(id));
    const index: ClipIndex = { history: onDisk(history), outbox: onDisk(outbox), deleted };
    await store.write([[indexKey, index]], legacy).then(() => {
      listed = new Set([...index.history, ...index.outbox]);
      legacy = [];
    }, fail);
    for (const id of kept.keys()) if (!listed.has(id)) report.unsaved++;
    report.stored = new Set(stored.keys());
    return report;
  }

  async function load(): Promise<SavedClips> {
    const index = readIndex(await store.get<unknown>(indexKey));
    if (!index) return adopt();
    const ids = [...new Set([...index.history, ...index.outbox])];
    const records = await store.getMany(ids.map((id) => `${recordPrefix}${id}`));
    const byId = new Map<string, HeldClip>();
    for (const record of records) {
      const clip = readHeld(record);
      if (clip) byId.set(clip.id, clip);
    }
    for (const clip of byId.values()) stored.set(clip.id, clip.size);
    listed = new Set(byId.keys());
    // Records a failed or interrupted save left unlisted are deleted by the next save.
    for (const key of await store.keys()) {
      const prefix = [recordPrefix, textPrefix].find((p) => key.startsWith(p));
      const id = prefix && key.slice(prefix.length);
      if (id && !stored.has(id)) stored.set(id, 0);
    }
    const pick = (list: string[]) => list.flatMap((id) => byId.get(id) ?? []);
    return { history: pick(index.history), outbox: pick(index.outbox), deleted: index.deleted };
  }

  /** Takes over what an earlier version kept for every tab, one clip at a time. */
  async function adopt(): Promise<SavedClips> {
    const shared = readIndex(await store.get<unknown>(sharedIndexKey(code)));
    legacy = [sharedIndexKey(code), ...listKeys(code)];
    if (!shared) {
      const [history, outbox] = (await store.getMany(listKeys(code))).map(readClips);
      return { history: history ?? [], outbox: outbox ?? [], deleted: [] };
    }
    const byId = new Map<string, HeldClip>();
    for (const id of new Set([...shared.history, ...shared.outbox])) {
      const clip = readHeld(await store.get<unknown>(sharedClipKey(code, id)));
      if (!clip) continue;
      // Moved in one step. A failure leaves it where it was, whole in memory: the next
      // save writes it, or says it could not.
      await writeClip(clip, [sharedClipKey(code, id)]).catch(() => undefined);
      byId.set(id, stored.has(id) ? thin(clip) : clip);
    }
    const pick = (list: string[]) => list.flatMap((id) => byId.get(id) ?? []);
    return { history: pick(shared.history), outbox: pick(shared.outbox), deleted: [] };
  }

  return {
    load,
    save(clips, budget) {
      // One save at a time, so each sees what the last one left on disk.
      const done = queue.then(() => saveNow(clips, budget));
      // Its caller hears of a failure through `done`; the next save runs either way.
      queue = done.then(
        () => undefined,
        () => undefined,
      );
      return done;
    },
    async text(id) {
      const text = await store.get<unknown>(`${textPrefix}${id}`);
      return typeof text === 'string' && text.length <= MAX_CLIP_CHARS ? text : undefined;
    },
  };
}

/** Deletes a room's clips, as every device of this browser kept them, and older versions. */
export async function forgetRoomClips(code: string, store: Store = appStore()): Promise<void> {
  const prefixes = [`clip/${code}/`, `text/${code}/`, `clips/${code}/`];
  const keys = (await store.keys()).filter((key) => prefixes.some((p) => key.startsWith(p)));
  await store.write([], [...keys, sharedIndexKey(code), ...listKeys(code)]);
}

/** Browsers name a write refused for want of space so; tests throw a DOMException alike. */
export function isQuotaError(cause: unknown): boolean {
  return (cause as { name?: unknown } | null)?.name === 'QuotaExceededError';
}

function readIndex(saved: unknown): ClipIndex | null {
  if (!isRecord(saved)) return null;
  const ids = (key: string) => {
    const list = field(saved, key);
    return Array.isArray(list) ? list.filter((id): id is string => typeof id === 'string') : null;
  };
  const history = ids('history');
  const outbox = ids('outbox');
  return history && outbox ? { history, outbox, deleted: ids('deleted') ?? [] } : null;
}

function readClips(saved: unknown): HeldClip[] {
  return Array.isArray(saved) ? saved.flatMap((value) => readHeld(value) ?? []) : [];
}

/** Checked, since an older version of the app may have written it; `size` came later. */
function readHeld(saved: unknown): HeldClip | null {
  const message = parsePeerMessage({ t: 'clip', clip: saved });
  if (message?.t !== 'clip') return null;
  const { clip } = message;
  const size = (isRecord(saved) ? field(saved, 'size') : undefined) ?? clip.text.length;
  const fits = Number.isSafeInteger(size) && (size as number) >= clip.text.length;
  return fits && (size as number) <= MAX_CLIP_CHARS ? { ...clip, size: size as number } : null;
}
