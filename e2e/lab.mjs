// A network lab inside the suite's own namespace (see netns.mjs): a "public" bridge holding the
// relay and coturn, and home networks behind NAT routers, each device a Chromium in a namespace
// of its own. Nothing in it has a route out of the suite's namespace. Plain JavaScript so that
// e2e specs and bench/reach.mjs share one copy.
//
//   test namespace: bridge cmpub 10.200.0.1/24 (relay, coturn)
//     └ router namespace: wan 10.200.0.(10+i), NAT to lan bridge 192.168.i.1/24
//         └ device namespace: eth0 192.168.i.(10+j), default via 192.168.i.1
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumExecutablePath } from './chromium.mjs';
import { insideNamespace } from './netns.mjs';

export const PUBLIC_ADDRESS = '10.200.0.1';
/** The public segment's IPv6 address: the same relay and coturn, for IPv6-only networks. */
export const PUBLIC_ADDRESS6 = 'fd00:200::1';
export const TURN_PORT = 3478;
const BRIDGE = 'cmpub';
const PREFIX = 'cmlab-';
const TURN_READY_MS = 5_000;

const commandPath = (name) =>
  ['/usr/sbin', '/sbin', '/usr/bin', '/bin'].map((dir) => `${dir}/${name}`).find(existsSync);

/** What the lab needs on this machine, in words, or undefined when it has it all. */
export function labMissing() {
  if (!insideNamespace() || process.getuid?.() !== 0) {
    return 'the lab needs root in the suite namespace: run it through `node e2e/run.mjs`';
  }
  const absent = ['ip', 'iptables', 'ip6tables', 'turnserver'].filter((name) => !commandPath(name));
  if (absent.length > 0) return `the lab needs ${absent.join(', ')} (iproute2, iptables, coturn)`;
  return undefined;
}

