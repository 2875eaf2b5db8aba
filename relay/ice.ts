// STUN and TURN servers for devices. TURN passwords are minted per device with coturn's
// REST-API shared secret (use-auth-secret): the username is `expiry:device` and the
// password base64(HMAC-SHA1(secret, username)), so they stop working at the expiry.
import { createHmac } from 'node:crypto';
import {
  DEVICE_ID_PATTERN,
  DEVICE_KEY_PATTERN,
  type IceRequest,
  type IceResponse,
  type IceServerEntry,
} from './contract';
import { field, readJsonObject } from './publish';

export interface IceOptions {
  /** stun: URLs handed to every bound device. */
  stun?: string[];
  /** turn: or turns: URLs; each device gets its own credential for them. */
  turn?: string[];
  /** coturn's static-auth-secret. */
  turnSecret?: string;
  /** How long a minted credential works, in seconds. */
  turnTtl?: number;
}

/** A day: a link that stays up longer refreshes its allocation with new credentials. */
export const DEFAULT_TURN_TTL_S = 24 * 60 * 60;
/** The JSON body of an ICE request is two short strings. */
export const ICE_BODY_LIMIT = 1024;

const STUN_URL = /^stun:[^\s/?#@]+$/i;
const TURN_URL = /^turns?:[^\s/?#@]+(\?transport=(udp|tcp))?$/i;

/** Why the ICE flags do not go together, or undefined when they do. */
export function iceOptionsError(options: IceOptions): string | undefined {
  const bad = (list: string[] | undefined, pattern: RegExp) =>
    (list ?? []).find((url) => !pattern.test(url));
  const badStun = bad(options.stun, STUN_URL);
  if (badStun !== undefined) return `--stun: "${badStun}" is not a stun:host[:port] address`;
  const badTurn = bad(options.turn, TURN_URL);
  if (badTurn !== undefined) {
    return `--turn: "${badTurn}" is not a turn: or turns:host[:port][?transport=udp|tcp] address`;
  }
  const hasTurn = (options.turn ?? []).length > 0;
  if (hasTurn && !options.turnSecret) return '--turn needs --turn-secret (CLIPMESH_TURN_SECRET)';
  if (!hasTurn && options.turnSecret) return '--turn-secret needs --turn (CLIPMESH_TURN)';
  return undefined;
}

/** coturn's REST-API credential for `device`, valid until `expiresAtS` (Unix seconds). */
export function mintTurnCredential(
  secret: string,
  device: string,
  expiresAtS: number,
): { username: string; credential: string } {
  const username = `${expiresAtS}:${device}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

/** The servers one device gets now. */
export function iceAnswer(options: IceOptions, device: string, nowMs: number): IceResponse {
  const iceServers: IceServerEntry[] = [];
  const stun = options.stun ?? [];
  const turn = options.turn ?? [];
  if (stun.length > 0) iceServers.push({ urls: [...stun] });
  if (turn.length === 0 || !options.turnSecret) return { iceServers };
  const expiresAtS = Math.floor(nowMs / 1000) + (options.turnTtl ?? DEFAULT_TURN_TTL_S);
  iceServers.push({
    urls: [...turn],
    ...mintTurnCredential(options.turnSecret, device, expiresAtS),
  });
  return { iceServers, expiresAt: expiresAtS * 1000 };
}

const ICE_FIELDS = new Set(['device', 'key']);

/** The strict IceRequest in a body: a device id and its key, nothing else. */
export function parseIceRequest(bytes: Buffer): IceRequest {
  const record = readJsonObject(bytes, ICE_FIELDS);
  return {
    device: field(record, 'device', DEVICE_ID_PATTERN, 'a device id'),
    key: field(record, 'key', DEVICE_KEY_PATTERN, 'a device key'),
  };
}
