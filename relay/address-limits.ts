// What one client address may hold and spend: open sockets (idle ones too), open requests
// (event streams and publishes), and publishes per second whatever device ids it uses.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { addressKey, clientAddress, plainAddress, type TrustedProxies, trusts } from './address';
import { Buckets, type RelayLimits, Tally } from './limits';

type Limits = Pick<RelayLimits, 'maxConnectionsPerIp' | 'ipPublishRate' | 'ipPublishBurst'>;

/** How long a refused socket may stay to hear why, if it sends a request at all. */
const REFUSED_LINGER_MS = 1000;

export class AddressLimits {
  private readonly sockets = new Tally();
  private readonly requests = new Tally();
  private readonly refused = new WeakSet<Socket>();
  private readonly publishes: Buckets;

  constructor(
    private readonly limits: Limits,
    private readonly proxies: TrustedProxies,
  ) {
    this.publishes = new Buckets(limits.ipPublishRate, limits.ipPublishBurst);
  }

  /**
   * Counts a new TCP socket by its peer; a trusted proxy's sockets carry many clients, so not
   * those. Past the limit, a plain HTTP socket may still hear why; a TLS one is cut at once,
   * since it cannot be answered before its handshake.
   */
  accept(socket: Socket, tls: boolean): void {
    const peer = plainAddress(socket.remoteAddress ?? '');
    if (trusts(this.proxies, peer)) return;
    const key = addressKey(peer);
    if (this.sockets.get(key) >= this.limits.maxConnectionsPerIp) {
      if (tls) {
        socket.destroy();
        return;
      }
      this.refused.add(socket);
      socket.setTimeout(REFUSED_LINGER_MS, () => socket.destroy());
      return;
    }
    this.sockets.add(key);
    socket.once('close', () => this.sockets.remove(key));
  }

  /**
   * The request's client address key, counted until its response closes; undefined when its
   * socket was refused or the address already has as many requests open as allowed.
   */
  enter(req: IncomingMessage, res: ServerResponse): string | undefined {
    const address = clientAddress(
      req.socket.remoteAddress,
      req.headers['x-forwarded-for'],
      this.proxies,
    );
    const key = addressKey(address);
    if (this.refused.has(req.socket)) return undefined;
    if (this.requests.get(key) >= this.limits.maxConnectionsPerIp) return undefined;
    this.requests.add(key);
    res.once('close', () => this.requests.remove(key));
    return key;
  }

  /** Spends one of the address's publishes: 0 when allowed, else ms until one is. */
  publish(key: string, now: number): number {
    return this.publishes.take(key, now);
  }

  /** Forgets the publish budgets of addresses that have been quiet long enough to refill. */
  prune(now: number): void {
    this.publishes.prune(now);
  }
}
