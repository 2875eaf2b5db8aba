// Several transports seen as one, so tabs of one browser keep syncing over
// BroadcastChannel while the relay is down. Presence is the union of the sources;
// a payload that arrives by two routes is delivered once.

import { PublishError, type Transport, type TransportEvent, type TransportStatus } from './types';

/** How many recent payloads are remembered to drop the copy that took the other route. */
const RECENT_PAYLOADS = 1000;

const SECONDARY_HINT = 'still connected through another transport';

/** Statuses after which a source's members list no longer holds. */
const ENDED: ReadonlySet<TransportStatus> = new Set(['replaced', 'refused', 'closed']);

/** Remembers the last payloads seen; `isNew` is false for a repeat. */
function createRecent(limit: number) {
  const seen = new Set<string>();
  return {
    isNew(key: string): boolean {
      if (seen.has(key)) return false;
      seen.add(key);
      if (seen.size > limit) seen.delete(seen.values().next().value as string);
      return true;
    },
  };
}

type StatusEvent = Extract<TransportEvent, { type: 'status' }>;

/** One subscription's events from every source, merged into what one transport would say. */
class MergedEvents {
  /** Per source: the other devices it lists as present. */
  readonly present: Set<string>[];
  private readonly recent = createRecent(RECENT_PAYLOADS);
  private readonly statuses: (TransportStatus | undefined)[];
  private primaryStatus: StatusEvent | undefined;
  private announced = false;
  private closing = false;

  constructor(
    sources: number,
    private readonly handler: (event: TransportEvent) => void,
  ) {
    this.present = Array.from({ length: sources }, () => new Set<string>());
    this.statuses = Array.from({ length: sources }, () => undefined);
  }

  /** False when it was closed already. */
  close(): boolean {
    if (this.closing) return false;
    this.closing = true;
    return true;
  }

  onEvent(index: number, event: TransportEvent): void {
    if (this.closing) return;
    const set = this.present[index] as Set<string>;
    if (event.type === 'status') {
      this.onStatus(index, event);
    } else if (event.type === 'members') {
      this.setMembers(index, event.devices);
    } else if (event.type === 'join') {
      if (!this.inUnion(event.device)) this.handler(event);
      set.add(event.device);
    } else if (event.type === 'leave') {
      set.delete(event.device);
      if (!this.inUnion(event.device)) this.handler(event);
    } else if (this.recent.isNew(`${event.from}\n${event.payload}`)) {
      // A sealed payload rejects replays, so the copy that took the other route vanishes here.
      this.handler(event);
    }
  }

  private inUnion(device: string): boolean {
    return this.present.some((set) => set.has(device));
  }

  private union(): string[] {
    return [...new Set(this.present.flatMap((set) => [...set]))];
  }

  private secondaryOpen(): boolean {
    return this.statuses.slice(1).includes('open');
  }

  private emitStatus(): void {
    if (!this.primaryStatus) return;
    const { status, detail } = this.primaryStatus;
    const hint = status !== 'open' && this.secondaryOpen() ? SECONDARY_HINT : undefined;
    const text = [detail, hint].filter(Boolean).join('; ');
    this.handler(text ? { type: 'status', status, detail: text } : { type: 'status', status });
  }

  /** Replaces one source's members list and reports how the union changed. */
  private setMembers(index: number, devices: Iterable<string>): void {
    const before = new Set(this.union());
    this.present[index] = new Set(devices);
    if (!this.announced) {
      this.announced = true;
      this.handler({ type: 'members', devices: this.union() });
      return;
    }
    const after = new Set(this.union());
    for (const device of before) if (!after.has(device)) this.handler({ type: 'leave', device });
    for (const device of after) if (!before.has(device)) this.handler({ type: 'join', device });
  }

  private onStatus(index: number, event: StatusEvent): void {
    const wasSecondaryOpen = this.secondaryOpen();
    this.statuses[index] = event.status;
    if (ENDED.has(event.status) && this.announced) this.setMembers(index, []);
    if (index === 0) this.primaryStatus = event;
    if (index === 0 || this.secondaryOpen() !== wasSecondaryOpen) this.emitStatus();
  }
}

export function combineTransports(primary: Transport, ...others: Transport[]): Transport {
  const sources = [primary, ...others];
  // Per source, as the latest subscription sees it: where a message to one device can go.
  let present = sources.map(() => new Set<string>());

  function subscribe(handler: (event: TransportEvent) => void): () => void {
    const current = new MergedEvents(sources.length, handler);
    present = current.present;
    const stops = sources.map((source, index) =>
      source.subscribe((event) => current.onEvent(index, event)),
    );
    return () => {
      if (!current.close()) return;
      for (const stop of stops) stop();
      handler({ type: 'status', status: 'closed' });
    };
  }

  const maxPayload = Math.min(...sources.map((source) => source.maxPayload));

  async function publish(payload: string, to?: string): Promise<void> {
    // Above the limit it offers, one route might still take it and the others not.
    if (payload.length > maxPayload) throw new PublishError('payload too large', 413);
    const targets =
      to === undefined ? sources : sources.filter((_, index) => present[index]?.has(to));
    if (targets.length === 0) throw new PublishError('no such device in the room', 404);
    try {
      await Promise.any(targets.map((source) => source.publish(payload, to)));
    } catch (error) {
      // Every route failed: report the first one's reason, the primary's when it was tried.
      throw error instanceof AggregateError ? error.errors[0] : error;
    }
  }

  return {
    maxPayload,
    subscribe,
    publish,
    get dropped() {
      return sources.reduce((sum, source) => sum + (source.dropped ?? 0), 0);
    },
  };
}
