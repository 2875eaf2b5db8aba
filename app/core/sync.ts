// Clip sync: sending, receiving, history exchange between peers, the outbox, delivery
// receipts and deletes. It talks to peers only through a SyncLink (the mesh).

import { encodeBase64Url } from './base64url';
import { Batches, Coalesced } from './batches';
import { HybridClock } from './clock';
import { DeliveryRetries } from './delivery-retry';
import {
  AUTO_FETCH_CHARS,
  clipInfo,
  DEFAULT_BUDGET_CHARS,
  type HeldClip,
  held,
  isWhole,
  refusal,
  thin,
  wireClip,
  withinBudget,
} from './held-clip';
import { mergeClips, recentIds } from './history';
import { Holders } from './holders';
import { Offers, type OfferView } from './offers';
import { type Clip, type ClipInfo, MAX_IDS, type PeerMessage } from './protocol';
import type { ClipStorage, SaveReport } from './saving';
import type { ClipView, SendResult, StorageView, Undelivered } from './session-types';
import { Tombstones } from './tombstones';
import { PublishError } from './transport/types';

export interface SyncLink {
  reachable(): string[];
  send(deviceId: string, message: PeerMessage): Promise<void>;
}

/** 'sent' for a clip sent from this device, whose own screen need not hurry; 'state' otherwise. */
export type SyncChange = 'state' | 'sent';

export interface SyncOptions {
  selfId: string;
  selfName(): string;
  link: SyncLink;
  storage: ClipStorage;
  cap?: number;
  onChange(change: SyncChange): void;
  /** A clip from another device arrived (for auto-copy). */
  onReceived?(clip: Clip): void;
  /** Characters the room's clips may take on this device. */
  budget?: number;
  /** Another tab of this browser: its receipt does not mean a clip has left this device. */
  sameBrowser?(deviceId: string): boolean;
}

/** How many recent ids each side offers when two devices connect. */
const HAVE_COUNT = 100;
/**
 * Changes made within this long share one write. A clip sent from here is handed to its
 * links before its write is asked for (send); the wait lets a large one fill the data channel
 * before the disk takes the page.
 */
const SAVE_DELAY_MS = 20;

export class ClipSync {
  private history: HeldClip[] = [];
  private outbox: HeldClip[] = [];
  /** Who holds each clip, from receipts and offers; only for clips in the history. */
  private readonly holders = new Holders();
  /** Ids deleted here or on another device, so nothing brings them back. */
  private readonly tombstones = new Tombstones();
  private readonly offers = new Offers();
  private budget: number;
  private storageState: StorageView = { unsaved: 0, full: false };
  private readonly sending = new Set<string>();
  /** The write waiting for its moment, shared by every change made meanwhile. */
  private readonly saves = new Coalesced(SAVE_DELAY_MS, () => this.saveNow());
  private readonly views = new WeakMap<Clip, ClipView>();
  private readonly clock = new HybridClock();
  private refusedCount = 0;
  /** Clips the link refused, each waiting to be tried again. */
  private readonly retries = new DeliveryRetries();
  private sendRefusals = 0;
  private refusedDetail: string | undefined;
  /**
   * Receipts go a task after the change that shows their clips was told, one message per
   * device for every clip that came meanwhile, such as a whole history exchange.
   */
  private readonly receipts = new Batches((deviceId, ids) => {
    // The sender delivers the clip again, and it is acknowledged then.
    this.tellOnce(deviceId, { t: 'ack', ids });
  });
  /** Messages other than clips that could not be sent; each goes again at the next connection. */
  private unsentCount = 0;

  constructor(private readonly options: SyncOptions) {
    this.budget = options.budget ?? DEFAULT_BUDGET_CHARS;
  }

  /** Clips refused as stamped beyond this device's horizon (clock.ts). */
  get refused(): number {
    return this.refusedCount;
  }

  async load(): Promise<void> {
    const { history, outbox, deleted } = await this.options.storage.load();
    this.tombstones.add(deleted);
    // Saved clips beyond the horizon stay shown, but do not move the clock.
    for (const clip of [...history, ...outbox]) this.clock.see(clip.stamp);
    this.outbox = outbox;
    this.history = this.merge([...history, ...outbox]);
    this.changed();
  }

