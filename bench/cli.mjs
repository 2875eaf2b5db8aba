// Terminal peer benchmark: what `clipmesh` costs left running, and how fast `send` lands.
// The built relay and one Chromium device, inside a private network namespace when root (as
// the e2e suite), with the CLI run as child processes. Writes bench/results/cli.json.
// Usage: npm run build && node bench/cli.mjs [--idle-seconds 60] [--sends 20]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { insideNamespace, NETNS_ADDRESS, namespaceCommand } from '../e2e/netns.mjs';
import {
  appUrl,
  clipShownAt,
  launchDevice,
  startRelay,
  waitForPeers,
  waitForRoom,
} from './app/browsers.mjs';
import {
  machineCpuSeconds,
  percentile,
  round,
  sleep,
  waitForQuietMachine,
} from './app/machine.mjs';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = `${REPO_ROOT}dist/clipmesh.mjs`;
const FAKE_TOOLS = `${REPO_ROOT}e2e/fixtures/fake-clipboard`;
const RESULTS_FILE = `${REPO_ROOT}bench/results/cli.json`;
const APP_RESULTS = `${REPO_ROOT}bench/results/app.json`;
const HARD_STOP_MS = 300_000;
/** After pairing, history exchange and first timers settle before idling is measured. */
const SETTLE_MS = 5_000;
const WARM_UP_SENDS = 2;
const TICKS_PER_S = 100;

const { values: opts } = parseArgs({
  options: {
    'idle-seconds': { type: 'string', default: '60' },
    sends: { type: 'string', default: '20' },
    'quiet-wait': { type: 'string', default: '60' },
  },
});

const TARGETS = {
  idle_rss_mib: { max: 80, text: '≤ 80' },
  idle_cpu_percent: { max: 1, text: '≤ 1' },
  send_p50_ms: { text: 'as low as pairing allows (app pair_p50_ms beside it)' },
};
const log = (text) => console.log(`bench:cli: ${text}`);

main().catch((error) => {
  console.error(`bench:cli failed: ${error.stack ?? error}`);
  process.exit(1);
});

