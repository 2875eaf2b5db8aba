// App benchmark: what a person feels. Real Chromium, each device its own browser process,
// against the built relay serving the built app, inside a private network namespace when
// root (as the e2e suite). Prints each figure beside its target and writes
// bench/results/app.json. Usage: npm run build && node bench/app.mjs [--only pair,clip,...]
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { insideNamespace, NETNS_ADDRESS, namespaceCommand } from '../e2e/netns.mjs';
import { launchDevice, startRelay } from './app/browsers.mjs';
import { bulkFloor, clipFloor, pairBare, startFloorRelay } from './app/floors.mjs';
import {
  isBusy,
  machineCpuSeconds,
  percentile,
  round,
  waitForQuietMachine,
} from './app/machine.mjs';
import { coldStarts, largeClips, pairOnce, room, smallClips } from './app/scenarios.mjs';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_FILE = `${REPO_ROOT}bench/results/app.json`;
const HARD_STOP_MS = 600_000;
const MIB = 1024 * 1024;
const BURST_CLIPS = 50;
const SCENARIOS = ['pair', 'clip', 'large', 'fallback', 'three', 'cold', 'floor'];

const { values: opts } = parseArgs({
  options: {
    only: { type: 'string', default: SCENARIOS.join(',') },
    'quiet-wait': { type: 'string', default: '60' },
    dist: { type: 'string', default: `${REPO_ROOT}dist` },
    pairings: { type: 'string', default: '20' },
    clips: { type: 'string', default: '300' },
    'fallback-clips': { type: 'string', default: '100' },
    'three-way-clips': { type: 'string', default: '100' },
    'cold-starts': { type: 'string', default: '10' },
    'floor-clips': { type: 'string', default: '100' },
  },
});
const only = new Set(opts.only.split(','));

const TARGETS = Object.fromEntries(
  Object.entries({
    pair_p50_ms: 250,
    pair_p90_ms: 500,
    clip_p50_ms: 5,
    clip_p99_ms: 25,
    clip_1mib_ms: 150,
    clip_16mib_ms: 1500,
    fallback_clip_p50_ms: 15,
    cold_start_ms: 200,
    three_way_clip_p50_ms: 8,
    // Each figure over what no app could beat, measured in the same run (bench/app/floors.mjs).
    pair_ratio: 1.5,
    clip_ratio: 3,
    clip_16mib_ratio: 1.25,
  }).map(([figure, max]) => [figure, { max, text: `≤ ${max}` }]),
);

const log = (text) => console.log(`bench:app: ${text}`);

main().catch((error) => {
  console.error(`bench:app failed: ${error.stack ?? error}`);
  process.exit(1);
});

async function main() {
  if (!insideNamespace()) {
    const namespace = namespaceCommand(fileURLToPath(import.meta.url), process.argv.slice(2));
    if (!('reason' in namespace)) return reexec(namespace);
    log(`${namespace.reason}; running on this machine's network (loopback only)`);
  } else log(`inside a private network namespace (unshare -n, ${NETNS_ADDRESS})`);
  const hardStop = setTimeout(() => {
    console.error(`bench:app: hard stop after ${HARD_STOP_MS / 1000} s`);
    process.exit(2);
  }, HARD_STOP_MS);
  hardStop.unref();

  const otherCpuBefore = await waitForQuietMachine(log, 1000 * Number(opts['quiet-wait']));
  const loadBefore = loadavg().map((n) => round(n, 2));
  const relay = await startRelay(opts.dist);
  const [a, b, c] = await Promise.all(['A', 'B', 'C'].map(launchDevice));
  const version = a.version;
  const samples = {};
  const cpu = {};
  const timed = async (name, step) => {
    if (!only.has(name)) return;
    const before = machineCpuSeconds();
    const started = performance.now();
    log(`${name}…`);
    samples[name] = await step();
    const seconds = (performance.now() - started) / 1000;
    cpu[name] = round((100 * (machineCpuSeconds() - before)) / seconds, 0);
    log(`${name} done in ${round(seconds, 1)} s`);
  };

  try {
    await timed('pair', async () => {
      const runs = [];
      for (let i = 0; i < 2 + Number(opts.pairings); i++)
        runs.push(await pairOnce(a, b, relay.url));
      return runs.slice(2);
    });
    await timed('clip', async () => {
      await room([a, b], relay.url);
      return {
        paced: await smallClips(a, [b], Number(opts.clips), 20),
        burst: await smallClips(a, [b], BURST_CLIPS, 0, 0),
      };
    });
    await timed('large', async () => {
      await room([a, b], relay.url);
      return {
        mib1: await largeClips(a, b, MIB, 5, 1),
        mib16: await largeClips(a, b, 16 * MIB, 3, 0),
      };
    });
    await timed('fallback', async () => {
      await room([a, b], relay.url, { direct: false });
      return smallClips(a, [b], Number(opts['fallback-clips']), 10);
    });
    await timed('three', async () => {
      await room([a, b, c], relay.url);
      return smallClips(a, [b, c], Number(opts['three-way-clips']), 10);
    });
    await timed('cold', () => coldStarts(c, relay.url, Number(opts['cold-starts']), 1));
    await timed('floor', () => floors(a, b));
  } finally {
    await Promise.all([a, b, c].map((device) => device.close()));
    relay.stop();
  }

  const results = summarize(samples, { otherCpuBefore, loadBefore, cpu, version });
  mkdirSync(`${REPO_ROOT}bench/results`, { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  printTable(results);
  log(`wrote ${RESULTS_FILE}`);
  process.exit(0);
}

/** What no app could beat, measured between the same two browsers through a bare relay. */
async function floors(a, b) {
  const floorRelay = await startFloorRelay(opts.dist);
  try {
    const pair = [];
    for (let i = 0; i < 2 + Number(opts.pairings); i++)
      pair.push(await pairBare(a, b, floorRelay.url));
    const clip = await clipFloor(a, b, Number(opts['floor-clips']), 20);
    const mib16 = await bulkFloor(a, b, 16 * MIB, 3);
    return { pair: pair.slice(2), clip, mib16, padBytes: floorRelay.padBytes };
  } finally {
    floorRelay.stop();
  }
}

function reexec({ command, args, env }) {
  const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 1));
}

