// Ids of deleted clips, kept (and saved) so that no device brings a deleted clip back.
// Bounded: past the cap the oldest are forgotten, by then long gone from every history.

import { ID_PATTERN } from './protocol';

export const MAX_TOMBSTONES = 2000;

export class Tombstones {
  /** Oldest first: a Set keeps the order ids were added in. */
  private readonly ids = new Set<string>();

  constructor(saved: string[] = []) {
    this.add(saved);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Returns the ids not known before. */
  add(ids: Iterable<string>): string[] {
    const added: string[] = [];
    for (const id of ids) {
      if (this.ids.has(id) || !ID_PATTERN.test(id)) continue;
      this.ids.add(id);
      added.push(id);
    }
    for (const id of this.ids) {
      if (this.ids.size <= MAX_TOMBSTONES) break;
      this.ids.delete(id);
    }
    return added;
  }

  /** Oldest first. */
  list(): string[] {
    return [...this.ids];
  }
}
