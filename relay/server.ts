// The relay: a blind SSE fan-out for sealed signaling payloads, plus optional static hosting.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { trustedProxies } from './address';
import { AddressLimits } from './address-limits';
import type { RoomBackend } from './backend';
import { Backlog } from './backlog';
import {
  API_PREFIX,
  HEALTH_PATH,
  METRICS_PATH,
  type PublishResponse,
  ROOM_ID_PATTERN,
} from './contract';
import { type Cors, corsPolicy, PREFLIGHT_HEADERS, pageHeaders } from './headers';
import { ICE_BODY_LIMIT, type IceOptions, iceAnswer, parseIceRequest } from './ice';
import { DEFAULT_LIMITS, type RelayLimits } from './limits';
import { jsonLogger, type Logger, shortId } from './log';
import { createMemoryBackend } from './memory-backend';
import { createMetrics, type Metrics } from './metrics';
import { parsePublish, readBody, requireJson } from './publish';
import { createRedisBackend } from './redis-backend';
import { RelayError, sendError, sendJson } from './reply';
import { allowMethods, refuseMalformed, splitUrl, subscriberParams } from './requests';
import { EventStream, formatEvent, KEEPALIVE_FRAME } from './sse';
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

/** Who is asking: their CORS answer, and the client address key the per-address limits use. */
interface Client {
  cors: Cors;
  address: string;
}

