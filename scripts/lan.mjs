// The addresses a phone on the same network can open this computer at.

// Interfaces of containers, VMs and VPNs: listed last, as a phone on the Wi-Fi cannot reach them.
const VIRTUAL = /^(docker|br-|veth|virbr|vmnet|vboxnet|utun|tun|tap|wg|zt|tailscale)/;

/**
 * The IPv4 addresses of `interfaces` (the shape of `os.networkInterfaces()`) other than
 * loopback, real network cards first.
 * @param {Record<string, import('node:os').NetworkInterfaceInfo[] | undefined>} interfaces
 * @returns {string[]}
 */
export function lanAddresses(interfaces) {
  const found = Object.entries(interfaces).flatMap(([name, infos = []]) =>
    infos
      .filter((info) => info.family === 'IPv4' && !info.internal)
      .map((info) => ({ address: info.address, virtual: VIRTUAL.test(name) })),
  );
  return [...found.filter((one) => !one.virtual), ...found.filter((one) => one.virtual)].map(
    (one) => one.address,
  );
}

/**
 * Where the started relay can be opened: on every LAN address when it listens on all of
 * them, else only on the one it is bound to.
 * @param {{ scheme: 'http' | 'https', address: string, port: number }} listening
 * @param {string[]} addresses from lanAddresses
 * @returns {{ local: string, lan: string[] }}
 */
export function appUrls({ scheme, address, port }, addresses) {
  const url = (host) => `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  const wildcard = address === '0.0.0.0' || address === '::';
  if (wildcard) return { local: url('localhost'), lan: addresses.map(url) };
  const loopback = address.startsWith('127.') || address === '::1';
  return { local: url(address), lan: loopback ? [] : [url(address)] };
}
