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
  return new DeviceClips(code, selfId, store);
}

class DeviceClips implements ClipStorage {
  private readonly indexKey: string;
  private readonly recordPrefix: string;
  private readonly textPrefix: string;
  /** Size of each clip whose records are on disk. */
  private readonly stored = new Map<string, number>();
  /** Ids the index on disk lists: what a reload finds. */
  private listed = new Set<string>();
  private legacy: string[] = [];
  private queue = Promise.resolve();

  constructor(
    private readonly code: string,
    selfId: string,
    private readonly store: Store,
  ) {
    this.indexKey = `clips/${code}/${selfId}`;
    this.recordPrefix = `clip/${code}/${selfId}/`;
    this.textPrefix = `text/${code}/${selfId}/`;
  }

  async load(): Promise<SavedClips> {
    const index = readIndex(await this.store.get<unknown>(this.indexKey));
    if (!index) return this.adopt();
    const ids = [...new Set([...index.history, ...index.outbox])];
    const records = await this.store.getMany(ids.map((id) => `${this.recordPrefix}${id}`));
    const byId = new Map<string, HeldClip>();
    for (const record of records) {
      const clip = readHeld(record);
      if (clip) byId.set(clip.id, clip);
    }
    for (const clip of byId.values()) this.stored.set(clip.id, clip.size);
    this.listed = new Set(byId.keys());
    await this.noteUnlisted();
    const pick = (list: string[]) => list.flatMap((id) => byId.get(id) ?? []);
    return { history: pick(index.history), outbox: pick(index.outbox), deleted: index.deleted };
  }

  save(clips: SavedClips, budget: number): Promise<SaveReport> {
    // One save at a time, so each sees what the last one left on disk.
    const done = this.queue.then(() => this.saveNow(clips, budget));
    // Its caller hears of a failure through `done`; the next save runs either way.
    this.queue = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }

  async text(id: string): Promise<string | undefined> {
    const text = await this.store.get<unknown>(`${this.textPrefix}${id}`);
    return typeof text === 'string' && text.length <= MAX_CLIP_CHARS ? text : undefined;
  }

  private clipKeys(id: string): string[] {
    return [`${this.recordPrefix}${id}`, `${this.textPrefix}${id}`];
  }

  /** Records a failed or interrupted save left unlisted are deleted by the next save. */
  private async noteUnlisted(): Promise<void> {
    for (const key of await this.store.keys()) {
      const prefix = [this.recordPrefix, this.textPrefix].find((p) => key.startsWith(p));
      const id = prefix && key.slice(prefix.length);
      if (id && !this.stored.has(id)) this.stored.set(id, 0);
    }
  }

  private async writeClip(clip: HeldClip, dels: string[] = []): Promise<void> {
    const [record, text] = this.clipKeys(clip.id) as [string, string];
    const puts: [string, unknown][] = [[record, thin(clip)]];
    if (thin(clip) !== clip) puts.push([text, clip.text]);
    await this.store.write(puts, dels);
    this.stored.set(clip.id, clip.size);
  }

  private async saveNow({ history, outbox, deleted }: SavedClips, budget: number) {
    const kept = new Map<string, HeldClip>();
    // The outbox goes first: those clips are on no other device.
    for (const clip of [...outbox, ...history]) if (!kept.has(clip.id)) kept.set(clip.id, clip);
    const report: SaveReport = { stored: new Set(), unsaved: 0, full: false };
    const fail = (cause: unknown) => {
      if (isQuotaError(cause)) report.full = true;
      else report.error ??= cause instanceof Error ? cause.message : String(cause);
    };
    await this.deleteGone(kept, fail);
    await this.writeNew(kept, budget, report, fail);
    const onDisk = (list: HeldClip[]) =>
      list.map((clip) => clip.id).filter((id) => this.stored.has(id));
    const index: ClipIndex = { history: onDisk(history), outbox: onDisk(outbox), deleted };
    await this.store.write([[this.indexKey, index]], this.legacy).then(() => {
      this.listed = new Set([...index.history, ...index.outbox]);
      this.legacy = [];
    }, fail);
    for (const id of kept.keys()) if (!this.listed.has(id)) report.unsaved++;
    report.stored = new Set(this.stored.keys());
    return report;
  }

  /** Space is freed before anything is written. */
  private async deleteGone(kept: Map<string, HeldClip>, fail: (cause: unknown) => void) {
    const gone = [...this.stored.keys()].filter((id) => !kept.has(id));
    if (gone.length === 0) return;
    await this.store
      .write(
        [],
        gone.flatMap((id) => this.clipKeys(id)),
      )
      .then(() => {
        for (const id of gone) this.stored.delete(id);
      }, fail);
  }

  /** Writes the clips not on disk yet, as far as the budget allows. */
  private async writeNew(
    kept: Map<string, HeldClip>,
    budget: number,
    report: SaveReport,
    fail: (cause: unknown) => void,
  ): Promise<void> {
    let used = 0;
    for (const size of this.stored.values()) used += size;
    for (const clip of kept.values()) {
      if (this.stored.has(clip.id)) continue;
      if (!isWhole(clip)) continue;
      if (used + clip.size > budget) {
        report.full = true;
        continue;
      }
      await this.writeClip(clip).then(() => {
        used += clip.size;
      }, fail);
    }
  }

  /** Takes over what an earlier version kept for every tab, one clip at a time. */
  private async adopt(): Promise<SavedClips> {
    const { code, store } = this;
    const shared = readIndex(await store.get<unknown>(sharedIndexKey(code)));
    this.legacy = [sharedIndexKey(code), ...listKeys(code)];
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
      await this.writeClip(clip, [sharedClipKey(code, id)]).catch(() => undefined);
      byId.set(id, this.stored.has(id) ? thin(clip) : clip);
    }
    const pick = (list: string[]) => list.flatMap((id) => byId.get(id) ?? []);
    return { history: pick(shared.history), outbox: pick(shared.outbox), deleted: [] };
  }
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
