// The clips this device keeps for a room: the history, the outbox of those sent from here and
// not yet acknowledged, and who holds each. The history stays within the cap and the budget;
// the outbox is never cut, since those clips are on no other device.

import { ClipViews } from './clip-views';
import { type HeldClip, thinStored, withinBudget } from './held-clip';
import { mergeClips } from './history';
import { Holders } from './holders';
import type { SavedClips } from './saving';
import type { ClipView } from './session-types';

export class KeptClips {
  private historyClips: HeldClip[] = [];
  private outboxClips: HeldClip[] = [];
  /** Who holds each clip, from receipts and offers; only for clips in the history. */
  private readonly holders = new Holders();
  private readonly views = new ClipViews();

  constructor(
    private budgetChars: number,
    private readonly cap: number,
  ) {}

  /** Newest first. */
  get history(): readonly HeldClip[] {
    return this.historyClips;
  }

  /** Oldest first, the order to send in. */
  get outbox(): readonly HeldClip[] {
    return this.outboxClips;
  }

  get budget(): number {
    return this.budgetChars;
  }

  /** What a save writes. */
  saved(deleted: string[]): SavedClips {
    return { history: this.historyClips, outbox: this.outboxClips, deleted };
  }

  view(): ClipView[] {
    return this.views.of(this.historyClips, this.outboxClips, this.holders);
  }

  load(history: HeldClip[], outbox: HeldClip[]): void {
    this.outboxClips = outbox;
    this.historyClips = this.merge([...history, ...outbox]);
  }

  /** A clip sent from here waits in the outbox until a receipt comes. */
  wait(clip: HeldClip): void {
    this.outboxClips = [...this.outboxClips, clip];
  }

  /** Merged into the history; what falls out of it is not kept. */
  add(clips: HeldClip[]): void {
    this.historyClips = this.merge(clips);
  }

  inHistory(id: string): boolean {
    return this.historyClips.some((clip) => clip.id === id);
  }

  /** A clip of the history or the outbox. */
  find(id: string): HeldClip | undefined {
    return [...this.historyClips, ...this.outboxClips].find((clip) => clip.id === id);
  }

  ids(): string[] {
    return [...this.historyClips, ...this.outboxClips].map((clip) => clip.id);
  }

  /** The room may take this many characters here from now on; older clips go to fit. */
  setBudget(chars: number): void {
    this.budgetChars = chars;
    this.historyClips = withinBudget(this.historyClips, this.outboxClips, chars);
    this.forgetEvictedHolders();
  }

  /** Drops clips from the history, the outbox and who holds them. */
  forget(ids: string[]): void {
    const gone = new Set(ids);
    this.historyClips = this.historyClips.filter((clip) => !gone.has(clip.id));
    this.dropFromOutbox(ids);
    this.holders.drop(ids);
  }

  /** Acknowledged clips leave the outbox; true when some did. */
  acknowledged(ids: string[]): boolean {
    if (!this.dropFromOutbox(ids)) return false;
    // Clips no longer waiting may be cut now, so the cap holds again.
    this.historyClips = this.merge([]);
    this.forgetEvictedHolders();
    return true;
  }

  hold(deviceId: string, ids: string[]): void {
    this.holders.add(deviceId, ids, this.historyClips);
  }

  holds(deviceId: string, id: string): boolean {
    return this.holders.of(id).includes(deviceId);
  }

  forgetEvictedHolders(): void {
    this.holders.keepOnly(this.historyClips);
  }

  /** Large clips now on disk need not stay whole in memory; true when some were thinned. */
  thin(stored: ReadonlySet<string>): boolean {
    const history = thinStored(this.historyClips, stored);
    const outbox = thinStored(this.outboxClips, stored);
    const thinned = history !== this.historyClips || outbox !== this.outboxClips;
    this.historyClips = history;
    this.outboxClips = outbox;
    return thinned;
  }

  /**
   * History and outbox merged with clips, then the oldest dropped to fit the budget. Clips
   * waiting to be delivered from here are never cut: they would vanish unsent.
   */
  private merge(clips: HeldClip[]): HeldClip[] {
    const waiting = new Set(this.outboxClips.map((clip) => clip.id));
    // mergeClips returns the very clips it is given, so they are still HeldClips.
    const merged = mergeClips(this.historyClips, clips, this.cap, waiting) as HeldClip[];
    return withinBudget(merged, this.outboxClips, this.budgetChars);
  }

  /** True when the outbox changed. */
  private dropFromOutbox(ids: string[]): boolean {
    const gone = new Set(ids);
    const kept = this.outboxClips.filter((clip) => !gone.has(clip.id));
    if (kept.length === this.outboxClips.length) return false;
    this.outboxClips = kept;
    return true;
  }
}
