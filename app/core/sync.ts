// Clip sync: sending, receiving, history exchange between peers, the outbox, delivery
// receipts and deletes. It talks to peers only through a SyncLink (the mesh).

import { encodeBase64Url } from './base64url';
import { HybridClock } from './clock';
import { Delivery } from './delivery';
import { DEFAULT_BUDGET_CHARS, held, isWhole, refusal } from './held-clip';
import { haveMessage, readOffer } from './history-exchange';
import { KeptClips } from './kept-clips';
import { fetchOffered, Offers, type OfferView } from './offers';
import type { Clip, ClipInfo, PeerMessage } from './protocol';
import { Saves } from './saving';
import type { ClipView, SendResult, StorageView, Undelivered } from './session-types';
import type { SyncChange, SyncOptions } from './sync-link';
import { Tombstones } from './tombstones';

export class ClipSync {
  private readonly kept: KeptClips;
  /** Ids deleted here or on another device, so nothing brings them back. */
  private readonly tombstones = new Tombstones();
  private readonly offers = new Offers();
  private readonly saves: Saves;
  private readonly clock = new HybridClock();
  private refusedCount = 0;
  private readonly delivery: Delivery;

  constructor(private readonly options: SyncOptions) {
    this.kept = new KeptClips(options.budget ?? DEFAULT_BUDGET_CHARS, options.cap ?? 200);
    this.saves = new Saves({
      storage: options.storage,
      current: () => ({
        clips: this.kept.saved(this.tombstones.list()),
        budget: this.kept.budget,
      }),
      saved: (stored, changed) => this.saved(stored, changed),
    });
    this.delivery = new Delivery({
      link: options.link,
      text: (id) => options.storage.text(id),
      awaitsReceipt: (deviceId, id) => this.awaitsReceipt(deviceId, id),
      onChange: () => this.changed(),
    });
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
    this.kept.load(history, outbox);
    this.changed();
  }

  view(): ClipView[] {
    return this.kept.view();
  }

  offersView(): OfferView[] {
    return this.offers.view();
  }

  storageView(): StorageView {
    return this.saves.view;
  }

  async send(text: string): Promise<SendResult> {
    const refused = refusal(text.length, this.kept.budget);
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
    this.kept.wait(clip);
    // Handed to every link first: the others wait for it, this screen does not.
    for (const deviceId of this.options.link.reachable()) void this.delivery.clip(deviceId, clip);
    this.kept.add([clip]);
    this.changed('sent');
    // Sent only once it is on disk, so a reload cannot lose it.
    await this.save();
    return { ok: true, id: clip.id };
  }

  /** A device became reachable: tell it what was deleted, offer what we have, hand over the outbox. */
  onReachable(deviceId: string): void {
    this.delivery.deleted(deviceId, this.tombstones.list());
    // The next connection offers again.
    this.delivery.tellOnce(deviceId, haveMessage(this.kept.history));
    for (const clip of this.kept.outbox) void this.delivery.clip(deviceId, clip);
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
    return this.remove(this.kept.ids());
  }

  /** Asks a device that holds a large clip for it; null, or why it cannot, in plain words. */
  fetch(id: string): Promise<string | null> {
    return fetchOffered(this.offers, id, this.kept.budget, this.options.link, () => this.changed());
  }

  /** The whole text of a clip held here, read from disk when only its start is in memory. */
  async clipText(id: string): Promise<string | undefined> {
    const clip = this.kept.find(id);
    if (!clip) return undefined;
    return isWhole(clip) ? clip.text : this.options.storage.text(id);
  }

  /** The room may take this many characters here from now on; older clips go to fit. */
  setBudget(chars: number): Promise<void> {
    this.kept.setBudget(chars);
    this.changed();
    return this.save();
  }

  /** Clips refused on their way to a device and waiting for another try. */
  undelivered(): Undelivered {
    return this.delivery.undelivered();
  }

  /** Stops trying again; the outbox still holds what was not acknowledged. */
  close(): void {
    this.delivery.close();
  }

