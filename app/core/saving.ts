// The seam between clip sync and the disk: what a room's clips look like saved, and what a
// save reports back (clip-store.ts writes them).

import { Coalesced } from './batches';
import type { HeldClip } from './held-clip';
import type { StorageView } from './session-types';

export interface SavedClips {
  /** Newest first. */
  history: HeldClip[];
  /** Clips waiting for a first receipt, oldest first. */
  outbox: HeldClip[];
  /** Ids of deleted clips, oldest first. */
  deleted: string[];
}

/** What a save left on disk. */
export interface SaveReport {
  /** Ids of the clips whose records are on disk. */
  stored: ReadonlySet<string>;
  /** Clips held here that a reload would not find. */
  unsaved: number;
  /** A write was refused for want of space: the device's, or the room's budget. */
  full: boolean;
  /** Why another write failed, in the browser's words. */
  error?: string;
}

/** Where a room's clips live between visits. */
export interface ClipStorage {
  load(): Promise<SavedClips>;
  /**
   * Makes the saved clips these, writing only what changed, as far as `budget` characters
   * and the disk allow; what failed is tried again at the next save.
   */
  save(clips: SavedClips, budget: number): Promise<SaveReport>;
  /** The whole text of a clip whose record holds only its start. */
  text(id: string): Promise<string | undefined>;
}

/**
 * Changes made within this long share one write. A clip sent from here is handed to its
 * links before its write is asked for (sync.ts); the wait lets a large one fill the data
 * channel before the disk takes the page.
 */
const SAVE_DELAY_MS = 20;

export interface SavesOptions {
  storage: ClipStorage;
  /** The clips as they are at the moment of writing, and the budget they must fit. */
  current(): { clips: SavedClips; budget: number };
  /** A write ended: `stored` are on disk; `changed` when what it shows changed. */
  saved(stored: ReadonlySet<string>, changed: boolean): void;
}

/** The write waiting for its moment, shared by every change made meanwhile, and how the last went. */
export class Saves {
  private state: StorageView = { unsaved: 0, full: false };
  private readonly pending = new Coalesced(SAVE_DELAY_MS, () => this.write());

  constructor(private readonly options: SavesOptions) {}

  get view(): StorageView {
    return this.state;
  }

  /** Resolves once the clips as they are now, or later, are on disk. */
  request(): Promise<void> {
    return this.pending.request();
  }

  /** Writes a pending change at once. */
  flush(): Promise<void> {
    return this.pending.flush();
  }

  private async write(): Promise<void> {
    const { clips, budget } = this.options.current();
    let report: SaveReport;
    try {
      report = await this.options.storage.save(clips, budget);
    } catch (cause) {
      const error = cause instanceof Error ? cause.message : String(cause);
      report = { stored: new Set(), unsaved: 0, full: false, error };
    }
    const { unsaved, full, error } = report;
    const last = this.state;
    this.state = error === undefined ? { unsaved, full } : { unsaved, full, error };
    const changed = last.unsaved !== unsaved || last.full !== full || last.error !== error;
    this.options.saved(report.stored, changed);
  }
}
