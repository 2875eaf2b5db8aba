// The one way to start a throwaway redis-server (Debian's, by path) on a free loopback port,
// with no persistence, in a temp dir: the relay's cluster tests and the cluster bench use it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.mjs';

export const REDIS_SERVER = '/usr/bin/redis-server';
const START_TIMEOUT_MS = 5000;

function launch(port, dir) {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn(REDIS_SERVER, [...args, '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start:\n${output}`));
    }, START_TIMEOUT_MS);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
}

const ended = (child, signal) =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });

/** Resolves with `{ url, port, pid(), kill(), restart(), stop() }` once Redis accepts clients. */
export async function startRedis() {
  const dir = mkdtempSync(join(tmpdir(), 'clipmesh-redis-'));
  const port = await freePort();
  let child = await launch(port, dir);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: () => child.pid,
    /** Kills it at once (SIGKILL), as a crash would. */
    kill: () => ended(child, 'SIGKILL'),
    /** Starts it again on the same port, empty. */
    async restart() {
      child = await launch(port, dir);
    },
    async stop() {
      await ended(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
