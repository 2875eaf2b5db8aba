// Which devices hold each clip, learned from receipts and offers. Kept for clips in the
// history only, so a peer's lists cannot grow memory.

interface Identified {
  id: string;
}

export class Holders {
  private readonly byClip = new Map<string, Set<string>>();

  of(id: string): string[] {
    return [...(this.byClip.get(id) ?? [])];
  }

  add(deviceId: string, ids: string[], history: Identified[]): void {
    const known = new Set(history.map((clip) => clip.id));
    for (const id of ids) {
      if (!known.has(id)) continue;
      let set = this.byClip.get(id);
      if (!set) {
        set = new Set();
        this.byClip.set(id, set);
      }
      set.add(deviceId);
    }
  }

  drop(ids: string[]): void {
    for (const id of ids) this.byClip.delete(id);
  }

  /** Forgets clips no longer in the history. */
  keepOnly(history: Identified[]): void {
    if (this.byClip.size <= history.length) return;
    const known = new Set(history.map((clip) => clip.id));
    for (const id of this.byClip.keys()) if (!known.has(id)) this.byClip.delete(id);
  }
}
