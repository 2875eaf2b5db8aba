// Clip sync: sending, receiving, history exchange between peers, the outbox
// and delivery receipts. It talks to peers only through a SyncLink (the mesh).

import { encodeBase64Url } from './base64url';
import { HybridClock } from './clock';
import { DeliveryRetries } from './delivery-retry';
import { mergeClips, recentIds } from './history';
import { type Clip, MAX_CLIP_CHARS, MAX_IDS, type PeerMessage } from './protocol';
import type { ClipView, SendResult, Undelivered } from './session-types';
import { PublishError } from './transport/types';

export interface SyncLink {
  reachable(): string[];
  send(deviceId: string, message: PeerMessage): Promise<void>;
}

export interface SavedClips {
  /** Newest first. */
  history: Clip[];
  /** Clips waiting for a first receipt, oldest first. */
  outbox: Clip[];
}

/** Where a room's clips live between visits. */
export interface ClipStorage {
  load(): Promise<SavedClips>;
  /** Makes the saved clips these; the storage writes only what changed. */
  save(clips: SavedClips): Promise<void>;
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
/**
 * A change is written this long after it happens, after what a person waits for: a large
 * clip being sent fills the data channel first, and the redraw (room.ts) comes first.
 * Changes meanwhile share one write.
 */
const SAVE_DELAY_MS = 20;

export class ClipSync {
  private history: Clip[] = [];
  private outbox: Clip[] = [];
  private readonly holders = new Map<string, Set<string>>();
  /** Ids deleted here, so history exchange does not bring them back. */
  private readonly deleted = new Set<string>();
  private readonly sending = new Set<string>();
  /** The write waiting for its moment, shared by every change made meanwhile. */
  private pendingSave:
    | { timer: ReturnType<typeof setTimeout>; start(): void; done: Promise<void> }
    | undefined;
  private readonly views = new WeakMap<Clip, ClipView>();
  /** Receipts not sent yet, by the device they go to. */
  private readonly unacked = new Map<string, string[]>();
  private readonly clock = new HybridClock();
  private refusedCount = 0;
  /** Clips the link refused, each waiting to be tried again. */
  private readonly retries = new DeliveryRetries();
  private sendRefusals = 0;
  private refusedDetail: string | undefined;

  constructor(private readonly options: SyncOptions) {}

  /** Clips refused as stamped beyond this device's horizon (clock.ts). */
  get refused(): number {
    return this.refusedCount;
  }

  async load(): Promise<void> {
    const { history, outbox } = await this.options.storage.load();
    // Saved clips beyond the horizon stay shown, but do not move the clock.
    for (const clip of [...history, ...outbox]) this.clock.see(clip.stamp);
    this.outbox = outbox;
    this.merge([...history, ...outbox]);
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
    const { stamp, at } = this.clock.next();
    const clip: Clip = {
      id: newClipId(),
      text,
      from: this.options.selfId,
      fromName: this.options.selfName(),
      at,
      stamp,
    };
    this.outbox = [...this.outbox, clip];
    // Onto the wire before this device redraws: the others wait for it, this one does not.
    for (const deviceId of this.options.link.reachable()) void this.deliver(deviceId, clip);
    this.merge([clip]);
    this.options.onChange();
    // Sent only once it is on disk, so a reload cannot lose it.
    await this.save();
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
    this.dropFromOutbox([id]);
    this.options.onChange();
    await this.save();
  }

  async clear(): Promise<void> {
    for (const clip of this.history) this.deleted.add(clip.id);
    this.history = [];
    this.outbox = [];
    this.options.onChange();
    await this.save();
  }

  /** Clips refused on their way to a device and waiting for another try. */
  undelivered(): Undelivered {
    const { waiting } = this.retries;
    return {
      waiting,
      refused: this.sendRefusals,
      detail: waiting > 0 ? this.refusedDetail : undefined,
    };
  }

  /** Stops trying again; the outbox still holds what was not acknowledged. */
  close(): void {
    this.retries.cancelAll();
  }

  /** Writes a pending change at once (room close). */
  async flush(): Promise<void> {
    const pending = this.pendingSave;
    if (!pending) return;
    clearTimeout(pending.timer);
    pending.start();
    await pending.done;
  }

  private get cap(): number {
    return this.options.cap ?? 200;
  }

