// The relay benchmark's targets (issue #2), shared by bench:relay and the combined table.
export const RELAY_TARGETS = {
  subscribers: { min: 10_000 },
  rss_kib_per_subscriber: { max: 16 },
  publish_per_s: { min: 5000 },
  fanout_p50_ms: { max: 1 },
  fanout_p99_ms: { max: 10 },
  errors: { max: 0 },
};