async function main() {
  if (!existsSync(CLI)) throw new Error('dist/clipmesh.mjs is missing: run `npm run build`.');
  if (!insideNamespace()) {
    const namespace = namespaceCommand(fileURLToPath(import.meta.url), process.argv.slice(2));
    if (!('reason' in namespace)) return reexec(namespace);
    log(`${namespace.reason}; running on this machine's network (loopback only)`);
  } else log(`inside a private network namespace (unshare -n, ${NETNS_ADDRESS})`);
  setTimeout(() => {
    console.error(`bench:cli: hard stop after ${HARD_STOP_MS / 1000} s`);
    process.exit(2);
  }, HARD_STOP_MS).unref();

  const otherCpuBefore = await waitForQuietMachine(log, 1000 * Number(opts['quiet-wait']));
  const relay = await startRelay();
  const browser = await launchDevice('A');
  const scratch = mkdtempSync(join(tmpdir(), 'clipmesh-bench-cli-'));
  const children = [];
  try {
    await browser.open(appUrl(relay.url));
    const link = await waitForRoom(browser);
    const idle = await idleSyncs(browser, link, scratch, children);
    // Alone with the browser, so the clip's first receipt is the browser's.
    for (const child of children.splice(0)) await stopChild(child);
    log(`send × ${WARM_UP_SENDS} + ${opts.sends}…`);
    const home = join(scratch, 'sender');
    const sends = [];
    for (let i = 0; i < WARM_UP_SENDS + Number(opts.sends); i++) {
      const run = await sendOnce(browser, link, home, `s${i}`);
      if (i >= WARM_UP_SENDS) sends.push(run);
    }
    const results = summarize(idle, sends, otherCpuBefore, browser.version);
    mkdirSync(`${REPO_ROOT}bench/results`, { recursive: true });
    writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
    printTable(results);
    log(`wrote ${RESULTS_FILE}`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await browser.close();
    relay.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
  process.exit(0);
}

/** `sync` left alone, once polling a fake xclip and once told of changes by a fake wl-paste. */
async function idleSyncs(browser, link, scratch, children) {
  const kinds = { xclip: { DISPLAY: ':bench' }, wayland: { WAYLAND_DISPLAY: 'bench-0' } };
  const runs = Object.entries(kinds).map(([kind, display]) => {
    const clipboard = join(scratch, `${kind}-clipboard`);
    mkdirSync(clipboard);
    execFileSync('mkfifo', [join(clipboard, 'changes.fifo')]);
    const env = { ...process.env, ...display, FAKE_CLIPBOARD_DIR: clipboard };
    env.PATH = `${FAKE_TOOLS}:${env.PATH}`;
    env.CLIPMESH_HOME = join(scratch, kind);
    if (kind === 'xclip') delete env.WAYLAND_DISPLAY;
    const child = spawn(process.execPath, [CLI, 'sync', link, '--stun', 'none'], {
      env,
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    children.push(child);
    return { kind, child };
  });
  await waitForPeers(browser, runs.length, 'direct');
  await sleep(SETTLE_MS);
  const seconds = Number(opts['idle-seconds']);
  log(`sync idle for ${seconds} s…`);
  const before = runs.map(({ child }) => cpuTicks(child.pid));
  const machineBefore = machineCpuSeconds();
  await sleep(seconds * 1000);
  const machineCpu = round((100 * (machineCpuSeconds() - machineBefore)) / seconds, 0);
  return Object.fromEntries(
    runs.map(({ kind, child }, i) => {
      const ticks = cpuTicks(child.pid) - before[i];
      const cpu = round((100 * ticks) / TICKS_PER_S / seconds, 2);
      return [kind, { cpu_percent: cpu, rss_mib: round(rssKib(child.pid) / 1024, 1), machineCpu }];
    }),
  );
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  return exited;
}

/** Its own CPU and that of the tools it ran and waited for (utime, stime, cutime, cstime). */
function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
}

function rssKib(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)/m);
  return Number(line?.[1] ?? Number.NaN);
}

/** From `clipmesh send` starting to the text in the browser's DOM, and to send exiting. */
async function sendOnce(browser, link, home, marker) {
  const shown = clipShownAt(browser, marker);
  await browser.page.evaluate(() => 0);
  const env = { ...process.env, CLIPMESH_HOME: home };
  const started = performance.timeOrigin + performance.now();
  const child = spawn(
    process.execPath,
    [CLI, 'send', link, `bench:${marker} x`, '--stun', 'none'],
    {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const code = await new Promise((resolve) => child.once('exit', resolve));
  const exited = performance.timeOrigin + performance.now();
  if (code !== 0) throw new Error(`send ${marker} exited with ${code}`);
  return { shown: (await shown) - started, exited: exited - started };
}

function summarize(idle, sends, otherCpuBefore, chromium) {
  const spread = (values) => ({
    runs: values.length,
    min: round(percentile(values, 0), 1),
    p50: round(percentile(values, 0.5), 1),
    p90: round(percentile(values, 0.9), 1),
    max: round(percentile(values, 1), 1),
  });
  const app = existsSync(APP_RESULTS) ? JSON.parse(readFileSync(APP_RESULTS, 'utf8')) : {};
  const shown = sends.map((run) => run.shown);
  return {
    idle_rss_mib: idle.xclip.rss_mib,
    idle_cpu_percent: idle.xclip.cpu_percent,
    send_p50_ms: spread(shown).p50,
    app_pair_p50_ms: app.pair_p50_ms ?? null,
    context: {
      date: new Date().toISOString(),
      node: process.version,
      chromium,
      network_namespace: insideNamespace(),
      other_cpu_percent_before: otherCpuBefore,
      idle_seconds: Number(opts['idle-seconds']),
      idle_note: 'sync polling a fake xclip (a shell script) every 1 s; its runs are counted',
      idle_wayland: idle.wayland,
      idle_xclip: idle.xclip,
      send_shown: spread(shown),
      send_exited: spread(sends.map((run) => run.exited)),
    },
    targets: TARGETS,
  };
}

function printTable(results) {
  const rows = Object.entries(TARGETS).map(([metric, target]) => {
    const value = results[metric];
    const verdict = target.max === undefined ? 'info' : value <= target.max ? 'ok' : 'MISSED';
    return [metric, String(value), target.text, verdict];
  });
  rows.push(['app_pair_p50_ms', String(results.app_pair_p50_ms), '(bench:app)', 'info']);
  const header = ['metric', 'value', 'target', 'ok?'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

function reexec({ command, args, env }) {
  const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 1));
}
