// Relay load benchmark: starts dist/relay.mjs on loopback, holds 10k SSE subscribers in rooms
// of 2 to 4 devices, publishes at a fixed rate for a fixed time, then reports memory per
// subscriber, accepted publishes per second and fan-out latency. Loopback only, bounded, and
// it stops by itself. Usage: node bench/relay.mjs [--subscribers N] [--rate N] [--duration S]
// With --instances N (2 or more) it starts a throwaway redis-server and N relays sharing it, puts
// each room's devices on different relays so messages cross instances, and measures one in-memory
// relay under the same load first, for comparison (bench/results/relay-cluster.json).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startRedis } from '../scripts/redis-process.mjs';
import { launchRelay } from '../scripts/relay-process.mjs';
import { fetchText, responseReader, sseReader } from './relay-client.mjs';
import { RELAY_TARGETS } from './relay-targets.mjs';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_FILE = `${REPO_ROOT}bench/results/relay.json`;
const CLUSTER_RESULTS_FILE = `${REPO_ROOT}bench/results/relay-cluster.json`;
const FD_LIMIT = 20_000;
// Each 127.0.0.x source address has its own ~28k ephemeral ports and its own per-IP quota.
const SOURCE_ADDRESS_COUNT = 16;
const ROOM_SIZES = [2, 3, 4];
// Connects in flight at once: stays under the relay's listen backlog (Node's default is 511).
const CONNECT_WINDOW = 200;
const QUIET_CPU_PERCENT = 25;
const QUIET_WAIT_MS = 60_000;

const { values: opts } = parseArgs({
  options: {
    relay: { type: 'string', default: `${REPO_ROOT}dist/relay.mjs` },
    subscribers: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '5250' },
    duration: { type: 'string', default: '20' },
    'publish-connections': { type: 'string', default: '64' },
    'broadcast-share': { type: 'string', default: '0.5' },
    'payload-bytes': { type: 'string', default: '256' },
    instances: { type: 'string', default: '1' },
  },
});
const INSTANCES = Number(opts.instances);
// Two runs (one relay, then the cluster) when there are several instances.
const HARD_STOP_MS = INSTANCES > 1 ? 340_000 : 170_000;
const SUBSCRIBERS = Number(opts.subscribers);
const RATE = Number(opts.rate);
const DURATION_S = Number(opts.duration);
const PUBLISH_CONNECTIONS = Number(opts['publish-connections']);
const BROADCAST_SHARE = Number(opts['broadcast-share']);
const PAYLOAD_BYTES = Number(opts['payload-bytes']);

const WARM_UP_DEVICES = 60;

/**
 * The relay limits this load would hit, raised just past it (warm-up rooms stay for their grace
 * period). The per-device and per-room publish rates keep their defaults: random senders stay
 * far below them.
 */
