// Reading what the relay sends, at the edge where its bytes come in: SSE event
// data checked against the contract, error bodies, and Retry-After.

import {
  DEVICE_ID_PATTERN,
  type ErrorCode,
  type ErrorResponse,
  MAX_RELAY_URL_CHARS,
  MAX_RELAYS,
} from '../../../relay/contract';

const ROOM_FULL: ErrorCode = 'room_full';

import { field, isRecord } from '../fields';
import { parseIceResponse, type RelayIceServers } from '../ice-servers';
import type { SseEvent } from './sse-parser';
import type { TransportEvent } from './types';

/** Retry-After in ms (seconds or an HTTP date), or undefined when absent or unreadable. */
export function retryAfterMs(response: Response): number | undefined {
  const value = response.headers.get('retry-after');
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export interface Refusal {
  /** The relay's own words, or the status when it sent none. */
  detail: string;
  /** The room has no place left; told by the relay's code, not its words. */
  full: boolean;
}

/** Reads a refusal's body, which may not be the relay's at all. */
export async function relayError(response: Response): Promise<Refusal> {
  let detail = `the relay answered ${response.status}`;
  let full = false;
  try {
    const body = (await response.json()) as Partial<ErrorResponse>;
    if (typeof body.error === 'string' && body.error) detail = body.error;
    full = body.code === ROOM_FULL;
  } catch {
    // Not JSON (a proxy's error page): the status has to do.
  }
  return { detail, full };
}

/** A transport event, the relay's replaced notice, or why the event was dropped. */
export type Parsed =
  | Exclude<TransportEvent, { type: 'members' }>
  | { type: 'members'; devices: string[]; relays: string[]; ice?: RelayIceServers }
  | { type: 'replaced' }
  | string;

function isDevice(value: unknown): value is string {
  return typeof value === 'string' && DEVICE_ID_PATTERN.test(value);
}

function isRelayUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > MAX_RELAY_URL_CHARS) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.search && !url.hash;
  } catch {
    return false;
  }
}

/** The sibling relays a members event advertises: absent means none, anything odd is bad. */
export function relaysOf(value: unknown): string[] | undefined {
  if (value === undefined) return [];
  const ok = Array.isArray(value) && value.length <= MAX_RELAYS && value.every(isRelayUrl);
  return ok ? value : undefined;
}

/** Checks one relay event; returns what it means, or why it was dropped. */
export function parseRelayEvent({ event, data }: SseEvent): Parsed {
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    return `${event}: data is not JSON`;
  }
  if (!isRecord(body)) return `${event}: data is not an object`;
  switch (event) {
    case 'members': {
      const devices = field(body, 'devices');
      if (!Array.isArray(devices) || !devices.every(isDevice)) return 'members: bad devices';
      const relays = relaysOf(field(body, 'relays'));
      if (!relays) return 'members: bad relays';
      // Servers that do not check out are left out; without any, the device asks the relay.
      const ice = field(body, 'ice');
      return isRecord(ice)
        ? { type: 'members', devices, relays, ice: parseIceResponse(ice) }
        : { type: 'members', devices, relays };
    }
    case 'join':
    case 'leave': {
      const device = field(body, 'device');
      return isDevice(device) ? { type: event, device } : `${event}: bad device`;
    }
    case 'message': {
      const from = field(body, 'from');
      const payload = field(body, 'payload');
      return isDevice(from) && typeof payload === 'string'
        ? { type: 'message', from, payload }
        : 'message: bad from or payload';
    }
    case 'replaced':
      return { type: 'replaced' };
    default:
      return `unknown event ${JSON.stringify(event)}`;
  }
}
