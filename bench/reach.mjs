// Reach benchmark: pairs devices across each topology of the NAT lab (e2e/lab.mjs) and
// measures what gets through, which path the app shows, how long a join takes to the first
// clip delivered, and small-clip latency over that path. Writes bench/results/reach.json.
// Usage: npm run build && npm run bench:reach [-- --pairings 3 --clips 20]
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLab, PUBLIC_ADDRESS, PUBLIC_ADDRESS6 } from '../e2e/lab.mjs';
import { insideNamespace, namespaceCommand } from '../e2e/netns.mjs';
import { launchRelay } from '../scripts/relay-process.mjs';
import {
  clipShownAt,
  composerReady,
  launchDevice,
  pressSend,
  waitForRoom,
} from './app/browsers.mjs';
import { percentile, round } from './app/machine.mjs';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_FILE = `${REPO_ROOT}bench/results/reach.json`;
const TURN_SECRET = 'bench-shared-secret';
const HARD_STOP_MS = 600_000;
const CLIP_TIMEOUT_MS = 15_000;

const { values: opts } = parseArgs({
  options: {
    pairings: { type: 'string', default: '3' },
    clips: { type: 'string', default: '20' },
  },
});
const log = (text) => console.log(`bench:reach: ${text}`);

main().catch((error) => {
  console.error(`bench:reach failed: ${error.stack ?? error}`);
  process.exit(1);
});

async function main() {
  if (!insideNamespace()) {
    const namespace = namespaceCommand(fileURLToPath(import.meta.url), process.argv.slice(2));
    if ('reason' in namespace) throw new Error(`the lab needs root: ${namespace.reason}`);
    const child = spawn(namespace.command, namespace.args, {
      cwd: REPO_ROOT,
      env: namespace.env,
      stdio: 'inherit',
    });
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
    child.on('exit', (code) => process.exit(code ?? 1));
    return;
  }
  setTimeout(() => {
    console.error(`bench:reach: hard stop after ${HARD_STOP_MS / 1000} s`);
    process.exit(2);
  }, HARD_STOP_MS).unref();
  const lab = await createLab({ turnSecret: TURN_SECRET });
  const relays = [];
  try {
    const ice = ['--turn-secret', TURN_SECRET, '--stun', lab.stunUrl];
    const full = await startRelay(relays, [
      ...ice,
      '--turn',
      `${lab.turnUrl()},${lab.turnUrl('tcp')}`,
    ]);
    const udpOnly = await startRelay(relays, [...ice, '--turn', lab.turnUrl()]);
    const dualStack = await startRelay(
      relays,
      ['--host', '::', '--stun', `${lab.stunUrl},${lab.stunUrl6}`],
      `[${PUBLIC_ADDRESS6}]`,
    );
    const secure = `--unsafely-treat-insecure-origin-as-secure=${full},${udpOnly},${dualStack}`;
    const topologies = {
      lan: [full, () => ((home) => [home, home])(lab.router())],
      cone: [full, () => [lab.router(), lab.router()]],
      symmetric: [full, () => [lab.router({ nat: 'symmetric' }), lab.router()]],
      udp_blocked: [full, () => [lab.router({ udp: false }), lab.router({ udp: false })]],
      ipv6: [dualStack, () => [lab.router({ ip: 6 }), lab.router({ ip: 46 })]],
      udp_blocked_no_turn_tcp: [
        udpOnly,
        () => [lab.router({ udp: false }), lab.router({ udp: false })],
      ],
    };
    const results = {};
    for (const [name, [relay, routers]] of Object.entries(topologies)) {
      const runs = [];
      for (let i = 0; i < Number(opts.pairings); i += 1) {
        runs.push(await pairAndSend(relay, routers(), secure, `${name}${i}`));
      }
      Object.assign(results, summarize(name, runs));
      log(
        JSON.stringify(
          Object.fromEntries(Object.entries(results).filter(([k]) => k.startsWith(`${name}_`))),
        ),
      );
    }
    mkdirSync(`${REPO_ROOT}bench/results`, { recursive: true });
    writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
    log(`wrote ${RESULTS_FILE}`);
  } finally {
    for (const child of relays) child.kill('SIGTERM');
    lab.remove();
  }
}

async function startRelay(relays, args, host = PUBLIC_ADDRESS) {
  const { child, port } = await launchRelay({
    args: ['--port', '0', '--host', '0.0.0.0', '--static', `${REPO_ROOT}dist/app-test`, ...args],
    stderr: 'inherit',
  });
  relays.push(child);
  return `http://${host}:${port}`;
}

/** One join across the topology: time to the first clip, the path shown, then paced clips. */
async function pairAndSend(relayUrl, [routerA, routerB], secure, tag) {
  const a = await launchDevice('A', {
    executablePath: routerA.device().executablePath,
    args: [secure],
  });
  const b = await launchDevice('B', {
    executablePath: routerB.device().executablePath,
    args: [secure],
  });
  try {
    await a.open(`${relayUrl}/`);
    const link = await waitForRoom(a);
    await composerReady(a);
    const joinedAt = Date.now();
    await b.open(link);
    await pressSend(a, `bench:${tag}-first`);
    const first = await clipShownAt(b, `${tag}-first`, 60_000).catch(() => null);
    const clipMs = [];
    let delivered = first === null ? 0 : 1;
    for (let i = 0; i < Number(opts.clips); i += 1) {
      await composerReady(a);
      const at = await pressSend(a, `bench:${tag}-${i}`);
      const shown = await clipShownAt(b, `${tag}-${i}`, CLIP_TIMEOUT_MS).catch(() => null);
      if (shown === null) continue;
      delivered += 1;
      clipMs.push(shown - at);
    }
    // The words the app shows for the link the clips took (data-path is set while they can flow).
    const path = await b.page
      .locator('[data-testid="device"][data-path] [data-testid="device-path"]')
      .textContent({ timeout: 10_000 })
      .catch(() => null);
    return {
      sent: Number(opts.clips) + 1,
      delivered,
      connectMs: first === null ? null : first - joinedAt,
      path,
      clipMs,
    };
  } finally {
    await a.close();
    await b.close();
  }
}

function summarize(name, runs) {
  const sent = runs.reduce((sum, run) => sum + run.sent, 0);
  const delivered = runs.reduce((sum, run) => sum + run.delivered, 0);
  const connect = runs.map((run) => run.connectMs).filter((ms) => ms !== null);
  const clips = runs.flatMap((run) => run.clipMs);
  const paths = [...new Set(runs.map((run) => run.path))];
  return {
    [`${name}_delivered`]: round(delivered / sent, 3),
    [`${name}_path`]: paths.length === 1 ? paths[0] : paths.join(' / '),
    [`${name}_connect_ms`]: connect.length ? round(percentile(connect, 0.5)) : null,
    [`${name}_clip_p50_ms`]: clips.length ? round(percentile(clips, 0.5)) : null,
  };
}
