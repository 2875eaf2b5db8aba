// Prometheus text exposition of what the relay counts. No payload ever reaches a label.
import type { ClusterStatus } from './backend';

/** Upper bounds, in seconds, of the publish-to-write fan-out latency buckets. */
const FANOUT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export interface Gauges {
  rooms: number;
  subscribers: number;
  /** Bytes written to subscribers and not yet taken by their sockets, as last seen. */
  queuedBytes: number;
  /** Device-to-key bindings kept for rooms that are gone. */
  keptBindings: number;
  /** With a shared (Redis) backend. */
  cluster?: ClusterStatus;
}

export interface Metrics {
  /** An SSE frame written to a subscriber. */
  sent(kind: string, bytes: number): void;
  /** A publish the relay accepted. */
  published(bytes: number): void;
  /** A request refused, by a short machine reason such as `room_full`. */
  rejected(reason: string): void;
  /** A subscriber cut off by the relay, such as a stuck one. */
  dropped(reason: string): void;
  fanout(seconds: number): void;
  rejections(reason: string): number;
  drops(reason: string): number;
  render(gauges: Gauges): string;
}

function increment(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function family(name: string, type: string, help: string, lines: string[]): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${lines.join('')}`;
}

function labelled(name: string, label: string, values: Map<string, number>): string[] {
  return [...values].map(([key, value]) => `${name}{${label}="${key}"} ${value}\n`);
}

const P = 'clipmesh_relay_';

/** What the relay counted since it started. */
interface Counts {
  events: Map<string, number>;
  bytes: Map<string, number>;
  rejections: Map<string, number>;
  drops: Map<string, number>;
  /** Per bound of FANOUT_BUCKETS, the fan-outs that took at most that long. */
  buckets: number[];
  fanoutCount: number;
  fanoutSum: number;
  publishes: number;
  publishedBytes: number;
}

export function createMetrics(): Metrics {
  const counts: Counts = {
    events: new Map(),
    bytes: new Map(),
    rejections: new Map(),
    drops: new Map(),
    buckets: FANOUT_BUCKETS.map(() => 0),
    fanoutCount: 0,
    fanoutSum: 0,
    publishes: 0,
    publishedBytes: 0,
  };
  return {
    sent(kind, size) {
      increment(counts.events, kind);
      increment(counts.bytes, kind, size);
    },
    published(size) {
      counts.publishes += 1;
      counts.publishedBytes += size;
    },
    rejected: (reason) => increment(counts.rejections, reason),
    dropped: (reason) => increment(counts.drops, reason),
    fanout(seconds) {
      counts.fanoutCount += 1;
      counts.fanoutSum += seconds;
      FANOUT_BUCKETS.forEach((bound, i) => {
        if (seconds <= bound) counts.buckets[i] = (counts.buckets[i] ?? 0) + 1;
      });
    },
    rejections: (reason) => counts.rejections.get(reason) ?? 0,
    drops: (reason) => counts.drops.get(reason) ?? 0,
    render: (gauges) => render(counts, gauges),
  };
}

/** A family of one value without labels. */
function single(name: string, type: string, help: string, value: number): string {
  return family(`${P}${name}`, type, help, [`${P}${name} ${value}\n`]);
}

function byLabel(name: string, label: string, help: string, values: Map<string, number>): string {
  return family(`${P}${name}`, 'counter', help, labelled(`${P}${name}`, label, values));
}

function fanoutHistogram(counts: Counts): string {
  const name = `${P}fanout_seconds`;
  const lines = [
    ...FANOUT_BUCKETS.map((bound, i) => `${name}_bucket{le="${bound}"} ${counts.buckets[i]}\n`),
    `${name}_bucket{le="+Inf"} ${counts.fanoutCount}\n`,
    `${name}_sum ${counts.fanoutSum}\n`,
    `${name}_count ${counts.fanoutCount}\n`,
  ];
  const help = 'Time from a publish arriving to its frame being written to one subscriber.';
  return family(name, 'histogram', help, lines);
}

function render(counts: Counts, gauges: Gauges): string {
  return [
    single('rooms', 'gauge', 'Rooms held in memory.', gauges.rooms),
    single('subscribers', 'gauge', 'Open event streams.', gauges.subscribers),
    single(
      'queued_bytes',
      'gauge',
      'Bytes queued for subscribers, not yet sent.',
      gauges.queuedBytes,
    ),
    single(
      'kept_bindings',
      'gauge',
      'Device bindings kept for rooms that are gone.',
      gauges.keptBindings,
    ),
    single('publishes_total', 'counter', 'Publishes accepted.', counts.publishes),
    single(
      'publish_bytes_total',
      'counter',
      'Bytes of accepted publish bodies.',
      counts.publishedBytes,
    ),
    byLabel(
      'events_sent_total',
      'kind',
      'SSE frames written to subscribers, by kind.',
      counts.events,
    ),
    byLabel(
      'bytes_sent_total',
      'kind',
      'Bytes of SSE frames written to subscribers, by kind.',
      counts.bytes,
    ),
    byLabel('rejections_total', 'reason', 'Requests refused, by reason.', counts.rejections),
    byLabel(
      'subscribers_dropped_total',
      'reason',
      'Subscribers cut off by the relay, by reason.',
      counts.drops,
    ),
    fanoutHistogram(counts),
    ...(gauges.cluster ? clusterFamilies(gauges.cluster) : []),
  ].join('');
}

function clusterFamilies(cluster: ClusterStatus): string[] {
  return [
    single(
      'cluster_connected',
      'gauge',
      'Whether this relay reaches Redis (1) or not (0).',
      Number(cluster.connected),
    ),
    single(
      'cluster_instances',
      'gauge',
      'Relay instances with a live heartbeat in Redis.',
      cluster.instances,
    ),
    single(
      'cluster_events_in_total',
      'counter',
      'Room events received from Redis.',
      cluster.eventsIn,
    ),
    single(
      'cluster_disconnects_total',
      'counter',
      'Times the connection to Redis was lost.',
      cluster.disconnects,
    ),
  ];
}
