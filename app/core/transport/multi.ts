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

export function combineTransports(primary: Transport, ...others: Transport[]): Transport {
  const sources = [primary, ...others];
  // Per source: the other devices it lists as present.
  let present = sources.map(() => new Set<string>());

  const inUnion = (device: string) => present.some((set) => set.has(device));
  const union = () => [...new Set(present.flatMap((set) => [...set]))];

  function subscribe(handler: (event: TransportEvent) => void): () => void {
    present = sources.map(() => new Set<string>());
    const recent = createRecent(RECENT_PAYLOADS);
    const statuses: (TransportStatus | undefined)[] = sources.map(() => undefined);
    let primaryStatus: Extract<TransportEvent, { type: 'status' }> | undefined;
    let announced = false;
    let closing = false;

    const secondaryOpen = () => statuses.slice(1).includes('open');

    function emitStatus(): void {
      if (!primaryStatus) return;
      const { status, detail } = primaryStatus;
      const hint = status !== 'open' && secondaryOpen() ? SECONDARY_HINT : undefined;
      const text = [detail, hint].filter(Boolean).join('; ');
      handler(text ? { type: 'status', status, detail: text } : { type: 'status', status });
    }

    /** Replaces one source's members list and reports how the union changed. */
    function setMembers(index: number, devices: Iterable<string>): void {
      const before = new Set(union());
      present[index] = new Set(devices);
      if (!announced) {
        announced = true;
        handler({ type: 'members', devices: union() });
        return;
      }
      const after = new Set(union());
      for (const device of before) if (!after.has(device)) handler({ type: 'leave', device });
      for (const device of after) if (!before.has(device)) handler({ type: 'join', device });
    }

    function onStatus(index: number, event: Extract<TransportEvent, { type: 'status' }>): void {
      const wasSecondaryOpen = secondaryOpen();
      statuses[index] = event.status;
      if (ENDED.has(event.status) && announced) setMembers(index, []);
      if (index === 0) primaryStatus = event;
      if (index === 0 || secondaryOpen() !== wasSecondaryOpen) emitStatus();
    }

    function onEvent(index: number, event: TransportEvent): void {
      if (closing) return;
      const set = present[index] as Set<string>;
      if (event.type === 'status') {
        onStatus(index, event);
      } else if (event.type === 'members') {
        setMembers(index, event.devices);
      } else if (event.type === 'join') {
        if (!inUnion(event.device)) handler(event);
        set.add(event.device);
      } else if (event.type === 'leave') {
        set.delete(event.device);
        if (!inUnion(event.device)) handler(event);
      } else if (recent.isNew(`${event.from}\n${event.payload}`)) {
        // A sealed payload rejects replays, so the copy that took the other route vanishes here.
        handler(event);
      }
    }

    const stops = sources.map((source, index) =>
      source.subscribe((event) => onEvent(index, event)),
    );
    return () => {
      if (closing) return;
      closing = true;
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
