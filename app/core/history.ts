// Clip history as plain values: merging what arrives, and working out what to ask for.

import type { Clip } from './protocol';

export const HISTORY_CAP = 200;
export const RECENT_IDS = 100;

/**
 * Newest first by causal stamp, then by id so every device shows the same order. Capped; the
 * clips in `keep` (this device's waiting outbox) are never cut, and the cap cuts others first.
 */
export function mergeClips(
  history: Clip[],
  incoming: Clip[],
  cap = HISTORY_CAP,
  keep: ReadonlySet<string> = new Set(),
): Clip[] {
  const byId = new Map<string, Clip>();
  // A clip never changes once sent, so the copy already held wins.
  for (const clip of [...history, ...incoming]) if (!byId.has(clip.id)) byId.set(clip.id, clip);
  const sorted = [...byId.values()].sort(newestFirst);
  let room = Math.max(0, cap) - sorted.filter((clip) => keep.has(clip.id)).length;
  return sorted.filter((clip) => keep.has(clip.id) || room-- > 0);
}

/** Ids of theirs that I do not hold, each once, in their order. */
export function missingIds(mine: Clip[], theirIds: string[]): string[] {
  const held = new Set(mine.map((clip) => clip.id));
  const missing = new Set<string>();
  for (const id of theirIds) if (!held.has(id)) missing.add(id);
  return [...missing];
}

/** Ids of the newest clips of a history kept newest first. */
export function recentIds(history: readonly Clip[], n = RECENT_IDS): string[] {
  return history.slice(0, Math.max(0, n)).map((clip) => clip.id);
}

function newestFirst(a: Clip, b: Clip): number {
  if (a.stamp !== b.stamp) return b.stamp - a.stamp;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