function relayFlags(roomCount, redisUrl) {
  const streams = SUBSCRIBERS + WARM_UP_DEVICES;
  const shared = redisUrl ? [['--redis', redisUrl]] : [];
  return [
    ...shared,
    ['--max-connections', streams],
    ['--max-connections-per-ip', Math.ceil(streams / SOURCE_ADDRESS_COUNT)],
    ['--max-rooms', roomCount + WARM_UP_DEVICES],
    ['--max-rooms-per-ip', Math.ceil((roomCount + WARM_UP_DEVICES) / SOURCE_ADDRESS_COUNT) + 1],
    // The publishers share a few addresses, so each address may carry the whole rate.
    ['--ip-publish-rate', RATE],
    ['--ip-publish-burst', RATE],
  ].flatMap((pair) => pair.map(String));
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
const nowMs = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const sourceAddress = (i) => `127.0.0.${2 + (i % SOURCE_ADDRESS_COUNT)}`;

const NO_ERRORS = {
  subscribe_failed: 0,
  subscriber_dropped: 0,
  publish_rejected: 0,
  publish_socket_errors: 0,
  deliveries_lost: 0,
};
let errors = { ...NO_ERRORS };
/** @type {Record<string, number>} */
const rejectedByStatus = {};
let stopping = false;

main().catch((error) => {
  console.error(`bench failed: ${error.stack ?? error}`);
  process.exit(1);
});

async function main() {
  if (reexecForLoad()) return;
  if (!existsSync(opts.relay)) {
    throw new Error(`${opts.relay} is missing: run \`npm run build:relay\` first.`);
  }
  const hardStop = setTimeout(() => {
    console.error(`bench: hard stop after ${HARD_STOP_MS / 1000} s`);
    process.exit(2);
  }, HARD_STOP_MS);
  hardStop.unref();

  const otherCpuBefore = await waitForQuietMachine();
  if (INSTANCES > 1) {
    await clusterRun(otherCpuBefore);
    process.exit(0);
  }
  const run = await runPhase(1);
  const results = summarize(run, otherCpuBefore);
  mkdirSync(`${REPO_ROOT}bench/results`, { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  printTable(results);
  console.log(`wrote ${RESULTS_FILE}`);
  process.exit(0);
}

/** One in-memory relay, then INSTANCES relays sharing a throwaway Redis, under the same load. */
async function clusterRun(otherCpuBefore) {
  const single = await runPhase(1);
  const redis = await startRedis();
  let cluster;
  try {
    cluster = await runPhase(INSTANCES, redis.url, redis.pid());
  } finally {
    await redis.stop();
  }
  const both = [single, cluster].map((run) => summarize(run, otherCpuBefore));
  const [one, many] = both;
  const results = {
    subscribers: many.subscribers,
    instances: INSTANCES,
    fanout_p50_ms: many.fanout_p50_ms,
    fanout_p99_ms: many.fanout_p99_ms,
    single_fanout_p50_ms: one.fanout_p50_ms,
    single_fanout_p99_ms: one.fanout_p99_ms,
    rss_kib_per_subscriber: many.rss_kib_per_subscriber,
    errors: many.errors,
    lost: many.context.errors_by_kind.deliveries_lost,
    context: {
      note: 'fan-out is publish to receipt at the device; every room spans instances',
      publish_per_s: many.publish_per_s,
      single_publish_per_s: one.publish_per_s,
      single_rss_kib_per_subscriber: one.rss_kib_per_subscriber,
      single_errors: one.errors,
      redis_rss_kib_held: cluster.redisRssHeld,
      cluster: many.context,
      single: one.context,
    },
  };
  mkdirSync(`${REPO_ROOT}bench/results`, { recursive: true });
  writeFileSync(CLUSTER_RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  const { context, ...figures } = results;
  console.log(JSON.stringify(figures, null, 2));
  console.log(`errors by kind: ${JSON.stringify(many.context.errors_by_kind)}`);
  console.log(`wrote ${CLUSTER_RESULTS_FILE}`);
}

/** Starts `instances` relays, holds SUBSCRIBERS across them, publishes, and measures. */
async function runPhase(instances, redisUrl, redisPid) {
  errors = { ...NO_ERRORS };
  stopping = false;
  const rooms = planRooms(SUBSCRIBERS);
  const flags = relayFlags(rooms.length, redisUrl);
  const relays = [];
  for (let i = 0; i < instances; i++) relays.push(await startRelay(flags));
  const ports = relays.map((relay) => relay.port);
  const pids = relays.map((relay) => relay.pid);
  console.log(`relays ${pids.join(',')} on ports ${ports.join(',')}; ${rooms.length} rooms`);
  for (const port of ports) await warmUp([port]);
  const rssOf = async () => sum(await Promise.all(pids.map(settledRssKib)));
  const rssIdle = await rssOf();

  const connectStart = nowMs();
  const subscribers = await subscribeAll(ports, rooms);
  const connectSeconds = (nowMs() - connectStart) / 1000;
  const rssHeld = await rssOf();
  const redisRssHeld = redisPid ? readRssKib(redisPid) : undefined;
  console.log(`${subscribers.held()} subscribers held after ${connectSeconds.toFixed(1)} s`);

  const load = await publishLoad(pids, ports, rooms);
  const rssAfterLoad = sum(pids.map(readRssKib));
  const metrics = parseMetrics(await fetchText(ports[0], '/metrics'));

  const held = subscribers.held();
  stopping = true;
  for (const relay of relays) relay.kill();
  subscribers.close();
  errors.subscriber_dropped += subscribers.dropped();
  errors.deliveries_lost = Math.max(0, load.expectedDeliveries - subscribers.received());
  const memory = { rssIdle, rssHeld, rssAfterLoad };
  const setup = { flags, rooms, connectSeconds };
  return { held, memory, load, subscribers, metrics, setup, redisRssHeld, errors };
}

const sum = (values) => values.reduce((total, n) => total + n, 0);

/** The figures with targets first, then what a reader needs to judge them. */
function summarize(run, otherCpuBefore) {
  const { held, memory, load, subscribers, metrics, setup, errors } = run;
  const { rssIdle, rssHeld, rssAfterLoad } = memory;
  const { flags, rooms, connectSeconds } = setup;
  const otherCpu = load.machineCpuPercent - load.relayCpuPercent - load.benchCpuPercent;
  return {
    subscribers: held,
    rss_kib_per_subscriber: round((rssHeld - rssIdle) / Math.max(held, 1), 2),
    publish_per_s: round(load.accepted / load.seconds, 0),
    fanout_p50_ms: round(percentile(subscribers.latencies(), 0.5), 3),
    fanout_p99_ms: round(percentile(subscribers.latencies(), 0.99), 3),
    errors: Object.values(errors).reduce((sum, n) => sum + n, 0),
    context: {
      date: new Date().toISOString(),
      node: process.version,
      relay: opts.relay,
      relay_flags: flags,
      rooms: rooms.length,
      room_sizes: ROOM_SIZES,
      source_addresses: `127.0.0.2-127.0.0.${1 + SOURCE_ADDRESS_COUNT}`,
      connect_seconds: round(connectSeconds, 1),
      rss_kib_idle: rssIdle,
      rss_kib_held: rssHeld,
      rss_kib_after_load: rssAfterLoad,
      publish_offered_per_s: RATE,
      publish_seconds: round(load.seconds, 1),
      publish_connections: PUBLISH_CONNECTIONS,
      publishes_accepted: load.accepted,
      broadcast_share: BROADCAST_SHARE,
      payload_bytes: PAYLOAD_BYTES,
      deliveries_expected: load.expectedDeliveries,
      deliveries_received: subscribers.received(),
      delivered_field_mismatches: load.deliveredMismatches,
      latency_samples: subscribers.latencies().length,
      relay_cpu_percent: load.relayCpuPercent,
      bench_cpu_percent: load.benchCpuPercent,
      machine_cpu_percent: load.machineCpuPercent,
      machine_cores: availableParallelism(),
      other_cpu_percent_before: otherCpuBefore,
      other_cpu_percent: Math.max(0, otherCpu),
      bench_event_loop_p99_ms: load.loopDelayP99Ms,
      errors_by_kind: errors,
      rejected_by_status: rejectedByStatus,
      relay_metrics: metrics,
    },
  };
}

/**
 * Other work on the machine skews every figure here, so wait a little for it to calm down.
 * Returns the busy percentage (of all cores, 100 per core) seen last.
 */
async function waitForQuietMachine() {
  let busy = 0;
  for (let waited = 0; waited < QUIET_WAIT_MS; waited += 1000) {
    const before = readMachineCpuSeconds();
    await sleep(1000);
    busy = Math.round(100 * (readMachineCpuSeconds() - before));
    if (busy <= QUIET_CPU_PERCENT) return busy;
    if (waited === 0) console.log(`machine busy (${busy}% CPU in other processes); waiting`);
  }
  console.log(`machine still busy (${busy}% CPU); going on, figures will be pessimistic`);
  return busy;
}

/**
 * Runs this script again under `ulimit -n` (Node cannot raise its own fd limit) and with a
 * larger young generation: fewer scavenges of the generator's heap, which would otherwise add
 * their pauses to the fan-out latency it measures.
 */
function reexecForLoad() {
  if (process.env.CLIPMESH_BENCH_REEXEC) return false;
  const command = `ulimit -n ${FD_LIMIT} && exec "$0" "$@"`;
  const node = [process.execPath, '--max-semi-space-size=64'];
  const child = spawn('sh', ['-c', command, ...node, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, CLIPMESH_BENCH_REEXEC: '1' },
  });
  child.on('exit', (code) => process.exit(code ?? 1));
  return true;
}

/** Starts the relay with a raised fd limit; resolves once it listens. */
async function startRelay(flags) {
  let tail = '';
  const { child, port } = await launchRelay({
    bundle: opts.relay,
    args: ['--port', '0', '--host', '127.0.0.1', ...flags],
    fdLimit: FD_LIMIT,
    onOutput: (text) => {
      tail = (tail + text).slice(-4000);
    },
  });
  process.on('exit', () => child.kill('SIGKILL'));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));
  // Its own flag: the exit of a relay killed at the end of one run arrives during the next.
  let killed = false;
  child.on('exit', (code, signal) => {
    if (stopping || killed) return;
    console.error(`relay exited mid-run (code ${code}, signal ${signal})\n${tail}`);
    process.exit(1);
  });
  const kill = () => {
    killed = true;
    child.kill('SIGKILL');
  };
  return { pid: child.pid, port, kill };
}

/** Median RSS over two seconds: the relay's heap grows and shrinks with garbage collection. */
async function settledRssKib(pid) {
  await sleep(1000);
  const samples = [];
  for (let i = 0; i < 9; i++) {
    samples.push(readRssKib(pid));
    await sleep(250);
  }
  return percentile(samples, 0.5);
}

function readRssKib(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
}

/** Busy CPU seconds of the whole machine, to show what else competed for the cores. */
function readMachineCpuSeconds() {
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/ +/).slice(1).map(Number);
  const total = ticks.reduce((sum, n) => sum + n, 0);
  // idle and iowait are the 4th and 5th columns, in clock ticks of 1/100 s.
  return (total - ticks[3] - ticks[4]) / 100;
}

