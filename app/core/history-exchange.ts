// History exchange when two devices connect: each offers the ids of its recent clips, and
// describes the large ones, which the other shows as offers rather than pulls.

import { AUTO_FETCH_CHARS, clipInfo, type HeldClip } from './held-clip';
import { recentIds } from './history';
import type { ClipInfo, PeerMessage } from './protocol';

/** How many recent ids each side offers when two devices connect. */
const HAVE_COUNT = 100;

/** What this device offers: its recent ids, with the large clips among them described. */
export function haveMessage(history: readonly HeldClip[]): PeerMessage {
  const ids = recentIds(history, HAVE_COUNT);
  const offered = new Set(ids);
  const large = history
    .filter((clip) => clip.size > AUTO_FETCH_CHARS && offered.has(clip.id))
    .map(clipInfo);
  return large.length > 0 ? { t: 'have', ids, large } : { t: 'have', ids };
}

/** Of another device's offer, the clips to ask for and the large ones to show as offers. */
export function readOffer(
  ids: string[],
  large: ClipInfo[],
  known: (id: string) => boolean,
): { wanted: string[]; offered: ClipInfo[] } {
  const big = new Map(large.filter((info) => info.size > AUTO_FETCH_CHARS).map((i) => [i.id, i]));
  const wanted: string[] = [];
  const offered: ClipInfo[] = [];
  for (const id of ids) {
    if (known(id)) continue;
    const info = big.get(id);
    if (info) offered.push(info);
    else wanted.push(id);
  }
  return { wanted, offered };
}
