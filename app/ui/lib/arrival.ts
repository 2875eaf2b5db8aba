// Picks the clip that just came in from another device, for auto-copy.

import type { Clip } from '../../core/protocol';

/**
 * The newest clip in `history` (newest first) that is not in `seen` and was sent by
 * another device. Marks every clip in `history` as seen.
 */
export function takeNewArrival<T extends Pick<Clip, 'id' | 'from'>>(
  history: readonly T[],
  seen: Set<string>,
  selfId: string,
): T | undefined {
  let arrival: T | undefined;
  for (const clip of history) {
    if (seen.has(clip.id)) continue;
    seen.add(clip.id);
    if (arrival === undefined && clip.from !== selfId) arrival = clip;
  }
  return arrival;
}
