// The history drawn in groups of clips that keep their members, so a new clip redraws its
// group only, not a list of 200. Groups are runs of the history counted from its oldest
// end: new clips fill the newest group, and the cap takes clips from the oldest.

/** Clips per group, before a group is closed for new clips. */
export const GROUP_SIZE = 20;

interface Identified {
  id: string;
}

export interface ClipGroup<T> {
  /** Stable while the group lives, even when its oldest clip leaves. */
  key: string;
  /** Newest first, like the history; the same array while the group is unchanged. */
  clips: T[];
}

export class ClipGroups<T extends Identified> {
  /** Ids that begin a group. */
  private readonly starts = new Set<string>();
  private last = new Map<string, T[]>();
  /** Each clip's group key at the last grouping. */
  private keyOf = new Map<string, string>();

  constructor(private readonly size = GROUP_SIZE) {}

  /** `history` newest first; returns its groups, newest first. */
  group(history: readonly T[]): ClipGroup<T>[] {
    const groups: ClipGroup<T>[] = [];
    const keyOf = new Map<string, string>();
    let run: T[] = [];
    let key = '';
    const close = () => {
      if (run.length > 0) groups.push({ key, clips: this.reuse(key, run.reverse()) });
    };
    for (let i = history.length - 1; i >= 0; i--) {
      const clip = history[i] as T;
      const full = run.length >= this.size;
      if (run.length > 0 && (full || this.starts.has(clip.id))) {
        close();
        run = [];
      }
      if (run.length === 0) {
        // A group whose oldest clip left carries on under its key; a split-off part is new.
        const before = this.keyOf.get(clip.id);
        key =
          before !== undefined && !groups.some((group) => group.key === before) ? before : clip.id;
        this.starts.add(clip.id);
      }
      keyOf.set(clip.id, key);
      run.push(clip);
    }
    close();
    this.keyOf = keyOf;
    this.forget(history, groups);
    return groups.reverse();
  }

  private reuse(key: string, clips: T[]): T[] {
    const before = this.last.get(key);
    const same = before?.length === clips.length && before.every((clip, i) => clip === clips[i]);
    return same && before ? before : clips;
  }

  /** Starts and arrays of clips gone from the history are dropped, so memory stays bounded. */
  private forget(history: readonly T[], groups: ClipGroup<T>[]): void {
    const held = new Set(history.map((clip) => clip.id));
    for (const id of this.starts) if (!held.has(id)) this.starts.delete(id);
    this.last = new Map(groups.map((group) => [group.key, group.clips]));
  }
}
