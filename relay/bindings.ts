// Device-to-key bindings that outlive their room. Once another device may have seen a device id
// (in `members`, or as a sender), the id stays bound to its key after the room is swept, so nobody
// can claim it when the room comes back. Bounded in count, and forgotten after a long idle time.

import { createHash, hash } from 'node:crypto';

// Hashed on every publish; the one-shot hash (Node 20.12+) skips building a Hash object.
export const hashKey: (key: string) => Buffer =
  typeof hash === 'function'
    ? (key) => hash('sha256', key, 'buffer')
    : (key) => createHash('sha256').update(key).digest();

interface Kept {
  hash: Buffer;
  /** When the binding was last kept or used; the map's order follows it. */
  at: number;
}

export class Bindings {
  private readonly kept = new Map<string, Kept>();

  constructor(
    private readonly max: number,
    private readonly ttlMs: number,
  ) {}

  get size(): number {
    return this.kept.size;
  }

  get(room: string, device: string): Buffer | undefined {
    return this.kept.get(`${room} ${device}`)?.hash;
  }

  /** Keeps (or refreshes) a binding; past the cap the longest unused one goes. */
  keep(room: string, device: string, hash: Buffer, now: number): void {
    const id = `${room} ${device}`;
    this.kept.delete(id);
    this.kept.set(id, { hash, at: now });
    while (this.kept.size > this.max) {
      const oldest = this.kept.keys().next().value;
      if (oldest === undefined) break;
      this.kept.delete(oldest);
    }
  }

  /** Forgets bindings unused for the time to live; the oldest come first, so it stops early. */
  sweep(now: number): void {
    for (const [id, kept] of this.kept) {
      if (now - kept.at < this.ttlMs) break;
      this.kept.delete(id);
    }
  }
}
