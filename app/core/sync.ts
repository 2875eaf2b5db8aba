// Clip sync: sending, receiving, history exchange between peers, the outbox
// and delivery receipts. It talks to peers only through a SyncLink (the mesh).

import { encodeBase64Url } from './base64url';
import { mergeClips, recentIds } from './history';
import { type Clip, MAX_CLIP_CHARS, type PeerMessage } from './protocol';
import type { ClipView, SendResult } from './session-types';

export interface SyncLink {
  reachable(): string[];
  send(deviceId: string, message: PeerMessage): Promise<void>;
}

/** Where a room's clips live between visits. */
export interface ClipStorage {
  loadHistory(): Promise<Clip[]>;
  saveHistory(clips: Clip[]): Promise<void>;
  loadOutbox(): Promise<Clip[]>;
  saveOutbox(clips: Clip[]): Promise<void>;
}

export interface SyncOptions {
  selfId: string;
  selfName(): string;
  link: SyncLink;
  storage: ClipStorage;
  cap?: number;
  onChange(): void;
  /** A clip from another device arrived (for auto-copy). */
  onReceived?(clip: Clip): void;
}

/** How many recent ids each side offers when two devices connect. */
const HAVE_COUNT = 100;
const SAVE_DELAY_MS = 250;

export class ClipSync {
  private history: Clip[] = [];
  private outbox: Clip[] = [];
  private readonly holders = new Map<string, Set<string>>();
  /** Ids deleted here, so history exchange does not bring them back. */
  private readonly deleted = new Set<string>();
  private readonly sending = new Set<string>();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly views = new WeakMap<Clip, ClipView>();

  constructor(private readonly options: SyncOptions) {}

  async load(): Promise<void> {
    const [history, outbox] = await Promise.all([
      this.options.storage.loadHistory(),
      this.options.storage.loadOutbox(),
    ]);
    this.history = mergeClips(this.history, history, this.cap);
    this.outbox = outbox;
    this.history = mergeClips(this.history, outbox, this.cap);
    this.options.onChange();
  }

  /** An unchanged clip keeps its last view, so the ui redraws only the clips that changed. */
  view(): ClipView[] {
    const pending = new Set(this.outbox.map((clip) => clip.id));
    return this.history.map((clip) => {
      const holders = [...(this.holders.get(clip.id) ?? [])].filter((id) => id !== clip.from);
      const last = this.views.get(clip);
      const same =
        last?.pending === pending.has(clip.id) &&
        last.holders.length === holders.length &&
        last.holders.every((id, i) => id === holders[i]);
      if (last && same) return last;
      const view = { ...clip, holders, pending: pending.has(clip.id) };
      this.views.set(clip, view);
      return view;
    });
  }

  async send(text: string): Promise<SendResult> {
    if (text.length === 0) return { ok: false, error: 'There is nothing to send.' };
    if (text.length > MAX_CLIP_CHARS) {
      const mib = MAX_CLIP_CHARS / (1024 * 1024);
      return { ok: false, error: `That clip is too large: the limit is ${mib} MiB of text.` };
    }
    const clip: Clip = {
      id: newClipId(),
      text,
      from: this.options.selfId,
      fromName: this.options.selfName(),
      at: Date.now(),
    };
    this.history = mergeClips(this.history, [clip], this.cap);
    this.outbox = [...this.outbox, clip];
    this.options.onChange();
    for (const deviceId of this.options.link.reachable()) void this.deliver(deviceId, clip);
    // Saving a large clip takes long; it runs beside delivery, queued before any ack's removal.
    await this.options.storage.saveOutbox(this.outbox);
    this.scheduleSave();
    return { ok: true, id: clip.id };
  }

  /** A device became reachable: offer what we have and hand over the outbox. */
  onReachable(deviceId: string): void {
    const ids = recentIds(this.history, HAVE_COUNT);
    void this.options.link.send(deviceId, { t: 'have', ids }).catch(() => {});
    for (const clip of this.outbox) void this.deliver(deviceId, clip);
  }

