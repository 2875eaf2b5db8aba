// Clips other devices hold that are too large to pull unasked: shown to the person, who
// fetches one with a tap. Bounded, since a peer names them.

import { refusal } from './held-clip';
import type { ClipInfo } from './protocol';
import type { SyncLink } from './sync-link';

export const MAX_OFFERS = 50;

export interface OfferView extends ClipInfo {
  /** Asked for; it arrives as a clip. */
  fetching: boolean;
}

interface Offer {
  info: ClipInfo;
  holders: Set<string>;
  fetching: boolean;
}

export class Offers {
  private readonly byId = new Map<string, Offer>();
  /** Changes each time the offers do, so the view is rebuilt only then. */
  private shown: OfferView[] = [];
  private stale = false;

  add(info: ClipInfo, holder: string): void {
    const known = this.byId.get(info.id);
    if (known) {
      known.holders.add(holder);
      return;
    }
    this.byId.set(info.id, { info, holders: new Set([holder]), fetching: false });
    // The first named goes first: a Map keeps the order entries were added in.
    for (const id of this.byId.keys()) {
      if (this.byId.size <= MAX_OFFERS) break;
      this.byId.delete(id);
    }
    this.stale = true;
  }

  /** Devices that said they hold it. */
  holders(id: string): string[] {
    return [...(this.byId.get(id)?.holders ?? [])];
  }

  size(id: string): number | undefined {
    return this.byId.get(id)?.info.size;
  }

  fetching(id: string, fetching: boolean): void {
    const offer = this.byId.get(id);
    if (!offer || offer.fetching === fetching) return;
    offer.fetching = fetching;
    this.stale = true;
  }

  drop(ids: Iterable<string>): void {
    for (const id of ids) if (this.byId.delete(id)) this.stale = true;
  }

  /** Newest first by the sender's time, which is only information here. */
  view(): OfferView[] {
    if (this.stale) {
      this.shown = [...this.byId.values()]
        .map(({ info, fetching }) => ({ ...info, fetching }))
        .sort((a, b) => b.at - a.at);
      this.stale = false;
    }
    return this.shown;
  }
}

/** Asks a device that holds an offered clip for it; null, or why it cannot, in plain words. */
export async function fetchOffered(
  offers: Offers,
  id: string,
  budget: number,
  link: SyncLink,
  changed: () => void,
): Promise<string | null> {
  const size = offers.size(id);
  if (size === undefined) return 'That clip is no longer offered.';
  if (size > budget) return refusal(size, budget);
  const reachable = new Set(link.reachable());
  const holder = offers.holders(id).find((deviceId) => reachable.has(deviceId));
  if (!holder) return 'No device that holds this clip is connected now.';
  offers.fetching(id, true);
  changed();
  try {
    await link.send(holder, { t: 'want', ids: [id] });
    return null;
  } catch {
    offers.fetching(id, false);
    changed();
    return 'The other device could not be asked for that clip. Try again.';
  }
}
