// The wire contract between the app and the relay. The relay implements it;
// the app's SSE transport imports these types. Nothing here imports from app/.

/** Every path starts with this prefix, so the relay can share an origin with the app. */
export const API_PREFIX = '/v1';

/** GET: an SSE stream for one device in one room. Query: device, key. */
export const eventsPath = (room: string): string => `${API_PREFIX}/rooms/${room}/events`;

/** POST: publish a sealed payload. Body: PublishRequest as application/json. */
export const messagesPath = (room: string): string => `${API_PREFIX}/rooms/${room}/messages`;

/**
 * POST: the STUN and TURN servers for a device bound in the room (it subscribed with its key).
 * Body: IceRequest as application/json; answer: IceResponse.
 */
export const icePath = (room: string): string => `${API_PREFIX}/rooms/${room}/ice`;

export const HEALTH_PATH = '/healthz';
export const METRICS_PATH = '/metrics';

/** Room ids are opaque: the client derives them from the room secret (base64url). */
export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
/** Device ids are chosen by the device (base64url). */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
/** The device key proves the id; the relay keeps only its hash. */
export const DEVICE_KEY_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

/** POST body. `to` absent means every other device in the room. */
export interface PublishRequest {
  device: string;
  key: string;
  to?: string;
  payload: string;
}

/** 202 answer to a publish. */
export interface PublishResponse {
  id: string;
  delivered: number;
}

/** POST body of the ICE route: the device proves its binding with its key. */
export interface IceRequest {
  device: string;
  key: string;
}

/** One entry of RTCConfiguration.iceServers; TURN entries carry a time-limited credential. */
export interface IceServerEntry {
  urls: string[];
  username?: string;
  credential?: string;
}

/** 200 answer of the ICE route; empty when the relay was started without --stun or --turn. */
export interface IceResponse {
  iceServers: IceServerEntry[];
  /** ms since epoch when the TURN credentials stop working; absent without TURN. */
  expiresAt?: number;
}

/** Every non-2xx answer has this JSON body: `code` for programs, `error` for people. */
export interface ErrorResponse {
  error: string;
  code: ErrorCode;
}

/** Why the relay refused, one code per cause (several causes share an HTTP status). */
export type ErrorCode =
  | 'bad_request'
  | 'bad_body'
  | 'too_large'
  | 'unsupported_type'
  | 'aborted'
  | 'bad_method'
  | 'bad_device'
  | 'bad_key'
  | 'bad_room'
  | 'bad_path'
  | 'shutting_down'
  | 'too_many_from_ip'
  | 'too_many_connections'
  | 'too_many_rooms'
  | 'too_many_rooms_from_ip'
  | 'room_full'
  | 'device_conflict'
  | 'unknown_room'
  | 'rate_limited'
  | 'not_bound'
  | 'wrong_key'
  | 'unknown_target'
  | 'origin_not_allowed'
  | 'not_found'
  | 'cluster_unavailable'
  | 'internal';

/**
 * SSE event names and their JSON `data`. Every event has an `id` of the form
 * `<room epoch>.<sequence>`; reconnecting with `Last-Event-ID` replays what was missed.
 */
export interface RelayEvents {
  /**
   * Sent first on every connection. `resumed` is false when events may have been missed.
   * `relays`: other relays of the same service (sharing rooms), where a device may go on.
   * `ice`: this device's STUN and TURN servers, as the ICE route answers, so the first link
   * need not wait for a request of its own.
   */
  members: { devices: string[]; resumed: boolean; relays?: string[]; ice?: IceResponse };
  join: { device: string };
  leave: { device: string };
  /** `from` is stamped by the relay with the sender's bound device id. */
  message: { from: string; payload: string };
  /** The device connected again elsewhere; this stream ends and must not reconnect. */
  replaced: { reason: 'takeover' };
}

export type RelayEventName = keyof RelayEvents;

/** Error codes a subscriber can see as HTTP statuses before the stream opens. */
export const STATUS = {
  badRequest: 400,
  forbidden: 403,
  notFound: 404,
  conflict: 409,
  tooLarge: 413,
  unsupportedType: 415,
  tooMany: 429,
  unavailable: 503,
} as const;

/** Defaults the app can rely on when it sizes what it publishes. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
export const DEFAULT_MAX_DEVICES_PER_ROOM = 16;

/** The most sibling relays a relay advertises, and the longest URL of one. */
export const MAX_RELAYS = 8;
export const MAX_RELAY_URL_CHARS = 200;

/** The reconnection delay the relay suggests with the SSE `retry:` field. */
export const SSE_RETRY_MS = 2000;