  onMessage(from: string, message: PeerMessage): void {
    switch (message.t) {
      case 'have':
        this.onHave(from, message.ids);
        return;
      case 'want':
        this.onWant(from, message.ids);
        return;
      case 'clip':
        this.onClip(from, message.clip);
        return;
      case 'ack':
        this.onAck(from, message.ids);
        return;
    }
  }

  async deleteClip(id: string): Promise<void> {
    this.deleted.add(id);
    this.history = this.history.filter((clip) => clip.id !== id);
    await this.dropFromOutbox([id]);
    this.options.onChange();
    await this.options.storage.saveHistory(this.history);
  }

  async clear(): Promise<void> {
    for (const clip of this.history) this.deleted.add(clip.id);
    this.history = [];
    this.outbox = [];
    this.options.onChange();
    await Promise.all([this.options.storage.saveHistory([]), this.options.storage.saveOutbox([])]);
  }

  /** Writes pending history at once (page hide, room close). */
  async flush(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.options.storage.saveHistory(this.history);
  }

  private get cap(): number {
    return this.options.cap ?? 200;
  }

  private onHave(from: string, ids: string[]): void {
    this.hold(from, ids);
    const mine = new Set(this.history.map((clip) => clip.id));
    const wanted = ids.filter((id) => !mine.has(id) && !this.deleted.has(id));
    if (wanted.length > 0)
      void this.options.link.send(from, { t: 'want', ids: wanted }).catch(() => {});
    this.options.onChange();
  }

  private onWant(from: string, ids: string[]): void {
    const wanted = new Set(ids);
    // Only clips we really hold are sent; unknown ids are ignored.
    for (const clip of this.history) {
      if (wanted.has(clip.id)) void this.deliver(from, clip);
    }
  }

  private onClip(from: string, clip: Clip): void {
    void this.options.link.send(from, { t: 'ack', ids: [clip.id] }).catch(() => {});
    if (this.deleted.has(clip.id) || this.history.some((known) => known.id === clip.id)) {
      this.hold(from, [clip.id]);
      return;
    }
    this.history = mergeClips(this.history, [clip], this.cap);
    this.hold(from, [clip.id]);
    this.hold(clip.from, [clip.id]);
    this.forgetEvictedHolders();
    this.scheduleSave();
    this.options.onChange();
    if (clip.from !== this.options.selfId) this.options.onReceived?.(clip);
  }

  private onAck(from: string, ids: string[]): void {
    this.hold(from, ids);
    void this.dropFromOutbox(ids);
    this.options.onChange();
  }

  /** One copy of a clip on its way to a device at a time, however often it is wanted. */
  private async deliver(deviceId: string, clip: Clip): Promise<void> {
    const key = `${deviceId}\n${clip.id}`;
    if (this.sending.has(key)) return;
    this.sending.add(key);
    try {
      await this.options.link.send(deviceId, { t: 'clip', clip });
    } catch {
      // Still in the outbox or history: the next connection delivers it.
    } finally {
      this.sending.delete(key);
    }
  }

  /** Receipts are kept for clips in the history only, so a peer's lists cannot grow memory. */
  private hold(deviceId: string, ids: string[]): void {
    const known = new Set(this.history.map((clip) => clip.id));
    for (const id of ids) {
      if (!known.has(id)) continue;
      let set = this.holders.get(id);
      if (!set) {
        set = new Set();
        this.holders.set(id, set);
      }
      set.add(deviceId);
    }
  }

  private forgetEvictedHolders(): void {
    if (this.holders.size <= this.history.length) return;
    const known = new Set(this.history.map((clip) => clip.id));
    for (const id of this.holders.keys()) if (!known.has(id)) this.holders.delete(id);
  }

  private async dropFromOutbox(ids: string[]): Promise<void> {
    const gone = new Set(ids);
    const kept = this.outbox.filter((clip) => !gone.has(clip.id));
    if (kept.length === this.outbox.length) return;
    this.outbox = kept;
    await this.options.storage.saveOutbox(kept);
  }

  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => void this.flush(), SAVE_DELAY_MS);
  }
}

function newClipId(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(12)));
}