function run(name, ...args) {
  const path = commandPath(name);
  if (!path) throw new Error(`${name} is not installed`);
  return execFileSync(path, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const ip = (...args) => run('ip', ...args);
const inside = (namespace, name, ...args) =>
  ip('netns', 'exec', namespace, commandPath(name), ...args);

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Namespaces a lab left behind when its process died without cleaning up. */
function removeStale() {
  const names = existsSync('/run/netns') ? readdirSync('/run/netns') : [];
  for (const name of names) {
    const owner = new RegExp(`^${PREFIX}(\\d+)-`).exec(name)?.[1];
    if (owner && !alive(Number(owner))) ip('netns', 'delete', name);
  }
}

function waitForPort(host, port, timeoutMs) {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > until) reject(new Error(`nothing listens on ${host}:${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** coturn on the public bridge, UDP and TCP, with the REST-API shared secret. */
async function startTurn(folder, secret) {
  const args = [
    '-n',
    `--listening-ip=${PUBLIC_ADDRESS}`,
    `--listening-ip=${PUBLIC_ADDRESS6}`,
    `--relay-ip=${PUBLIC_ADDRESS}`,
    `--relay-ip=${PUBLIC_ADDRESS6}`,
    `--listening-port=${TURN_PORT}`,
    '--use-auth-secret',
    `--static-auth-secret=${secret}`,
    '--realm=clipmesh-lab',
    `--allowed-peer-ip=${PUBLIC_ADDRESS.replace(/\.1$/, '.0')}-${PUBLIC_ADDRESS.replace(/\.1$/, '.255')}`,
    '--no-cli',
    '--no-tls',
    '--no-dtls',
    '--fingerprint',
    `--userdb=${folder}/turndb`,
    `--pidfile=${folder}/turnserver.pid`,
    '--log-file=stdout',
    '--simple-log',
  ];
  let output = '';
  const child = spawn(commandPath('turnserver'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  process.on('exit', () => child.kill('SIGKILL'));
  await waitForPort(PUBLIC_ADDRESS, TURN_PORT, TURN_READY_MS);
  return { child, logs: () => output };
}

function writeLauncher(folder, namespace) {
  const launcher = join(folder, `${namespace}-chromium.sh`);
  const chromium = chromiumExecutablePath() ?? 'chromium';
  writeFileSync(
    launcher,
    `#!/bin/sh\nexec ${commandPath('ip')} netns exec ${namespace} ${chromium} "$@"\n`,
  );
  chmodSync(launcher, 0o755);
  return launcher;
}

/** Splits a command line written as one string; lab commands have no quoted words. */
const words = (line) => line.split(' ');

/** IPv6 on router `index` as on IPv4: the public /64 on its WAN, NAT66 to its LAN's /64. */
function addIpv6(namespace, index) {
  const inRouter = (line) => ip('-n', namespace, ...words(line));
  inRouter(`-6 addr add fd00:200::${10 + index}/64 dev wan nodad`);
  inRouter(`-6 addr add fd00:${index}::1/64 dev lan nodad`);
  inside(namespace, 'sysctl', '-qw', 'net.ipv6.conf.all.forwarding=1');
  inside(namespace, 'ip6tables', ...words('-t nat -A POSTROUTING -o wan -j MASQUERADE'));
  inside(
    namespace,
    'ip6tables',
    ...words('-A INPUT -i wan -p udp -m conntrack --ctstate NEW -j DROP'),
  );
}

/** The router of home network `index`: WAN on the public bridge, NAT to its LAN bridge. */
function buildRouter(namespace, index, nat) {
  ip(...words(`link add cmw${index} type veth peer name wan netns ${namespace}`));
  ip(...words(`link set cmw${index} master ${BRIDGE} up`));
  const inRouter = (line) => ip('-n', namespace, ...words(line));
  inRouter(`addr add 10.200.0.${10 + index}/24 dev wan`);
  inRouter('link set wan up');
  inRouter('link add lan type bridge');
  inRouter(`addr add 192.168.${index}.1/24 dev lan`);
  inRouter('link set lan up');
  inside(namespace, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
  const random = nat === 'symmetric' ? ' --random-fully' : '';
  inside(namespace, 'iptables', ...words(`-t nat -A POSTROUTING -o wan -j MASQUERADE${random}`));
  // Unasked-for packets to the router are dropped before conntrack confirms an entry for
  // them: such an entry would hold the port a device's own reply needs, and NAT would then
  // pick another port (a punched hole that never opens).
  inside(namespace, 'iptables', ...words('-A INPUT -i wan -m conntrack --ctstate NEW -j DROP'));
}

/**
 * Device `host` on the LAN of router `index`: its own namespace, cabled to the LAN bridge,
 * with IPv4, IPv6 or both.
 */
function buildDevice(router, own, index, host, { ipv4, ipv6 }) {
  const port = `cml${index}d${host}`;
  ip('-n', router, ...words(`link add ${port} type veth peer name eth0 netns ${own}`));
  ip('-n', router, ...words(`link set ${port} master lan up`));
  ip('-n', own, ...words('link set eth0 up'));
  if (ipv4) {
    ip('-n', own, ...words(`addr add 192.168.${index}.${host}/24 dev eth0`));
    ip('-n', own, ...words(`route add default via 192.168.${index}.1`));
  }
  if (ipv6) {
    ip('-n', own, ...words(`-6 addr add fd00:${index}::${host}/64 dev eth0 nodad`));
    ip('-n', own, ...words(`-6 route add default via fd00:${index}::1`));
  }
}

/** Stops coturn and deletes every namespace, cable and launcher the lab made. */
function removeLab(turn, namespaces, folder) {
  turn.child.kill('SIGKILL');
  const problems = [];
  for (const namespace of namespaces.splice(0).reverse()) {
    try {
      ip('netns', 'delete', namespace);
    } catch (error) {
      problems.push(`${namespace}: ${error.message}`);
    }
  }
  ip('link', 'delete', BRIDGE);
  rmSync(folder, { recursive: true, force: true });
  if (problems.length > 0) throw new Error(`the lab left namespaces: ${problems.join('; ')}`);
}

/**
 * Builds the public segment and starts coturn with `turnSecret`. Routers and devices are added
 * with `lab.router()` and `router.device()`; `lab.remove()` takes it all down.
 */
export async function createLab({ turnSecret }) {
  const missing = labMissing();
  if (missing) throw new Error(missing);
  removeStale();
  const folder = mkdtempSync(join(tmpdir(), 'clipmesh-lab-'));
  const namespaces = [];
  let routers = 0;
  ip(...words(`link add ${BRIDGE} type bridge`));
  ip(...words(`addr add ${PUBLIC_ADDRESS}/24 dev ${BRIDGE}`));
  ip(...words(`-6 addr add ${PUBLIC_ADDRESS6}/64 dev ${BRIDGE} nodad`));
  ip(...words(`link set ${BRIDGE} up`));
  const turn = await startTurn(folder, turnSecret);

  const addNamespace = (role) => {
    const namespace = `${PREFIX}${process.pid}-${role}`;
    ip('netns', 'add', namespace);
    namespaces.push(namespace);
    ip('-n', namespace, 'link', 'set', 'lo', 'up');
    return namespace;
  };

  /**
   * A home network behind one NAT router: `cone` keeps ports, `symmetric` draws them at random.
   * `ip`: 4 (the default), 6 (an IPv6-only network) or 46 (both), each behind NAT.
   */
  function router({ nat = 'cone', udp = true, ip: family = 4 } = {}) {
    const index = ++routers;
    const namespace = addNamespace(`r${index}`);
    buildRouter(namespace, index, nat);
    const stacks = { ipv4: family !== 6, ipv6: family !== 4 };
    if (stacks.ipv6) addIpv6(namespace, index);
    const udpRule = words('FORWARD -p udp -j DROP');
    const blockUdp = () => inside(namespace, 'iptables', '-I', ...udpRule);
    const allowUdp = () => inside(namespace, 'iptables', '-D', ...udpRule);
    if (!udp) blockUdp();
    let devices = 0;
    return {
      namespace,
      wanAddress: `10.200.0.${10 + index}`,
      blockUdp,
      allowUdp,
      /** A device on this network: launch its Chromium through `executablePath`. */
      device() {
        const host = 10 + ++devices;
        const own = addNamespace(`r${index}d${devices}`);
        buildDevice(namespace, own, index, host, stacks);
        const executablePath = writeLauncher(folder, own);
        return { namespace: own, address: `192.168.${index}.${host}`, executablePath };
      },
    };
  }

  return {
    turnUrl: (transport = 'udp') => `turn:${PUBLIC_ADDRESS}:${TURN_PORT}?transport=${transport}`,
    stunUrl: `stun:${PUBLIC_ADDRESS}:${TURN_PORT}`,
    stunUrl6: `stun:[${PUBLIC_ADDRESS6}]:${TURN_PORT}`,
    router,
    turnLogs: turn.logs,
    remove: () => removeLab(turn, namespaces, folder),
  };
}