/** CPU seconds (user + system) the process has used so far. */
function readCpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15, in clock ticks of 1/100 s on Linux.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * @typedef {{ id: string, devices: { id: string, key: string }[] }} Room
 * Rooms of 2, 3 and 4 devices in turn; the last ones absorb the remainder.
 */
function planRooms(subscriberCount, prefix = 'benchroom') {
  /** @type {Room[]} */
  const rooms = [];
  let device = 0;
  for (let remaining = subscriberCount; remaining > 0; ) {
    const cycle = ROOM_SIZES[rooms.length % ROOM_SIZES.length];
    const size = remaining <= 4 ? remaining : Math.min(cycle, remaining - 2);
    const devices = [];
    for (let i = 0; i < size; i++, device++) {
      const n = String(device).padStart(8, '0');
      devices.push({ id: `${prefix}dev${n}`, key: `${prefix}key${n}secret` });
    }
    rooms.push({ id: `${prefix}${String(rooms.length).padStart(8, '0')}`, devices });
    remaining -= size;
  }
  return rooms;
}

/** Exercises both code paths once, so JIT code and pools count as idle memory. */
async function warmUp(ports) {
  const rooms = planRooms(WARM_UP_DEVICES, `warm${ports[0]}room`);
  const subscribers = await subscribeAll(ports, rooms);
  const load = publishers(ports, rooms, 8, () => {});
  for (let i = 0; i < 1000; i++) {
    while (!load.trySend()) await sleep(1);
  }
  await load.drain();
  load.close();
  subscribers.close();
}