const API_ROUTE = /^\/v1\/rooms\/([^/]*)\/(events|messages|ice)$/;
const METRICS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function createRelay(options: RelayOptions = {}): Relay {
  const limits = { ...DEFAULT_LIMITS };
  // Field by field, so that an option given as undefined keeps its default.
  for (const name of Object.keys(DEFAULT_LIMITS) as (keyof RelayLimits)[]) {
    limits[name] = options[name] ?? DEFAULT_LIMITS[name];
  }
  const now = options.now ?? Date.now;
  const log = options.log ?? jsonLogger;
  const corsFor = corsPolicy(options.origins ?? ['*']);
  const page = pageHeaders(options.connectSrc ?? []);
  const serveStatic = options.staticDir ? createStatic(options.staticDir) : undefined;
  const metrics = createMetrics();
  const streams = new Set<EventStream>();
  const addresses = new AddressLimits(limits, trustedProxies(options.trustProxy ?? []));
  const backlog = new Backlog<EventStream>(limits.maxQueueTotalBytes, (stream) => {
    stream.cut();
    metrics.dropped('backlog');
    log({ level: 'warn', msg: 'dropped the largest backlog', device: stream.device });
  });
  const timers: NodeJS.Timeout[] = [];
  const peers = options.peers ?? [];
  const advertised = peers.length > 0 ? { relays: peers } : {};
  let closing = false;

  const backend: RoomBackend<EventStream> = options.redis
    ? createRedisBackend(limits, now, deliver, {
        url: options.redis,
        log,
        presenceTtlMs: options.presenceTtlMs,
      })
    : createMemoryBackend(limits, now, deliver);

  function deliver(stream: EventStream, name: string, frame: string, born: number): void {
    stream.send(name, frame);
    if (name === 'message') metrics.fanout((performance.now() - born) / 1000);
  }

  function stuck(stream: EventStream): void {
    metrics.dropped('slow');
    log({ level: 'warn', msg: 'dropped a subscriber that stopped reading', device: stream.device });
  }

  async function subscribe(
    req: IncomingMessage,
    res: ServerResponse,
    roomId: string,
    search: string,
    from: Client,
  ): Promise<void> {
    const { device, key, lastEventId } = subscriberParams(req, search);
    if (closing) throw new RelayError(503, 'shutting_down', 'relay is shutting down');
    if (streams.size >= limits.maxConnections) {
      throw new RelayError(503, 'too_many_connections', 'relay has too many connections');
    }
    const stream = new EventStream(res, device, limits.maxQueueBytes, metrics, stuck, backlog);
    const request = { roomId, owner: from.address, key, subscriber: stream, lastEventId };
    const joined = await backend.join(request);
    streams.add(stream);
    res.on('close', () => unsubscribe(roomId, stream));
    // The client may have gone while a shared backend answered.
    if (res.destroyed) {
      unsubscribe(roomId, stream);
      return;
    }
    const members = { devices: joined.devices, resumed: joined.resumed, ...advertised };
    const first = [{ kind: 'members', frame: formatEvent(joined.id, 'members', members) }];
    for (const event of joined.missed) first.push({ kind: event.name, frame: event.frame });
    stream.open(from.cors.api, first);
    const msg = joined.tookOver ? 'took over a stream' : 'subscribed';
    log({ msg, room: shortId(roomId), device, resumed: joined.resumed });
  }

  function unsubscribe(roomId: string, stream: EventStream): void {
    if (!streams.delete(stream)) return;
    backlog.remove(stream);
    backend.leave(roomId, stream);
    log({ msg: 'unsubscribed', room: shortId(roomId), device: stream.device });
  }

  async function publish(req: IncomingMessage, res: ServerResponse, roomId: string, from: Client) {
    requireJson(req);
    const body = await readBody(req, limits.maxBodyBytes);
    const message = parsePublish(body);
    const charge = () => addresses.publish(from.address, now());
    const sent: PublishResponse = await backend.publish(roomId, message, charge);
    metrics.published(body.length);
    sendJson(res, 202, sent, from.cors.api);
  }

  /** STUN and TURN servers, only for a device that proves its binding with its key. */
  async function ice(req: IncomingMessage, res: ServerResponse, roomId: string, cors: Cors) {
    requireJson(req);
    const request = parseIceRequest(await readBody(req, ICE_BODY_LIMIT));
    await backend.verify(roomId, request.device, request.key);
    const answer = iceAnswer(options, request.device, now());
    sendJson(res, 200, answer, cors.api, { 'Cache-Control': 'no-store' });
  }

  async function route(req: IncomingMessage, res: ServerResponse, from: Client): Promise<void> {
    const { cors } = from;
    const { path, search } = splitUrl(req.url ?? '/');
    const api = path.startsWith(`${API_PREFIX}/`);
    if (!cors.allowed && (api || req.method === 'OPTIONS')) {
      throw new RelayError(403, 'origin_not_allowed', 'origin is not allowed');
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...PREFLIGHT_HEADERS, ...cors.api }).end();
      return;
    }
    if (path === HEALTH_PATH) {
      allowMethods(req, 'GET', 'HEAD');
      const { rooms, cluster } = backend.status();
      const ok = cluster?.connected ?? true;
      const health = { ok, rooms, subscribers: streams.size, ...(cluster && { cluster }) };
      sendJson(res, ok ? 200 : 503, health, cors.api);
      return;
    }
    if (path === METRICS_PATH) {
      allowMethods(req, 'GET', 'HEAD');
      const status = backend.status();
      const text = metrics.render({
        rooms: status.rooms,
        subscribers: streams.size,
        queuedBytes: backlog.bytes,
        keptBindings: status.keptBindings,
        cluster: status.cluster,
      });
      res.writeHead(200, { 'Content-Type': METRICS_TYPE, ...cors.api });
      res.end(text);
      return;
    }
    const [, roomId = '', action] = API_ROUTE.exec(path) ?? [];
    if (action && !ROOM_ID_PATTERN.test(roomId)) {
      throw new RelayError(400, 'bad_room', 'room must be 16 to 64 base64url characters');
    }
    if (action === 'events') {
      allowMethods(req, 'GET');
      await subscribe(req, res, roomId, search, from);
      return;
    }
    if (action === 'messages') {
      allowMethods(req, 'POST');
      await publish(req, res, roomId, from);
      return;
    }
    if (action === 'ice') {
      allowMethods(req, 'POST');
      await ice(req, res, roomId, cors);
      return;
    }
    if (api || !serveStatic) throw new RelayError(404, 'not_found', 'not found');
    allowMethods(req, 'GET', 'HEAD');
    await serveStatic(req, res, path, { ...page, ...cors.headers });
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const cors = corsFor(req);
    const address = addresses.enter(req, res);
    const answer = address
      ? route(req, res, { cors, address })
      : Promise.reject(
          new RelayError(429, 'too_many_from_ip', 'too many connections from this address', {
            Connection: 'close',
          }),
        );
    answer.catch((caught: unknown) => {
      const error =
        caught instanceof RelayError
          ? caught
          : new RelayError(500, 'internal', 'internal error in the relay');
      if (error.status === 500)
        log({ level: 'error', msg: 'internal error', error: String(caught) });
      metrics.rejected(error.reason);
      log({ level: 'warn', msg: 'refused', status: error.status, reason: error.reason });
      if (res.headersSent || res.destroyed) res.destroy();
      else sendError(res, error, cors.api);
    });
  }

  const server = options.tls ? createTlsServer(options.tls, handle) : createServer(handle);
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    metrics.rejected(error.code === 'ECONNRESET' ? 'client_reset' : 'malformed_http');
    refuseMalformed(error, socket);
  });
  const { tap } = options;
  // Under TLS the tap sees the decrypted bytes, as it does the plain ones.
  const opened = options.tls ? 'secureConnection' : 'connection';
  if (tap) server.on(opened, (socket) => tapSocket(socket, tap));
  // Counted as TCP sockets, before any TLS handshake, so unfinished handshakes count too.
  server.on('connection', (socket) => addresses.accept(socket, options.tls !== undefined));

  function sweep(): void {
    backend.sweep();
    addresses.prune(now());
  }

  function keepalive(): void {
    for (const stream of streams) stream.send('keepalive', KEEPALIVE_FRAME);
  }

  return {
    server,
    metrics,
    sweep,
    async listen(port = 0, host = '127.0.0.1') {
      await backend.start();
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          timers.push(setInterval(keepalive, limits.keepaliveMs).unref());
          timers.push(setInterval(sweep, options.sweepMs ?? 10_000).unref());
          resolve(server.address() as AddressInfo);
        });
      });
    },
    close() {
      closing = true;
      for (const timer of timers) clearInterval(timer);
      for (const stream of streams) stream.end();
      log({ msg: 'closing', streams: streams.size });
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
      return stopped.then(() => backend.close());
    },
  };
}
