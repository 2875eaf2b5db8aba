// One address with no room link churns random rooms; the relay must stay open to everyone else.
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeAll, deviceId, deviceKey, roomId, startRelay, subscribe } from './harness';

afterEach(closeAll);

const CHURNED_ROOMS = 12_000;
const IN_FLIGHT = 32;

/**
 * The churning client, in a thread of its own so it does not share the relay's event loop: each
 * round opens a stream to a fresh random room, reads the status line, and drops the connection.
 */
const CHURN_WORKER = `
const { connect } = require('node:net');
const { randomBytes } = require('node:crypto');
const { parentPort, workerData } = require('node:worker_threads');
const { port, total, inFlight } = workerData;
const id = (n) => randomBytes(n).toString('base64url');
const once = () => new Promise((resolve, reject) => {
  const socket = connect({ port, host: '127.0.0.1' });
  socket.setEncoding('latin1');
  socket.on('error', reject);
  socket.once('data', (head) => { socket.destroy(); resolve(head.slice(9, 12)); });
  socket.write('GET /v1/rooms/' + id(12) + '/events?device=dev' + id(6) + '&key=' + id(18) +
    ' HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n');
});
const statuses = {};
let started = 0;
const worker = async () => {
  while (started < total) {
    started += 1;
    const status = await once();
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
};
Promise.all(Array.from({ length: inFlight }, worker)).then(() => parentPort.postMessage(statuses));
`;

function churn(port: number, total: number) {
  const worker = new Worker(CHURN_WORKER, {
    eval: true,
    workerData: { port, total, inFlight: IN_FLIGHT },
  });
  return new Promise<Record<string, number>>((resolve, reject) => {
    worker.once('message', (statuses: Record<string, number>) => {
      resolve(statuses);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

const health = async (url: string) =>
  (await (await fetch(`${url}/healthz`)).json()) as { rooms: number; subscribers: number };

describe('relay abuse', () => {
  it('12,000 rooms churned from one address leave nothing behind; another address still gets a room', async () => {
    const { url, relay } = await startRelay();
    const port = Number(new URL(url).port);
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    // The churner speaks from 127.0.0.1 (binding a source address per socket makes the kernel
    // search past every port in TIME_WAIT); the newcomer from 127.0.0.3.
    const statuses = await churn(port, CHURNED_ROOMS);
    const seconds = (performance.now() - started) / 1000;
    expect(statuses).toEqual({ '200': CHURNED_ROOMS });
    await vi.waitFor(async () =>
      expect(await health(url)).toEqual({ ok: true, rooms: 0, subscribers: 0 }),
    );
    relay.sweep();
    const rssAfter = process.memoryUsage().rss;
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('clipmesh_relay_kept_bindings 0');
    expect(metrics).toContain('clipmesh_relay_queued_bytes 0');

    const newcomer = await subscribe(url, roomId(), deviceId(), deviceKey(), {}, '', '127.0.0.3');
    expect(newcomer.status).toBe(200);
    expect((await newcomer.next('members')).json).toEqual({
      devices: [],
      resumed: false,
      ice: { iceServers: [] },
    });
    const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    console.log(
      `churned ${CHURNED_ROOMS} rooms in ${seconds.toFixed(1)} s; rooms left 0; ` +
        `test process RSS (relay, client thread and test runner) ${mib(rssBefore)} -> ${mib(rssAfter)} MiB`,
    );
  }, 60_000);
});