  /** Writes a pending change at once (room close). */
  flush(): Promise<void> {
    return this.saves.flush();
  }

  private changed(change: SyncChange = 'state'): void {
    this.options.onChange(change);
  }

  /** Large clips are offered to the person rather than pulled. */
  private onHave(from: string, ids: string[], large: ClipInfo[]): void {
    this.kept.hold(from, ids);
    const mine = new Set(this.kept.history.map((clip) => clip.id));
    const known = (id: string) => mine.has(id) || this.tombstones.has(id);
    const { wanted, offered } = readOffer(ids, large, known);
    for (const info of offered) this.offers.add(info, from);
    // The next connection asks again.
    if (wanted.length > 0) this.delivery.tellOnce(from, { t: 'want', ids: wanted });
    this.changed();
  }

  private onDeleted(from: string, ids: string[]): void {
    const added = this.tombstones.add(ids);
    if (added.length === 0) return;
    this.forget(added);
    // Passed on, so devices that cannot reach the one that deleted it hear of it too.
    for (const deviceId of this.options.link.reachable())
      if (deviceId !== from) this.delivery.deleted(deviceId, added);
    this.changed();
    void this.save();
  }

  private async remove(ids: string[]): Promise<void> {
    const added = this.tombstones.add(ids);
    this.forget(ids);
    for (const deviceId of this.options.link.reachable()) this.delivery.deleted(deviceId, added);
    this.changed();
    // Written at once, not after the usual moment: a page closed right after must keep it.
    const saved = this.save();
    await this.flush();
    await saved;
  }

  /** Drops clips from everything held about them. */
  private forget(ids: string[]): void {
    this.kept.forget(ids);
    this.offers.drop(ids);
  }

  private onWant(from: string, ids: string[]): void {
    const wanted = new Set(ids);
    // Only clips we really hold are sent; unknown ids are ignored.
    for (const clip of this.kept.history) {
      if (wanted.has(clip.id)) void this.delivery.clip(from, clip);
    }
  }

  private onClip(from: string, clip: Clip): void {
    if (this.tombstones.has(clip.id) || this.kept.inHistory(clip.id)) {
      this.delivery.receipt(from, clip.id);
      this.kept.hold(from, [clip.id]);
      return;
    }
    // No receipt for a clip not kept, so its sender keeps it waiting in its outbox.
    if (!this.clock.see(clip.stamp)) {
      this.refusedCount++;
      this.changed();
      return;
    }
    this.offers.drop([clip.id]);
    this.kept.add([held(clip)]);
    // Older than every clip kept (its sender had not seen them), or past the budget: not kept.
    if (!this.kept.inHistory(clip.id)) return;
    this.delivery.receipt(from, clip.id);
    // Passed on by another device: its author's offer may come after this, or not at all,
    // and its author shows who holds it.
    if (clip.from !== from && this.options.link.reachable().includes(clip.from)) {
      this.delivery.receipt(clip.from, clip.id);
    }
    this.kept.hold(from, [clip.id]);
    this.kept.hold(clip.from, [clip.id]);
    this.kept.forgetEvictedHolders();
    this.changed();
    void this.save();
    if (clip.from !== this.options.selfId) this.options.onReceived?.(clip);
  }

  private onAck(from: string, ids: string[]): void {
    this.kept.hold(from, ids);
    this.delivery.received(from, ids);
    // Another tab shares this disk: the clip has not left the device yet.
    if (!this.options.sameBrowser?.(from) && this.kept.acknowledged(ids)) void this.save();
    this.changed();
  }

  private awaitsReceipt(deviceId: string, id: string): boolean {
    return (
      this.options.link.reachable().includes(deviceId) &&
      !this.kept.holds(deviceId, id) &&
      this.kept.find(id) !== undefined
    );
  }

  /** Resolves once the clips as they are now, or later, are on disk. */
  private save(): Promise<void> {
    return this.saves.request();
  }

  private saved(stored: ReadonlySet<string>, changed: boolean): void {
    const thinned = this.kept.thin(stored);
    if (changed || thinned) this.changed();
  }
}

function newClipId(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(12)));
}
