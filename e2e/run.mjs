// The e2e entry point. As root, it moves the suite into a fresh network namespace first,
// so browsers, relay and WebRTC traffic never reach any address outside it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NETNS_MARKER = 'CLIPMESH_NETNS';
const NETNS_ADDRESS = '10.99.0.1/24';
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const playwrightCli = createRequire(import.meta.url).resolve('@playwright/test/cli');
const args = process.argv.slice(2);

/** The absolute path of a command on PATH or in the sbin folders, which root's PATH may lack. */
function findCommand(name) {
  const folders = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  return folders
    .filter((folder) => folder.startsWith('/'))
    .map((folder) => join(folder, name))
    .find((path) => existsSync(path));
}

/** The shell script that builds the namespace's network and then runs the given command. */
function namespaceScript(ip) {
  return [
    `${ip} link set lo up`,
    `${ip} link add v0 type veth peer name v1`,
    `${ip} addr add ${NETNS_ADDRESS} dev v0`,
    `${ip} link set v0 up`,
    `${ip} link set v1 up`,
    // A default route gives WebRTC a non-loopback interface; nothing answers at 10.99.0.2.
    `${ip} route add default via 10.99.0.2 dev v0`,
    'exec "$@"',
  ].join(' && ');
}

function run(command, commandArgs, env = process.env) {
  const child = spawn(command, commandArgs, { cwd: repoRoot, env, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    console.error(`e2e: could not start ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? 128 + signalNumber(signal)));
}

function signalNumber(signal) {
  return { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[signal] ?? 1;
}

const runPlaywright = () => run(process.execPath, [playwrightCli, 'test', ...args]);

if (process.env[NETNS_MARKER] === '1') {
  runPlaywright();
} else {
  const isRoot = process.getuid?.() === 0;
  const unshare = findCommand('unshare');
  const ip = findCommand('ip');
  if (isRoot && unshare && ip) {
    console.log(`e2e: as root, inside a private network namespace (unshare -n, ${NETNS_ADDRESS})`);
    const script = namespaceScript(ip);
    const self = fileURLToPath(import.meta.url);
    run(unshare, ['-n', 'sh', '-c', script, 'sh', process.execPath, self, ...args], {
      ...process.env,
      [NETNS_MARKER]: '1',
    });
  } else if (process.env.CI) {
    // On CI the suite must never fall back to the machine's own network.
    console.error('e2e: CI needs root, unshare and ip to run the suite in a network namespace');
    process.exit(1);
  } else {
    const reason = isRoot ? 'unshare or ip not found' : 'not root';
    console.log(`e2e: ${reason}; running Playwright on this machine's network`);
    runPlaywright();
  }
}
