// The seam between clip sync and the disk: what a room's clips look like saved, and what a
// save reports back (clip-store.ts writes them).

import type { HeldClip } from './held-clip';

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
