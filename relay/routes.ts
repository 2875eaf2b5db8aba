// What each path of the relay answers: a room's events, messages and ICE servers, health and
// metrics, then the static app.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressLimits } from './address-limits';
import type { RoomBackend } from './backend';
import type { Backlog } from './backlog';
import {
  API_PREFIX,
  HEALTH_PATH,
  METRICS_PATH,
  type PublishResponse,
  ROOM_ID_PATTERN,
} from './contract';
import { type Cors, type HeaderSet, PREFLIGHT_HEADERS } from './headers';
import { ICE_BODY_LIMIT, type IceOptions, iceAnswer, parseIceRequest } from './ice';
import type { RelayLimits } from './limits';
import { type Logger, shortId } from './log';
import type { Metrics } from './metrics';
import { parsePublish, readBody, requireJson } from './publish';
import { RelayError, sendJson } from './reply';
import { allowMethods, splitUrl, subscriberParams } from './requests';
import { EventStream, formatEvent } from './sse';
import type { createStatic } from './static';

/** Who is asking: their CORS answer, and the client address key the per-address limits use. */
export interface Client {
  cors: Cors;
  address: string;
}

/** What the routes share with the server, made once by createRelay. */
export interface RelayContext {
  limits: RelayLimits;
  now: () => number;
  log: Logger;
  metrics: Metrics;
  backend: RoomBackend<EventStream>;
  streams: Set<EventStream>;
  backlog: Backlog<EventStream>;
  addresses: AddressLimits;
  ice: IceOptions;
  /** Headers of the served app's pages. */
  page: HeaderSet;
  serveStatic: ReturnType<typeof createStatic> | undefined;
  /** Added to every `members` event: the other relays of this service. */
  advertised: { relays?: string[] };
  /** Set once close() began: no new streams. */
  closing: boolean;
}

const API_ROUTE = /^\/v1\/rooms\/([^/]*)\/(events|messages|ice)$/;
const METRICS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export async function route(
  ctx: RelayContext,
  req: IncomingMessage,
  res: ServerResponse,
  from: Client,
): Promise<void> {
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
  if (path === HEALTH_PATH) return health(ctx, req, res, cors);
  if (path === METRICS_PATH) return metrics(ctx, req, res, cors);
  const [, roomId = '', action] = API_ROUTE.exec(path) ?? [];
  if (action && !ROOM_ID_PATTERN.test(roomId)) {
    throw new RelayError(400, 'bad_room', 'room must be 16 to 64 base64url characters');
  }
  if (action === 'events') {
    allowMethods(req, 'GET');
    return subscribe(ctx, req, res, { roomId, search, from });
  }
  if (action === 'messages') {
    allowMethods(req, 'POST');
    return publish(ctx, req, res, roomId, from);
  }
  if (action === 'ice') {
    allowMethods(req, 'POST');
    return ice(ctx, req, res, roomId, cors);
  }
  if (api || !ctx.serveStatic) throw new RelayError(404, 'not_found', 'not found');
  allowMethods(req, 'GET', 'HEAD');
  await ctx.serveStatic(req, res, path, { ...ctx.page, ...cors.headers });
}

function health(ctx: RelayContext, req: IncomingMessage, res: ServerResponse, cors: Cors): void {
  allowMethods(req, 'GET', 'HEAD');
  const { rooms, cluster } = ctx.backend.status();
  const ok = cluster?.connected ?? true;
  const health = { ok, rooms, subscribers: ctx.streams.size, ...(cluster && { cluster }) };
  sendJson(res, ok ? 200 : 503, health, cors.api);
}

function metrics(ctx: RelayContext, req: IncomingMessage, res: ServerResponse, cors: Cors): void {
  allowMethods(req, 'GET', 'HEAD');
  const status = ctx.backend.status();
  const text = ctx.metrics.render({
    rooms: status.rooms,
    subscribers: ctx.streams.size,
    queuedBytes: ctx.backlog.bytes,
    keptBindings: status.keptBindings,
    cluster: status.cluster,
  });
  res.writeHead(200, { 'Content-Type': METRICS_TYPE, ...cors.api });
  res.end(text);
}

function stuck(ctx: RelayContext, stream: EventStream): void {
  ctx.metrics.dropped('slow');
  ctx.log({
    level: 'warn',
    msg: 'dropped a subscriber that stopped reading',
    device: stream.device,
  });
}

async function subscribe(
  ctx: RelayContext,
  req: IncomingMessage,
  res: ServerResponse,
  { roomId, search, from }: { roomId: string; search: string; from: Client },
): Promise<void> {
  const { device, key, lastEventId } = subscriberParams(req, search);
  if (ctx.closing) throw new RelayError(503, 'shutting_down', 'relay is shutting down');
  if (ctx.streams.size >= ctx.limits.maxConnections) {
    throw new RelayError(503, 'too_many_connections', 'relay has too many connections');
  }
  const { maxQueueBytes } = ctx.limits;
  const onStuck = (slow: EventStream) => stuck(ctx, slow);
  const stream = new EventStream(res, device, maxQueueBytes, ctx.metrics, onStuck, ctx.backlog);
  const request = { roomId, owner: from.address, key, subscriber: stream, lastEventId };
  const joined = await ctx.backend.join(request);
  ctx.streams.add(stream);
  res.on('close', () => unsubscribe(ctx, roomId, stream));
  // The client may have gone while a shared backend answered.
  if (res.destroyed) {
    unsubscribe(ctx, roomId, stream);
    return;
  }
  const members = {
    devices: joined.devices,
    resumed: joined.resumed,
    ...ctx.advertised,
    // The join bound this device, as the ICE route checks: its servers come with the stream.
    ice: iceAnswer(ctx.ice, device, ctx.now()),
  };
  const first = [{ kind: 'members', frame: formatEvent(joined.id, 'members', members) }];
  for (const event of joined.missed) first.push({ kind: event.name, frame: event.frame });
  stream.open(from.cors.api, first);
  const msg = joined.tookOver ? 'took over a stream' : 'subscribed';
  ctx.log({ msg, room: shortId(roomId), device, resumed: joined.resumed });
}

function unsubscribe(ctx: RelayContext, roomId: string, stream: EventStream): void {
  if (!ctx.streams.delete(stream)) return;
  ctx.backlog.remove(stream);
  ctx.backend.leave(roomId, stream);
  ctx.log({ msg: 'unsubscribed', room: shortId(roomId), device: stream.device });
}

async function publish(
  ctx: RelayContext,
  req: IncomingMessage,
  res: ServerResponse,
  roomId: string,
  from: Client,
): Promise<void> {
  requireJson(req);
  const body = await readBody(req, ctx.limits.maxBodyBytes);
  const message = parsePublish(body);
  const charge = () => ctx.addresses.publish(from.address, ctx.now());
  const sent: PublishResponse = await ctx.backend.publish(roomId, message, charge);
  ctx.metrics.published(body.length);
  sendJson(res, 202, sent, from.cors.api);
}

/** STUN and TURN servers, only for a device that proves its binding with its key. */
async function ice(
  ctx: RelayContext,
  req: IncomingMessage,
  res: ServerResponse,
  roomId: string,
  cors: Cors,
): Promise<void> {
  requireJson(req);
  const request = parseIceRequest(await readBody(req, ICE_BODY_LIMIT));
  await ctx.backend.verify(roomId, request.device, request.key);
  const answer = iceAnswer(ctx.ice, request.device, ctx.now());
  sendJson(res, 200, answer, cors.api, { 'Cache-Control': 'no-store' });
}
