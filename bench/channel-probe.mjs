// What a bare Chromium data channel moves between two browser processes in the namespace, with
// no app code: MB/s and the browsers' CPU seconds per run, by message size, string or
// ArrayBuffer, buffer high-water mark and number of channels. The ceiling under bench:app's
// large clips. Usage: node bench/channel-probe.mjs [--mib 16] [--runs 3] [--cases '<json>']
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS, chromiumExecutablePath } from '../e2e/chromium.mjs';
import { insideNamespace, namespaceCommand } from '../e2e/netns.mjs';

const { values: opts } = parseArgs({
  options: {
    mib: { type: 'string', default: '16' },
    runs: { type: 'string', default: '3' },
    cases: { type: 'string' },
  },
});
const KIB = 1024;
const CASES = process.env.PROBE_CASES
  ? JSON.parse(process.env.PROBE_CASES)
  : [
      { kind: 'string', size: 16 * KIB, high: 4096 * KIB, low: 1024 * KIB },
      { kind: 'string', size: 64 * KIB, high: 4096 * KIB, low: 1024 * KIB },
      { kind: 'string', size: 256 * KIB, high: 4096 * KIB, low: 1024 * KIB },
      { kind: 'binary', size: 16 * KIB, high: 4096 * KIB, low: 1024 * KIB },
      { kind: 'binary', size: 64 * KIB, high: 4096 * KIB, low: 1024 * KIB },
      { kind: 'binary', size: 256 * KIB, high: 4096 * KIB, low: 1024 * KIB },
      { kind: 'binary', size: 64 * KIB, high: 1024 * KIB, low: 256 * KIB },
      { kind: 'binary', size: 64 * KIB, high: 16384 * KIB, low: 4096 * KIB },
      { kind: 'binary', size: 256 * KIB, high: 16384 * KIB, low: 4096 * KIB },
    ];

if (!insideNamespace()) {
  const namespace = namespaceCommand(fileURLToPath(import.meta.url), process.argv.slice(2));
  if ('reason' in namespace) throw new Error(`cannot make a namespace: ${namespace.reason}`);
  const child = spawn(namespace.command, namespace.args, { env: namespace.env, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  await main();
}

async function main() {
  const launch = () =>
    chromium.launch({ executablePath: chromiumExecutablePath(), args: [...CHROMIUM_ARGS] });
  const browsers = await Promise.all([launch(), launch()]);
  const [a, b] = await Promise.all(browsers.map((browser) => browser.newPage()));
  try {
    for (const page of [a, b]) await page.evaluate(setUp);
    const offer = await a.evaluate(() => window.probe.offer());
    const answer = await b.evaluate((sdp) => window.probe.answer(sdp), offer);
    await a.evaluate((sdp) => window.probe.accept(sdp), answer);
    await Promise.all([a, b].map((page) => page.evaluate(() => window.probe.opened)));
    const max = await a.evaluate(() => window.probe.pc.sctp.maxMessageSize);
    console.log(`maxMessageSize ${max}; ${opts.mib} MiB per run, median of ${opts.runs}`);
    const total = Number(opts.mib) * 1024 * KIB;
    for (const run of CASES) {
      const times = [];
      const cpuBefore = treeCpuSeconds(process.pid);
      for (let i = 0; i < Number(opts.runs); i++) {
        // Armed before the first byte leaves, so no message reaches last run's handler.
        await b.evaluate((bytes) => {
          window.probe.arrived = window.probe.receive(bytes);
        }, total);
        const sentAt = await a.evaluate((args) => window.probe.send(args), { ...run, total });
        times.push((await b.evaluate(() => window.probe.arrived)) - sentAt);
      }
      const cpu = (treeCpuSeconds(process.pid) - cpuBefore) / Number(opts.runs);
      times.sort((x, y) => x - y);
      const ms = times[Math.floor(times.length / 2)];
      const label = `${run.kind} ${run.size / KIB} KiB, high ${run.high / KIB} KiB${run.lanes ? `, ${run.lanes} channels` : ''}`;
      console.log(
        `${label.padEnd(34)} ${ms.toFixed(0).padStart(6)} ms ${(total / 1e3 / ms).toFixed(1).padStart(7)} MB/s, ${cpu.toFixed(2)} CPU s per run in the browsers`,
      );
    }
  } finally {
    await Promise.all(browsers.map((browser) => browser.close()));
  }
}

/** Runs in each page: one RTCPeerConnection with four negotiated channels, as app/core/peer.ts makes one. */
function setUp() {
  const pc = new RTCPeerConnection({ iceServers: [] });
  const channels = [0, 1, 2, 3].map((id) =>
    pc.createDataChannel(`probe${id}`, { negotiated: true, id, ordered: true }),
  );
  const channel = channels[0];
  for (const c of channels) c.binaryType = 'arraybuffer';
  const now = () => performance.timeOrigin + performance.now();
  let onData = () => {};
  for (const c of channels) c.onmessage = (event) => onData(event.data);
  const gathered = () =>
    new Promise((resolve) => {
      if (pc.iceGatheringState === 'complete') resolve();
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') resolve();
      });
    });
  window.probe = {
    pc,
    opened: new Promise((resolve) => {
      channel.onopen = resolve;
    }).then(() => true),
    async offer() {
      await pc.setLocalDescription();
      await gathered();
      return pc.localDescription.sdp;
    },
    async answer(sdp) {
      await pc.setRemoteDescription({ type: 'offer', sdp });
      await pc.setLocalDescription();
      await gathered();
      return pc.localDescription.sdp;
    },
    accept: (sdp) => pc.setRemoteDescription({ type: 'answer', sdp }),
    receive(total) {
      let got = 0;
      return new Promise((resolve) => {
        onData = (data) => {
          got += typeof data === 'string' ? data.length : data.byteLength;
          if (got >= total) resolve(now());
        };
      });
    },
    async send({ kind, size, high, low, total, lanes = 1 }) {
      const piece = kind === 'string' ? 'x'.repeat(size) : new ArrayBuffer(size);
      const drained = (c) =>
        new Promise((resolve) => {
          c.addEventListener('bufferedamountlow', resolve, { once: true });
        });
      const at = now();
      const share = total / lanes;
      await Promise.all(
        channels.slice(0, lanes).map(async (c) => {
          c.bufferedAmountLowThreshold = low;
          for (let sent = 0; sent < share; sent += size) {
            if (c.bufferedAmount > high) await drained(c);
            c.send(kind === 'string' ? piece : piece.slice(0));
          }
        }),
      );
      return at;
    },
  };
}

/** CPU seconds (user + system) of `root`'s descendants: the browsers and their children. */
function treeCpuSeconds(root) {
  const stats = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
          .replace(/^.*\) /, '')
          .split(' ');
        return [
          {
            pid: Number(pid),
            ppid: Number(fields[1]),
            ticks: Number(fields[11]) + Number(fields[12]),
          },
        ];
      } catch {
        return [];
      }
    });
  const inTree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const stat of stats) {
      if (!inTree.has(stat.pid) && inTree.has(stat.ppid)) {
        inTree.add(stat.pid);
        grew = true;
      }
    }
  }
  inTree.delete(root);
  return (
    stats.filter((stat) => inTree.has(stat.pid)).reduce((sum, stat) => sum + stat.ticks, 0) / 100
  );
}
