// The private network namespace the e2e suite and the app benchmark run in: `unshare -n` with
// loopback and one veth address, so browsers, relay and WebRTC never reach outside the machine.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const NETNS_ADDRESS = '10.99.0.1/24';
const NETNS_MARKER = 'CLIPMESH_NETNS';

/** True in the process that the namespace command started. */
export function insideNamespace() {
  return process.env[NETNS_MARKER] === '1';
}

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

/**
 * How to run `node script ...args` again inside a fresh namespace: `{ command, args, env }`,
 * or `{ reason }` when this machine cannot (not root, or no unshare or ip).
 */
export function namespaceCommand(script, args) {
  const isRoot = process.getuid?.() === 0;
  const unshare = findCommand('unshare');
  const ip = findCommand('ip');
  if (!isRoot || !unshare || !ip) {
    return { reason: isRoot ? 'unshare or ip not found' : 'not root' };
  }
  return {
    command: unshare,
    args: ['-n', 'sh', '-c', namespaceScript(ip), 'sh', process.execPath, script, ...args],
    env: { ...process.env, [NETNS_MARKER]: '1' },
  };
}
