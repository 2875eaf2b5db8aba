// Client addresses as the per-address limits count them: IPv4 whole, IPv6 by its /64 (one
// subscriber line holds the whole /64), and behind a trusted reverse proxy, the forwarded one.
import { BlockList, isIP } from 'node:net';

/** Proxies named by --trust-proxy; undefined trusts none. */
export type TrustedProxies = BlockList | undefined;

/** The eight 16-bit groups of an IPv6 address (already checked with isIP). */
function hextets(ip: string): number[] {
  const [head = '', tail] = ip.split('::');
  const groups = (text: string): number[] =>
    text === ''
      ? []
      : text.split(':').flatMap((part) => {
          if (!part.includes('.')) return [Number.parseInt(part, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = part.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/** An address without its zone, with IPv4-mapped IPv6 turned back into IPv4. */
export function plainAddress(ip: string): string {
  const bare = ip.split('%')[0] ?? '';
  if (isIP(bare) !== 6) return bare;
  const parts = hextets(bare);
  const mapped = parts.slice(0, 5).every((part) => part === 0) && parts[5] === 0xffff;
  if (!mapped) return bare;
  const [high = 0, low = 0] = parts.slice(6);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** The key per-address limits count by: the IPv4 address, or the /64 of an IPv6 one. */
export function addressKey(ip: string): string {
  const plain = plainAddress(ip);
  if (isIP(plain) !== 6) return plain || 'unknown';
  const prefix = hextets(plain)
    .slice(0, 4)
    .map((part) => part.toString(16));
  return `${prefix.join(':')}::/64`;
}

/** Parses `--trust-proxy` entries: addresses or CIDR ranges, IPv4 or IPv6. */
export function trustedProxies(entries: readonly string[]): TrustedProxies {
  if (entries.length === 0) return undefined;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', bits, extra] = entry.split('/');
    const family = isIP(address);
    const prefix = bits === undefined ? undefined : Number(bits);
    const max = family === 4 ? 32 : 128;
    const validPrefix =
      prefix === undefined || (/^\d{1,3}$/.test(bits ?? '') && (prefix ?? 0) <= max);
    if (family === 0 || extra !== undefined || !validPrefix) {
      throw new RangeError(`"${entry}" is not an IP address or CIDR range`);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, prefix, type);
  }
  return list;
}

/** Whether `ip` (plain, see plainAddress) is one of the trusted proxies. */
export function trusts(proxies: TrustedProxies, ip: string): boolean {
  if (!proxies) return false;
  const family = isIP(ip);
  return family !== 0 && proxies.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

/** Longest X-Forwarded-For chain read; Node already bounds the header's size. */
const MAX_HOPS = 32;

/**
 * The client's address: the socket's peer, or, when that peer is a trusted proxy, the nearest
 * address in X-Forwarded-For that is not one. A malformed entry stops the walk at the proxy
 * that passed it on, so nobody can choose their own address by sending a bad header.
 */
export function clientAddress(
  remote: string | undefined,
  forwarded: string | string[] | undefined,
  proxies: TrustedProxies,
): string {
  let address = plainAddress(remote ?? '');
  if (!proxies || forwarded === undefined) return address;
  const text = Array.isArray(forwarded) ? forwarded.join(',') : forwarded;
  const hops = text.split(',').slice(-MAX_HOPS);
  for (let i = hops.length - 1; i >= 0 && trusts(proxies, address); i -= 1) {
    const hop = plainAddress((hops[i] ?? '').trim());
    if (isIP(hop) === 0) break;
    address = hop;
  }
  return address;
}
