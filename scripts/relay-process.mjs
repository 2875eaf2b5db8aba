// The one way to start the built relay as a child process and wait until it listens:
// e2e fixtures, benchmarks, `npm start` and the relay's own command tests all use it.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const RELAY_BUNDLE = `${REPO_ROOT}dist/relay.mjs`;
const LISTEN_TIMEOUT_MS = 10_000;

/** `{ url, address, port }` from the relay's `{"msg":"listening",…}` log line, else undefined. */
export function parseListening(line) {
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (entry?.msg !== 'listening' || typeof entry.url !== 'string') return undefined;
  const url = new URL(entry.url);
  const address = typeof entry.address === 'string' ? entry.address : url.host;
  const colon = address.lastIndexOf(':');
  return { url: entry.url, address: address.slice(0, colon), port: Number(url.port) };
}

/**
 * Spawns `node <bundle> ...args` and resolves with `{ child, url, address, port }` once the
 * relay logs that it listens; rejects with its output when it exits or stays silent first.
 */
export function launchRelay(options = {}) {
  const { args = [], env, bundle = RELAY_BUNDLE, fdLimit, onLine, onOutput } = options;
  const timeoutMs = options.timeoutMs ?? LISTEN_TIMEOUT_MS;
  const stdio = ['ignore', 'pipe', options.stderr ?? 'pipe'];
  const spawnOptions = { cwd: options.cwd ?? REPO_ROOT, env: { ...process.env, ...env }, stdio };
  // `exec` keeps the pid, so /proc/<pid> is the relay's own.
  const child = fdLimit
    ? spawn(
        'sh',
        ['-c', `ulimit -n ${fdLimit} && exec "$0" "$@"`, process.execPath, bundle, ...args],
        spawnOptions,
      )
    : spawn(process.execPath, [bundle, ...args], spawnOptions);
  let output = '';
  const record = (text) => {
    output = (output + text).slice(-64_000);
    onOutput?.(text);
  };
  child.stderr?.on('data', (chunk) => record(chunk.toString()));
  return new Promise((resolve, reject) => {
    const fail = (why) => {
      clearTimeout(timer);
      reject(new Error(`${why}\n--- relay output ---\n${output}`));
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(`the relay did not log "listening" within ${timeoutMs} ms`);
    }, timeoutMs);
    const early = (code, signal) =>
      fail(`the relay exited before listening (code ${code}, signal ${signal})`);
    child.once('exit', early);
    createInterface({ input: child.stdout }).on('line', (line) => {
      record(`${line}\n`);
      onLine?.(line);
      const listening = parseListening(line);
      if (!listening) return;
      clearTimeout(timer);
      child.off('exit', early);
      resolve({ child, ...listening });
    });
  });
}
