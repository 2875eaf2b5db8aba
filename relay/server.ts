// The relay: a blind SSE fan-out for sealed signaling payloads, plus optional static hosting.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { trustedProxies } from './address';
import { AddressLimits } from './address-limits';
import type { RoomBackend } from './backend';
import { Backlog } from './backlog';
import { type Cors, corsPolicy, pageHeaders } from './headers';
import type { IceOptions } from './ice';
import { DEFAULT_LIMITS, type RelayLimits } from './limits';
import { jsonLogger, type Logger } from './log';
import { createMemoryBackend } from './memory-backend';
import { createMetrics, type Metrics } from './metrics';
import { createRedisBackend } from './redis-backend';
import { RelayError, sendError } from './reply';
import { refuseMalformed } from './requests';
import { type RelayContext, route } from './routes';
import { type EventStream, KEEPALIVE_FRAME } from './sse';
import { createStatic } from './static';
import { type Tap, tapSocket } from './tap';

export interface RelayOptions extends Partial<RelayLimits>, IceOptions {
  /** The clock for rooms, replay windows and rate limits; tests move it by hand. */
  now?: () => number;
  log?: Logger;
  /** Sees every byte received and sent on the relay's HTTP sockets. */
  tap?: Tap;
  /** Serve https with this PEM certificate and key instead of http. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Serve the built app from this directory. */
  staticDir?: string;
  /** Origins added to the CSP connect-src of the served app. */
  connectSrc?: string[];
  /** Origins allowed to call the API; `*` allows any. */
  origins?: string[];
  /** Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client. */
  trustProxy?: string[];
  /** How often rooms are swept once listening; tests call sweep() instead. */
  sweepMs?: number;
  /** Share rooms with other relay processes through this Redis (redis://host:port). */
  redis?: string;
  /** Other relays of this service, advertised to devices in `members` for failover. */
  peers?: string[];
  /** With redis: how long a device stays present without its relay's heartbeat. */
  presenceTtlMs?: number;
}

export interface Relay {
  readonly server: Server;
  readonly metrics: Metrics;
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /** Ends every stream so clients reconnect (elsewhere, or after a restart), then stops. */
  close(): Promise<void>;
  /** Drops expired replay events and rooms that stayed empty past their grace period. */
  sweep(): void;
}

/** The limits given, each one left out (or given as undefined) at its default. */
function relayLimits(options: RelayOptions): RelayLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const name of Object.keys(DEFAULT_LIMITS) as (keyof RelayLimits)[]) {
    limits[name] = options[name] ?? DEFAULT_LIMITS[name];
  }
  return limits;
}

function createBackend(
  options: RelayOptions,
  { limits, now, log, metrics }: Pick<RelayContext, 'limits' | 'now' | 'log' | 'metrics'>,
): RoomBackend<EventStream> {
  function deliver(stream: EventStream, name: string, frame: string, born: number): void {
    stream.send(name, frame);
    if (name === 'message') metrics.fanout((performance.now() - born) / 1000);
  }
  if (!options.redis) return createMemoryBackend(limits, now, deliver);
  const redis = { url: options.redis, log, presenceTtlMs: options.presenceTtlMs };
  return createRedisBackend(limits, now, deliver, redis);
}

function createContext(options: RelayOptions): RelayContext {
  const limits = relayLimits(options);
  const now = options.now ?? Date.now;
  const log = options.log ?? jsonLogger;
  const metrics = createMetrics();
  const peers = options.peers ?? [];
  return {
    limits,
    now,
    log,
    metrics,
    page: pageHeaders(options.connectSrc ?? []),
    serveStatic: options.staticDir ? createStatic(options.staticDir) : undefined,
    streams: new Set(),
    addresses: new AddressLimits(limits, trustedProxies(options.trustProxy ?? [])),
    backlog: new Backlog<EventStream>(limits.maxQueueTotalBytes, (stream) => {
      stream.cut();
      metrics.dropped('backlog');
      log({ level: 'warn', msg: 'dropped the largest backlog', device: stream.device });
    }),
    backend: createBackend(options, { limits, now, log, metrics }),
    ice: options,
    advertised: peers.length > 0 ? { relays: peers } : {},
    closing: false,
  };
}

/** Answers an error thrown on the way as the relay's JSON error, or cuts a reply begun. */
function refuse(ctx: RelayContext, res: ServerResponse, api: Cors['api'], caught: unknown): void {
  const error =
    caught instanceof RelayError
      ? caught
      : new RelayError(500, 'internal', 'internal error in the relay');
  if (error.status === 500)
    ctx.log({ level: 'error', msg: 'internal error', error: String(caught) });
  ctx.metrics.rejected(error.reason);
  ctx.log({ level: 'warn', msg: 'refused', status: error.status, reason: error.reason });
  if (res.headersSent || res.destroyed) res.destroy();
  else sendError(res, error, api);
}

function createHttpServer(ctx: RelayContext, options: RelayOptions): Server {
  const corsFor = corsPolicy(options.origins ?? ['*']);
  function handle(req: IncomingMessage, res: ServerResponse): void {
    const cors = corsFor(req);
    const address = ctx.addresses.enter(req, res);
    const answer = address
      ? route(ctx, req, res, { cors, address })
      : Promise.reject(
          new RelayError(429, 'too_many_from_ip', 'too many connections from this address', {
            Connection: 'close',
          }),
        );
    answer.catch((caught: unknown) => refuse(ctx, res, cors.api, caught));
  }
  const server = options.tls ? createTlsServer(options.tls, handle) : createServer(handle);
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    ctx.metrics.rejected(error.code === 'ECONNRESET' ? 'client_reset' : 'malformed_http');
    refuseMalformed(error, socket);
  });
  const { tap } = options;
  // Under TLS the tap sees the decrypted bytes, as it does the plain ones.
  const opened = options.tls ? 'secureConnection' : 'connection';
  if (tap) server.on(opened, (socket) => tapSocket(socket, tap));
  // Counted as TCP sockets, before any TLS handshake, so unfinished handshakes count too.
  server.on('connection', (socket) => ctx.addresses.accept(socket, options.tls !== undefined));
  return server;
}

/** Ends every stream so clients reconnect elsewhere, then stops the server and the backend. */
function close(ctx: RelayContext, server: Server): Promise<void> {
  for (const stream of ctx.streams) stream.end();
  ctx.log({ msg: 'closing', streams: ctx.streams.size });
  const stopped = new Promise<void>((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeIdleConnections();
    // Requests still in flight get a moment, then their sockets go too.
    setTimeout(() => server.closeAllConnections(), 2000).unref();
  });
  return stopped.then(() => ctx.backend.close());
}

export function createRelay(options: RelayOptions = {}): Relay {
  const ctx = createContext(options);
  const server = createHttpServer(ctx, options);
  const timers: NodeJS.Timeout[] = [];

  function sweep(): void {
    ctx.backend.sweep();
    ctx.addresses.prune(ctx.now());
  }

  function keepalive(): void {
    for (const stream of ctx.streams) stream.send('keepalive', KEEPALIVE_FRAME);
  }

  return {
    server,
    metrics: ctx.metrics,
    sweep,
    async listen(port = 0, host = '127.0.0.1') {
      await ctx.backend.start();
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          timers.push(setInterval(keepalive, ctx.limits.keepaliveMs).unref());
          timers.push(setInterval(sweep, options.sweepMs ?? 10_000).unref());
          resolve(server.address() as AddressInfo);
        });
      });
    },
    close() {
      ctx.closing = true;
      for (const timer of timers) clearInterval(timer);
      return close(ctx, server);
    },
  };
}
