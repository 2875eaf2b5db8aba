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

export function createMetrics(): Metrics {
  const events = new Map<string, number>();
  const bytes = new Map<string, number>();
  const rejections = new Map<string, number>();
  const drops = new Map<string, number>();
  const buckets = FANOUT_BUCKETS.map(() => 0);
  let fanoutCount = 0;
  let fanoutSum = 0;
  let publishes = 0;
  let publishedBytes = 0;

  return {
    sent(kind, size) {
      increment(events, kind);
      increment(bytes, kind, size);
    },
    published(size) {
      publishes += 1;
      publishedBytes += size;
    },
    rejected: (reason) => increment(rejections, reason),
    dropped: (reason) => increment(drops, reason),
    fanout(seconds) {
      fanoutCount += 1;
      fanoutSum += seconds;
      FANOUT_BUCKETS.forEach((bound, i) => {
        if (seconds <= bound) buckets[i] = (buckets[i] ?? 0) + 1;
      });
    },
    rejections: (reason) => rejections.get(reason) ?? 0,
    drops: (reason) => drops.get(reason) ?? 0,
    render(gauges) {
      const p = 'clipmesh_relay_';
      const histogram = [
        ...FANOUT_BUCKETS.map(
          (bound, i) => `${p}fanout_seconds_bucket{le="${bound}"} ${buckets[i]}\n`,
        ),
        `${p}fanout_seconds_bucket{le="+Inf"} ${fanoutCount}\n`,
        `${p}fanout_seconds_sum ${fanoutSum}\n`,
        `${p}fanout_seconds_count ${fanoutCount}\n`,
      ];
      return [
        family(`${p}rooms`, 'gauge', 'Rooms held in memory.', [`${p}rooms ${gauges.rooms}\n`]),
        family(`${p}subscribers`, 'gauge', 'Open event streams.', [
          `${p}subscribers ${gauges.subscribers}\n`,
        ]),
        family(`${p}queued_bytes`, 'gauge', 'Bytes queued for subscribers, not yet sent.', [
          `${p}queued_bytes ${gauges.queuedBytes}\n`,
        ]),
        family(`${p}kept_bindings`, 'gauge', 'Device bindings kept for rooms that are gone.', [
          `${p}kept_bindings ${gauges.keptBindings}\n`,
        ]),
        family(`${p}publishes_total`, 'counter', 'Publishes accepted.', [
          `${p}publishes_total ${publishes}\n`,
        ]),
        family(`${p}publish_bytes_total`, 'counter', 'Bytes of accepted publish bodies.', [
          `${p}publish_bytes_total ${publishedBytes}\n`,
        ]),
        family(
          `${p}events_sent_total`,
          'counter',
          'SSE frames written to subscribers, by kind.',
          labelled(`${p}events_sent_total`, 'kind', events),
        ),
        family(
          `${p}bytes_sent_total`,
          'counter',
          'Bytes of SSE frames written to subscribers, by kind.',
          labelled(`${p}bytes_sent_total`, 'kind', bytes),
        ),
        family(
          `${p}rejections_total`,
          'counter',
          'Requests refused, by reason.',
          labelled(`${p}rejections_total`, 'reason', rejections),
        ),
        family(
          `${p}subscribers_dropped_total`,
          'counter',
          'Subscribers cut off by the relay, by reason.',
          labelled(`${p}subscribers_dropped_total`, 'reason', drops),
        ),
        family(
          `${p}fanout_seconds`,
          'histogram',
          'Time from a publish arriving to its frame being written to one subscriber.',
          histogram,
        ),
        ...(gauges.cluster ? clusterFamilies(p, gauges.cluster) : []),
      ].join('');
    },
  };
}

function clusterFamilies(p: string, cluster: ClusterStatus): string[] {
  const gauge = (name: string, help: string, value: number) =>
    family(`${p}${name}`, 'gauge', help, [`${p}${name} ${value}\n`]);
  const counter = (name: string, help: string, value: number) =>
    family(`${p}${name}`, 'counter', help, [`${p}${name} ${value}\n`]);
  return [
    gauge(
      'cluster_connected',
      'Whether this relay reaches Redis (1) or not (0).',
      Number(cluster.connected),
    ),
    gauge(
      'cluster_instances',
      'Relay instances with a live heartbeat in Redis.',
      cluster.instances,
    ),
    counter('cluster_events_in_total', 'Room events received from Redis.', cluster.eventsIn),
    counter(
      'cluster_disconnects_total',
      'Times the connection to Redis was lost.',
      cluster.disconnects,
    ),
  ];
}