function summarize(samples, { otherCpuBefore, loadBefore, cpu, version }) {
  const figure = (values, p) => (values ? round(percentile(values, p), 1) : null);
  const pair = samples.pair?.map((run) => run.pair);
  const spread = (values) =>
    values && {
      runs: values.length,
      min: figure(values, 0),
      p50: figure(values, 0.5),
      p90: figure(values, 0.9),
      p99: figure(values, 0.99),
      max: figure(values, 1),
    };
  const pairFloor = figure(samples.floor?.pair, 0.5);
  const clipFloor = figure(samples.floor?.clip, 0.5);
  const mib16Floor = samples.floor ? round(samples.floor.mib16.ms, 1) : null;
  const ratio = (value, floor) => (value === null || !floor ? null : round(value / floor, 2));
  const results = {
    pair_p50_ms: figure(pair, 0.5),
    pair_p90_ms: figure(pair, 0.9),
    clip_p50_ms: figure(samples.clip?.paced, 0.5),
    clip_p99_ms: figure(samples.clip?.paced, 0.99),
    clip_1mib_ms: figure(samples.large?.mib1.times, 0.5),
    clip_16mib_ms: figure(samples.large?.mib16.times, 0.5),
    fallback_clip_p50_ms: figure(samples.fallback, 0.5),
    cold_start_ms: figure(samples.cold?.times, 0.5),
    three_way_clip_p50_ms: figure(samples.three, 0.5),
    pair_floor_ms: pairFloor,
    clip_floor_ms: clipFloor,
    clip_16mib_floor_ms: mib16Floor,
    context: {
      date: new Date().toISOString(),
      node: process.version,
      chromium: version,
      network_namespace: insideNamespace(),
      other_cpu_percent_before: otherCpuBefore,
      load_average_before: loadBefore,
      machine_cpu_percent_by_scenario: cpu,
      pair: spread(pair),
      pair_b_page_loaded: spread(samples.pair?.map((run) => run.loaded)),
      pair_b_qr_shown: spread(samples.pair?.map((run) => run.qr).filter((qr) => qr !== null)),
      pair_b_lists_a: spread(samples.pair?.map((run) => run.listed)),
      pair_b_lists_a_to_direct: spread(samples.pair?.map((run) => run.pair - run.listed)),
      clip: spread(samples.clip?.paced),
      clip_burst_no_pause: spread(samples.clip?.burst),
      clip_1mib: spread(samples.large?.mib1.times),
      clip_16mib: spread(samples.large?.mib16.times),
      // Part of the figures above: the browser reading the clipboard, which no app can skip.
      clip_1mib_clipboard_read: spread(samples.large?.mib1.reads),
      clip_16mib_clipboard_read: spread(samples.large?.mib16.reads),
      fallback_clip: spread(samples.fallback),
      three_way_clip: spread(samples.three),
      cold_start: spread(samples.cold?.times),
      cold_starts_served_by_worker: samples.cold?.servedByWorker,
      pair_floor: spread(samples.floor?.pair),
      pair_floor_page_script_bytes: samples.floor?.padBytes,
      clip_floor: spread(samples.floor?.clip),
      clip_16mib_floor_parts: samples.floor?.mib16,
    },
    targets: TARGETS,
  };
  results.pair_ratio = ratio(results.pair_p50_ms, pairFloor);
  results.clip_ratio = ratio(results.clip_p50_ms, clipFloor);
  results.clip_16mib_ratio = ratio(results.clip_16mib_ms, mib16Floor);
  return results;
}

/** Figures read against a floor measured in the same run: the floor's key and the ratio's. */
const FLOORS = {
  pair_p50_ms: ['pair_floor_ms', 'pair_ratio'],
  clip_p50_ms: ['clip_floor_ms', 'clip_ratio'],
  clip_16mib_ms: ['clip_16mib_floor_ms', 'clip_16mib_ratio'],
};

function printTable(results) {
  const rows = Object.entries(TARGETS).map(([metric, { max }]) => {
    const value = results[metric];
    const verdict = value === null ? 'not run' : value <= max ? 'ok' : 'MISSED';
    const [floorKey, ratioKey] = FLOORS[metric] ?? [];
    const floor = floorKey ? String(results[floorKey] ?? '-') : '';
    const ratio = ratioKey ? String(results[ratioKey] ?? '-') : '';
    return [metric, String(value ?? '-'), floor, ratio, TARGETS[metric].text, verdict];
  });
  const header = ['metric', 'value', 'floor', 'ratio', 'target', 'ok?'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  const missed = rows.filter((row) => row[5] === 'MISSED').map((row) => row[0]);
  console.log(missed.length ? `missed: ${missed.join(', ')}` : 'all targets run were met');
  const { context } = results;
  console.log(
    `cpu: other processes ${context.other_cpu_percent_before}% before start, load average ` +
      `${context.load_average_before.join(' ')}; machine during each scenario (200 = both cores): ` +
      JSON.stringify(context.machine_cpu_percent_by_scenario),
  );
  if (isBusy(context.other_cpu_percent_before)) {
    console.log('WARNING: other processes competed for the cores; rerun on a quiet machine');
  }
}