/** What the streams of one run held and received, counted as it goes. */
function streamTally() {
  return {
    /** @type {net.Socket[]} */
    sockets: [],
    /** @type {number[]} */
    latencies: [],
    held: 0,
    dropped: 0,
    received: 0,
  };
}

/** One device's SSE stream; resolves once the relay answered, or the socket closed first. */
function openStream(tally, { room, device, port }, index) {
  const onMessage = (data) => {
    // Only the send time leading the payload matters; no need to parse the whole JSON.
    const start = data.indexOf('"payload":"') + 11;
    const sentAt = Number(data.slice(start, data.indexOf('_', start)));
    tally.received++;
    tally.latencies.push(nowMs() - sentAt / 1000);
  };
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: sourceAddress(index) });
    tally.sockets.push(socket);
    socket.setEncoding('latin1');
    let answered = false;
    let ok = false;
    const sse = sseReader((event, data) => {
      if (event === 'message') onMessage(data);
      else if (event === 'replaced') socket.destroy();
    });
    socket.on(
      'data',
      responseReader({
        onHead: (status) => {
          answered = true;
          ok = status === 200;
          if (ok) tally.held++;
          else errors.subscribe_failed++;
          resolve();
        },
        onData: (text) => ok && sse(text),
        onEnd: () => socket.destroy(),
      }),
    );
    socket.on('error', () => {});
    socket.on('close', () => {
      if (!answered) {
        errors.subscribe_failed++;
        return resolve();
      }
      if (!ok) return;
      tally.held--;
      if (!stopping) tally.dropped++;
    });
    const query = `device=${device.id}&key=${device.key}`;
    socket.write(
      `GET /v1/rooms/${room.id}/events?${query} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
        'Accept: text/event-stream\r\nConnection: keep-alive\r\n\r\n',
    );
  });
}

/**
 * Opens one SSE stream per device, a window of connects at a time, and tracks deliveries.
 * The devices of a room take the relays (`ports`) in turn, so with several its traffic crosses.
 */
async function subscribeAll(ports, rooms) {
  const devices = rooms.flatMap((room) =>
    room.devices.map((device, slot) => ({ room, device, port: ports[slot % ports.length] })),
  );
  const tally = streamTally();
  let next = 0;
  const worker = async () => {
    while (next < devices.length) {
      const index = next++;
      await openStream(tally, devices[index], index);
    }
  };
  await Promise.all(Array.from({ length: CONNECT_WINDOW }, worker));
  return {
    held: () => tally.held,
    dropped: () => tally.dropped,
    received: () => tally.received,
    latencies: () => tally.latencies,
    close: () => {
      for (const socket of tally.sockets) socket.destroy();
    },
  };
}

/**
 * A pool of keep-alive connections for POSTs, one request in flight on each.
 * `trySend` publishes from a random device of a random room, or returns false when all are busy.
 */
function publishers(ports, rooms, count, onAccepted) {
  const padding = 'A'.repeat(PAYLOAD_BYTES);
  const pool = Array.from({ length: count }, (_, i) =>
    publishConnection(ports[i % ports.length], i, onAccepted),
  );
  return {
    trySend() {
      const index = pool.findIndex((c) => c.idle());
      const connection = pool[index];
      if (!connection) return false;
      const room = rooms[Math.floor(Math.random() * rooms.length)];
      // A device publishes through the relay it subscribed to (subscribeAll's turns).
      const slot = index % ports.length;
      const turns = Math.ceil((room.devices.length - slot) / ports.length);
      const from =
        turns > 0
          ? slot + ports.length * Math.floor(Math.random() * turns)
          : Math.floor(Math.random() * room.devices.length);
      const sender = room.devices[from];
      const broadcast = Math.random() < BROADCAST_SHARE;
      const shift = 1 + Math.floor(Math.random() * (room.devices.length - 1));
      const to = broadcast ? undefined : room.devices[(from + shift) % room.devices.length].id;
      // The payload is opaque to the relay: the send time leads, padding keeps it realistic.
      const sentAt = `${Math.round(nowMs() * 1000)}_`;
      const payload = sentAt + padding.slice(sentAt.length);
      const body = JSON.stringify({ device: sender.id, key: sender.key, to, payload });
      connection.send(room.id, body, broadcast ? room.devices.length - 1 : 1);
      return true;
    },
    async drain() {
      for (let waited = 0; waited < 5000 && pool.some((c) => !c.idle()); waited += 10) {
        await sleep(10);
      }
    },
    close: () => {
      for (const c of pool) c.close();
    },
  };
}

function publishConnection(port, index, onAccepted) {
  let socket;
  let closed = false;
  let busy = false;
  let expected = 0;
  let status = 0;
  let body = '';
  const connect = () => {
    socket = net.connect({ port, host: '127.0.0.1', localAddress: sourceAddress(index) });
    socket.setEncoding('latin1');
    socket.setNoDelay(true);
    socket.on(
      'data',
      responseReader({
        onHead: (code) => {
          status = code;
          body = '';
        },
        onData: (text) => {
          body += text;
        },
        onEnd: () => {
          busy = false;
          if (status === 202) return onAccepted(expected, JSON.parse(body).delivered);
          errors.publish_rejected++;
          rejectedByStatus[status] = (rejectedByStatus[status] ?? 0) + 1;
        },
      }),
    );
    socket.on('error', () => {});
    socket.on('close', () => {
      if (stopping || closed) return;
      // A keep-alive socket closed by the server is reopened; a request lost with it counts.
      if (busy) errors.publish_socket_errors++;
      busy = false;
      connect();
    });
  };
  connect();
  return {
    idle: () => !busy,
    send(room, json, deliveries) {
      busy = true;
      expected = deliveries;
      socket.write(
        `POST /v1/rooms/${room}/messages HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n${json}`,
      );
    },
    close() {
      closed = true;
      socket.destroy();
    },
  };
}

/** Publishes at RATE per second for DURATION_S, open loop, paced by a 1 ms tick. */
async function publishLoad(pids, ports, rooms) {
  let accepted = 0;
  let expectedDeliveries = 0;
  let deliveredMismatches = 0;
  const load = publishers(ports, rooms, PUBLISH_CONNECTIONS, (expected, delivered) => {
    accepted++;
    expectedDeliveries += expected;
    if (delivered !== expected) deliveredMismatches++;
  });
  await sleep(200);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const relayCpu = () => sum(pids.map(readCpuSeconds));
  const relayCpuStart = relayCpu();
  const machineCpuStart = readMachineCpuSeconds();
  const benchCpuStart = process.cpuUsage();
  const start = nowMs();
  let sent = 0;
  await new Promise((resolve) => {
    const tick = setInterval(() => {
      const elapsed = nowMs() - start;
      if (elapsed >= DURATION_S * 1000) {
        clearInterval(tick);
        return resolve();
      }
      // Catch up on what is due; when every connection is busy the relay is the limit.
      const due = Math.floor((elapsed * RATE) / 1000);
      while (sent < due && load.trySend()) sent++;
    }, 1);
  });
  await load.drain();
  const seconds = (nowMs() - start) / 1000;
  const relayCpuUsed = relayCpu() - relayCpuStart;
  const machineCpu = readMachineCpuSeconds();
  const benchCpu = process.cpuUsage(benchCpuStart);
  loopDelay.disable();
  // Let the last events arrive before counting what was lost.
  await sleep(1000);
  load.close();
  return {
    accepted,
    seconds,
    expectedDeliveries,
    deliveredMismatches,
    relayCpuPercent: round((100 * relayCpuUsed) / seconds, 0),
    benchCpuPercent: round((benchCpu.user + benchCpu.system) / 1e4 / seconds, 0),
    // Busy share of all cores (200 = both cores busy), including kernel loopback work.
    machineCpuPercent: round((100 * (machineCpu - machineCpuStart)) / seconds, 0),
    loopDelayP99Ms: round(loopDelay.percentile(99) / 1e6, 2),
  };
}

/** Prometheus text as `{ 'name{labels}': value }`, for the record. */
function parseMetrics(text) {
  const entries = text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const space = line.lastIndexOf(' ');
      return [line.slice(0, space), Number(line.slice(space + 1))];
    });
  return Object.fromEntries(entries);
}

function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function round(value, digits) {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function printTable(results) {
  const rows = Object.entries(RELAY_TARGETS).map(([metric, target]) => {
    const value = results[metric];
    const ok = 'min' in target ? value >= target.min : value <= target.max;
    const wanted = 'min' in target ? `>= ${target.min}` : `<= ${target.max}`;
    return [metric, String(value), wanted, ok ? 'ok' : 'MISSED'];
  });
  const header = ['metric', 'value', 'target', 'ok?'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  const missed = rows.filter((row) => row[3] !== 'ok').map((row) => row[0]);
  console.log(missed.length ? `missed: ${missed.join(', ')}` : 'all targets met');
  const { context } = results;
  console.log(`errors by kind: ${JSON.stringify(context.errors_by_kind)}`);
  console.log(
    `cpu during publishing (100 = one core): relay ${context.relay_cpu_percent}, ` +
      `bench ${context.bench_cpu_percent}, other processes ${context.other_cpu_percent}`,
  );
  if (context.other_cpu_percent > QUIET_CPU_PERCENT) {
    console.log('WARNING: other processes competed for the cores; rerun on a quiet machine');
  }
}
