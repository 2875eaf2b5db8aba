// Relay abuse measure: starts dist/relay.mjs on loopback, churns rooms from one address (open a
// stream to a random room, drop it), then opens a room from another address, and prints the
// relay's resident memory before, at its peak and after. Loopback only, bounded, stops by itself.
// Usage: npm run build:relay && node bench/relay-churn.mjs [--rooms N] [--relay FILE]
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launchRelay } from '../scripts/relay-process.mjs';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const IN_FLIGHT = 32;
const HARD_STOP_MS = 170_000;

const { values: opts } = parseArgs({
  options: {
    rooms: { type: 'string', default: '12000' },
    relay: { type: 'string', default: `${REPO_ROOT}dist/relay.mjs` },
  },
});
const ROOMS = Number(opts.rooms);
const RELAY = opts.relay;

const id = (bytes) => randomBytes(bytes).toString('base64url');
const mib = (kib) => Math.round(kib / 102.4) / 10;

/** VmRSS and VmHWM (the peak) of a process, in KiB. */
function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

async function startRelay() {
  if (!existsSync(RELAY)) throw new Error(`${RELAY} is missing: run \`npm run build:relay\``);
  const { url, child } = await launchRelay({
    bundle: RELAY,
    args: ['--port', '0', '--host', '127.0.0.1'],
    stderr: 'inherit',
  });
  process.on('exit', () => child.kill('SIGKILL'));
  return { url, child };
}

/** One stream to a fresh random room: resolves with the HTTP status, then drops the socket. */
function openAndDrop(port, localAddress) {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    socket.setEncoding('latin1');
    socket.on('error', reject);
    socket.once('data', (head) => {
      socket.destroy();
      resolve(head.slice(9, 12));
    });
    socket.write(
      `GET /v1/rooms/${id(12)}/events?device=dev${id(6)}&key=${id(18)} HTTP/1.1\r\n` +
        'Host: 127.0.0.1\r\n\r\n',
    );
  });
}

async function churn(port, total) {
  const statuses = {};
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started += 1;
      const status = await openAndDrop(port);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return statuses;
}

async function main() {
  setTimeout(() => {
    console.error('relay-churn: hard stop');
    process.exit(1);
  }, HARD_STOP_MS).unref();
  const { url, child } = await startRelay();
  const port = Number(new URL(url).port);
  const before = memory(child.pid);
  const started = performance.now();
  const statuses = await churn(port, ROOMS);
  const seconds = (performance.now() - started) / 1000;
  let health;
  for (let tries = 0; tries < 100; tries += 1) {
    health = await (await fetch(`${url}/healthz`)).json();
    if (health.rooms === 0 && health.subscribers === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const after = memory(child.pid);
  const newcomer = await openAndDrop(port, '127.0.0.3');
  console.log(
    JSON.stringify({
      churned: ROOMS,
      seconds: Math.round(seconds * 10) / 10,
      statuses,
      roomsAfter: health.rooms,
      newcomerFromAnotherAddress: newcomer,
      relayRssMiB: { before: mib(before.rss), peak: mib(after.peak), after: mib(after.rss) },
    }),
  );
  child.kill('SIGTERM');
  const failed = health.rooms !== 0 || newcomer !== '200' || statuses['200'] !== ROOMS;
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(`relay-churn failed: ${error.stack ?? error}`);
  process.exit(1);
});