  /** An unchanged clip keeps its last view, so the ui redraws only the clips that changed. */
  view(): ClipView[] {
    const pending = new Set(this.outbox.map((clip) => clip.id));
    return this.history.map((clip) => {
      const holders = this.holders.of(clip.id).filter((id) => id !== clip.from);
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

  offersView(): OfferView[] {
    return this.offers.view();
  }

  storageView(): StorageView {
    return this.storageState;
  }

  async send(text: string): Promise<SendResult> {
    const refused = refusal(text.length, this.budget);
    if (refused) return { ok: false, error: refused };
    const { stamp, at } = this.clock.next();
    const clip = held({
      id: newClipId(),
      text,
      from: this.options.selfId,
      fromName: this.options.selfName(),
      at,
      stamp,
    });
    this.outbox = [...this.outbox, clip];
    // Handed to every link first: the others wait for it, this screen does not.
    for (const deviceId of this.options.link.reachable()) void this.deliver(deviceId, clip);
    this.history = this.merge([clip]);
    this.changed('sent');
    // Sent only once it is on disk, so a reload cannot lose it.
    await this.save();
    return { ok: true, id: clip.id };
  }

  /** A device became reachable: tell it what was deleted, offer what we have, hand over the outbox. */
  onReachable(deviceId: string): void {
    this.tell(deviceId, 'deleted', this.tombstones.list());
    const ids = recentIds(this.history, HAVE_COUNT);
    const offered = new Set(ids);
    const large = this.history
      .filter((clip) => clip.size > AUTO_FETCH_CHARS && offered.has(clip.id))
      .map(clipInfo);
    const have: PeerMessage = large.length > 0 ? { t: 'have', ids, large } : { t: 'have', ids };
    // The next connection offers again.
    this.tellOnce(deviceId, have);
    for (const clip of this.outbox) void this.deliver(deviceId, clip);
  }

  onMessage(from: string, message: PeerMessage): void {
    switch (message.t) {
      case 'have':
        this.onHave(from, message.ids, message.large ?? []);
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
      case 'deleted':
        this.onDeleted(from, message.ids);
        return;
    }
  }

  /** Deleted here and, as they connect, on every device of the room, for good. */
  deleteClip(id: string): Promise<void> {
    return this.remove([id]);
  }

  clear(): Promise<void> {
    return this.remove([...this.history, ...this.outbox].map((clip) => clip.id));
  }

  /** Asks a device that holds a large clip for it; null, or why it cannot, in plain words. */
  async fetch(id: string): Promise<string | null> {
    const size = this.offers.size(id);
    if (size === undefined) return 'That clip is no longer offered.';
    if (size > this.budget) return refusal(size, this.budget);
    const reachable = new Set(this.options.link.reachable());
    const holder = this.offers.holders(id).find((deviceId) => reachable.has(deviceId));
    if (!holder) return 'No device that holds this clip is connected now.';
    this.offers.fetching(id, true);
    this.changed();
    try {
      await this.options.link.send(holder, { t: 'want', ids: [id] });
      return null;
    } catch {
      this.offers.fetching(id, false);
      this.changed();
      return 'The other device could not be asked for that clip. Try again.';
    }
  }

  /** The whole text of a clip held here, read from disk when only its start is in memory. */
  async clipText(id: string): Promise<string | undefined> {
    const clip = [...this.history, ...this.outbox].find((known) => known.id === id);
    if (!clip) return undefined;
    return isWhole(clip) ? clip.text : this.options.storage.text(id);
  }

  /** The room may take this many characters here from now on; older clips go to fit. */
  setBudget(chars: number): Promise<void> {
    this.budget = chars;
    this.history = withinBudget(this.history, this.outbox, chars);
    this.forgetEvictedHolders();
    this.changed();
    return this.save();
  }

  /** Clips refused on their way to a device and waiting for another try. */
  undelivered(): Undelivered {
    const { waiting } = this.retries;
    return {
      waiting,
      refused: this.sendRefusals,
      unsent: this.unsentCount,
      detail: waiting > 0 ? this.refusedDetail : undefined,
    };
  }

  /** Stops trying again; the outbox still holds what was not acknowledged. */
  close(): void {
    this.retries.cancelAll();
  }

  /** Writes a pending change at once (room close). */
  flush(): Promise<void> {
    return this.saves.flush();
  }

  private changed(change: SyncChange = 'state'): void {
    this.options.onChange(change);
  }

  private get cap(): number {
    return this.options.cap ?? 200;
  }

  /**
   * History and outbox merged with clips, then the oldest dropped to fit the budget. Clips
   * waiting to be delivered from here are never cut: they would vanish unsent.
   */
  private merge(clips: HeldClip[]): HeldClip[] {
    const waiting = new Set(this.outbox.map((clip) => clip.id));
    // mergeClips returns the very clips it is given, so they are still HeldClips.
    const merged = mergeClips(this.history, clips, this.cap, waiting) as HeldClip[];
    return withinBudget(merged, this.outbox, this.budget);
  }

  /** Large clips are offered to the person rather than pulled. */
  private onHave(from: string, ids: string[], large: ClipInfo[]): void {
    this.hold(from, ids);
    const mine = new Set(this.history.map((clip) => clip.id));
    const big = new Map(large.filter((info) => info.size > AUTO_FETCH_CHARS).map((i) => [i.id, i]));
    const wanted: string[] = [];
    for (const id of ids) {
      if (mine.has(id) || this.tombstones.has(id)) continue;
      const info = big.get(id);
      if (info) this.offers.add(info, from);
      else wanted.push(id);
    }
    // The next connection asks again.
    if (wanted.length > 0) this.tellOnce(from, { t: 'want', ids: wanted });
    this.changed();
  }

  private onDeleted(from: string, ids: string[]): void {
    const added = this.tombstones.add(ids);
    if (added.length === 0) return;
    this.forget(added);
    // Passed on, so devices that cannot reach the one that deleted it hear of it too.
    for (const deviceId of this.options.link.reachable())
      if (deviceId !== from) this.tell(deviceId, 'deleted', added);
    this.changed();
    void this.save();
  }

  private async remove(ids: string[]): Promise<void> {
    const added = this.tombstones.add(ids);
    this.forget(ids);
    for (const deviceId of this.options.link.reachable()) this.tell(deviceId, 'deleted', added);
    this.changed();
    // Written at once, not after the usual moment: a page closed right after must keep it.
    const saved = this.save();
    await this.flush();
    await saved;
  }

  /** Drops clips from everything held about them. */
  private forget(ids: string[]): void {
    const gone = new Set(ids);
    this.history = this.history.filter((clip) => !gone.has(clip.id));
    this.dropFromOutbox(ids);
    this.offers.drop(ids);
    this.holders.drop(ids);
  }

  /** Ids in as many messages as they need; one lost goes again at the next connection. */
  private tell(deviceId: string, t: 'deleted', ids: string[]): void {
    for (let start = 0; start < ids.length; start += MAX_IDS) {
      this.tellOnce(deviceId, { t, ids: ids.slice(start, start + MAX_IDS) });
    }
  }

  /** Sends a message that goes again at the next connection; a failure is counted, not retried. */
  private tellOnce(deviceId: string, message: PeerMessage): void {
    this.options.link.send(deviceId, message).catch(() => {
      this.unsentCount += 1;
      this.changed();
    });
  }

  private onWant(from: string, ids: string[]): void {
    const wanted = new Set(ids);
    // Only clips we really hold are sent; unknown ids are ignored.
    for (const clip of this.history) {
      if (wanted.has(clip.id)) void this.deliver(from, clip);
    }
  }

  private onClip(from: string, clip: Clip): void {
    if (this.tombstones.has(clip.id) || this.history.some((known) => known.id === clip.id)) {
      this.receipts.add(from, clip.id);
      this.hold(from, [clip.id]);
      return;
    }
    // No receipt for a clip not kept, so its sender keeps it waiting in its outbox.
    if (!this.clock.see(clip.stamp)) {
      this.refusedCount++;
      this.changed();
      return;
    }
    this.offers.drop([clip.id]);
    this.history = this.merge([held(clip)]);
    // Older than every clip kept (its sender had not seen them), or past the budget: not kept.
    if (!this.history.some((known) => known.id === clip.id)) return;
    this.receipts.add(from, clip.id);
    this.hold(from, [clip.id]);
    this.hold(clip.from, [clip.id]);
    this.forgetEvictedHolders();
    this.changed();
    void this.save();
    if (clip.from !== this.options.selfId) this.options.onReceived?.(clip);
  }

  private onAck(from: string, ids: string[]): void {
    this.hold(from, ids);
    for (const id of ids) this.retries.cancel(`${from}\n${id}`);
    // Another tab shares this disk: the clip has not left the device yet.
    if (!this.options.sameBrowser?.(from) && this.dropFromOutbox(ids)) {
      // Clips no longer waiting may be cut now, so the cap holds again.
      this.history = this.merge([]);
      this.forgetEvictedHolders();
      void this.save();
    }
    this.changed();
  }

  /** One copy of a clip on its way to a device at a time, however often it is wanted. */
  private async deliver(deviceId: string, clip: HeldClip, attempt = 0): Promise<void> {
    const key = `${deviceId}\n${clip.id}`;
    if (this.sending.has(key)) return;
    this.retries.cancel(key);
    this.sending.add(key);
    try {
      const text = isWhole(clip) ? clip.text : await this.options.storage.text(clip.id);
      // Its whole text is gone from disk: there is nothing to send.
      if (text === undefined) return;
      await this.options.link.send(deviceId, { t: 'clip', clip: { ...wireClip(clip), text } });
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
  private refusedOnce(deviceId: string, clip: HeldClip, attempt: number, error: unknown): void {
    this.sendRefusals += 1;
    this.refusedDetail = error instanceof Error ? error.message : String(error);
    if (this.awaitsReceipt(deviceId, clip.id)) {
      const minMs = error instanceof PublishError ? (error.retryAfterMs ?? 0) : 0;
      this.retries.later(`${deviceId}\n${clip.id}`, attempt, minMs, () => {
        if (this.awaitsReceipt(deviceId, clip.id)) void this.deliver(deviceId, clip, attempt + 1);
        this.changed();
      });
    }
    this.changed();
  }

  private awaitsReceipt(deviceId: string, id: string): boolean {
    return (
      this.options.link.reachable().includes(deviceId) &&
      !this.holders.of(id).includes(deviceId) &&
      [this.outbox, this.history].some((clips) => clips.some((clip) => clip.id === id))
    );
  }

  private hold(deviceId: string, ids: string[]): void {
    this.holders.add(deviceId, ids, this.history);
  }

  private forgetEvictedHolders(): void {
    this.holders.keepOnly(this.history);
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
    return this.saves.request();
  }

  private async saveNow(): Promise<void> {
    const clips = { history: this.history, outbox: this.outbox, deleted: this.tombstones.list() };
    try {
      this.saved(await this.options.storage.save(clips, this.budget));
    } catch (cause) {
      const error = cause instanceof Error ? cause.message : String(cause);
      this.saved({ stored: new Set(), unsaved: 0, full: false, error });
    }
  }

  /** Shows what the save left undone; large clips now on disk need not stay whole in memory. */
  private saved(report: SaveReport): void {
    const { unsaved, full, error } = report;
    const last = this.storageState;
    let changed = last.unsaved !== unsaved || last.full !== full || last.error !== error;
    this.storageState = error === undefined ? { unsaved, full } : { unsaved, full, error };
    const thinned = (list: HeldClip[]) =>
      list.map((clip) => {
        const next = report.stored.has(clip.id) ? thin(clip) : clip;
        if (next !== clip) changed = true;
        return next;
      });
    this.history = thinned(this.history);
    this.outbox = thinned(this.outbox);
    if (changed) this.changed();
  }
}

function newClipId(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(12)));
}