  /** Clips waiting to be delivered from here are never cut: they would vanish unsent. */
  private merge(incoming: Clip[]): void {
    const waiting = new Set(this.outbox.map((clip) => clip.id));
    this.history = mergeClips(this.history, incoming, this.cap, waiting);
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
    if (this.deleted.has(clip.id) || this.history.some((known) => known.id === clip.id)) {
      this.ack(from, clip.id);
      this.hold(from, [clip.id]);
      return;
    }
    // No receipt for a clip not kept, so its sender keeps it waiting in its outbox.
    if (!this.clock.see(clip.stamp)) {
      this.refusedCount++;
      this.options.onChange();
      return;
    }
    this.merge([clip]);
    // Older than every clip kept (its sender had not seen them): cut at once, so not kept.
    if (!this.history.some((known) => known.id === clip.id)) return;
    this.ack(from, clip.id);
    this.hold(from, [clip.id]);
    this.hold(clip.from, [clip.id]);
    this.forgetEvictedHolders();
    this.options.onChange();
    void this.save();
    if (clip.from !== this.options.selfId) this.options.onReceived?.(clip);
  }

  private onAck(from: string, ids: string[]): void {
    this.hold(from, ids);
    for (const id of ids) this.retries.cancel(`${from}\n${id}`);
    if (this.dropFromOutbox(ids)) {
      // Clips no longer waiting may be cut now, so the cap holds again.
      this.merge([]);
      this.forgetEvictedHolders();
      void this.save();
    }
    this.options.onChange();
  }

  /**
   * Receipts go after the redraw (sending blocks the page a moment), one message per
   * device for every clip that came meanwhile, such as a whole history exchange.
   */
  private ack(deviceId: string, id: string): void {
    const ids = this.unacked.get(deviceId);
    if (ids) {
      ids.push(id);
      return;
    }
    this.unacked.set(deviceId, [id]);
    setTimeout(() => {
      const batch = this.unacked.get(deviceId) ?? [];
      this.unacked.delete(deviceId);
      for (let start = 0; start < batch.length; start += MAX_IDS) {
        const ids = batch.slice(start, start + MAX_IDS);
        void this.options.link.send(deviceId, { t: 'ack', ids }).catch(() => {});
      }
    }, 0);
  }

  /** One copy of a clip on its way to a device at a time, however often it is wanted. */
  private async deliver(deviceId: string, clip: Clip, attempt = 0): Promise<void> {
    const key = `${deviceId}\n${clip.id}`;
    if (this.sending.has(key)) return;
    this.retries.cancel(key);
    this.sending.add(key);
    try {
      await this.options.link.send(deviceId, { t: 'clip', clip });
    } catch (error) {
      this.refusedOnce(deviceId, clip, attempt, error);
    } finally {
      this.sending.delete(key);
    }
  }

  /**
   * A send the link refused (the relay said no, or was away) is tried again with backoff
   * until a receipt comes or the device goes; one that comes back is sent to on connecting.
   */
  private refusedOnce(deviceId: string, clip: Clip, attempt: number, error: unknown): void {
    this.sendRefusals += 1;
    this.refusedDetail = error instanceof Error ? error.message : String(error);
    if (this.awaitsReceipt(deviceId, clip.id)) {
      const minMs = error instanceof PublishError ? (error.retryAfterMs ?? 0) : 0;
      this.retries.later(`${deviceId}\n${clip.id}`, attempt, minMs, () => {
        if (this.awaitsReceipt(deviceId, clip.id)) void this.deliver(deviceId, clip, attempt + 1);
        this.options.onChange();
      });
    }
    this.options.onChange();
  }

  private awaitsReceipt(deviceId: string, id: string): boolean {
    return (
      this.options.link.reachable().includes(deviceId) &&
      !this.holders.get(id)?.has(deviceId) &&
      [this.outbox, this.history].some((clips) => clips.some((clip) => clip.id === id))
    );
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

  /** True when the outbox changed. */
  private dropFromOutbox(ids: string[]): boolean {
    const gone = new Set(ids);
    const kept = this.outbox.filter((clip) => !gone.has(clip.id));
    if (kept.length === this.outbox.length) return false;
    this.outbox = kept;
    return true;
  }

  /** Resolves once the clips as they are now, or later, are on disk. */
  private save(): Promise<void> {
    if (!this.pendingSave) {
      let start = (): void => {};
      const started = new Promise<void>((resolve) => {
        start = resolve;
      });
      const done = started.then(() => {
        this.pendingSave = undefined;
        return this.options.storage.save({ history: this.history, outbox: this.outbox });
      });
      this.pendingSave = { timer: setTimeout(start, SAVE_DELAY_MS), start, done };
    }
    return this.pendingSave.done;
  }
}

function newClipId(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(12)));
}
