// The STUN and TURN servers links use: the relay's (TURN credentials minted for this
// device, asked for once the relay knows its key) and a person's own from Settings.

import { type IceResponse, icePath } from '../../relay/contract';

/** What a link is given: a fixed list, or a way to ask for the current one. */
export type IceServers = RTCIceServer[] | (() => Promise<RTCIceServer[]>);

/** A public STUN server, for a relay that offers none and a person who added none. */
export const DEFAULT_ICE_SERVERS: RTCIceServer[] = [{ urls: 'stun:stun.l.google.com:19302' }];

/** How long a new link waits for the relay's servers before it goes with what it has. */
export const ICE_WAIT_MS = 4_000;
const MAX_SERVERS = 8;
const MAX_URLS = 8;
const MAX_FIELD_CHARS = 512;
const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i;

/** Why `url` is not a STUN or TURN address a browser takes, in plain words; null if it is. */
export function iceUrlError(url: string): string | null {
  const text = url.trim();
  if (text === '') return 'Enter a server address, like stun:stun.example.com:3478.';
  const scheme = /^([a-z]+):/i.exec(text)?.[1]?.toLowerCase();
  if (scheme !== 'stun' && scheme !== 'turn' && scheme !== 'turns') {
    return 'A server address starts with stun:, turn: or turns:.';
  }
  const [address = '', query] = text.slice(scheme.length + 1).split('?', 2);
  if (address.startsWith('//')) return 'Leave out the // after the colon: stun:host:port.';
  if (!HOST.test(address)) return 'After the colon comes a host name or address, then :port.';
  const port = Number(address.split(':').pop());
  if (/:\d+$/.test(address) && (port < 1 || port > 65535)) {
    return 'The port must be a number from 1 to 65535.';
  }
  if (query !== undefined && (scheme === 'stun' || !/^transport=(udp|tcp)$/i.test(query))) {
    return 'The only option a TURN address may have is ?transport=udp or ?transport=tcp.';
  }
  return null;
}

/** Why a server a person entered cannot be used, or null: TURN needs a name and password. */
export function iceServerError(server: RTCIceServer): string | null {
  const urls = typeof server.urls === 'string' ? [server.urls] : server.urls;
  for (const url of urls) {
    const error = iceUrlError(url);
    if (error) return error;
  }
  const turn = urls.some((url) => /^turns?:/i.test(url.trim()));
  if (turn && (!server.username || !server.credential)) {
    return 'A TURN server needs the user name and password its owner gave you.';
  }
  return null;
}

function stringList(value: unknown): string[] | null {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_URLS) return null;
  const ok = value.every((url) => typeof url === 'string' && iceUrlError(url) === null);
  return ok ? (value as string[]) : null;
}

function shortString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_FIELD_CHARS;
}

/** The relay's servers for this device; its TURN credentials stop working at `expiresAt`. */
export interface RelayIceServers {
  servers: RTCIceServer[];
  expiresAt?: number;
}

/** The relay's answer, rebuilt from what checks out; entries that do not are left out. */
export function parseIceResponse(body: unknown): RelayIceServers {
  const answer = body as Partial<IceResponse> | null;
  const list = Array.isArray(answer?.iceServers) ? answer.iceServers.slice(0, MAX_SERVERS) : [];
  const servers: RTCIceServer[] = [];
  for (const entry of list as unknown[]) {
    const record = entry as Record<string, unknown> | null;
    const urls = stringList(record?.urls);
    if (!urls) continue;
    const server: RTCIceServer = { urls };
    if (shortString(record?.username) && shortString(record?.credential)) {
      server.username = record.username;
      server.credential = record.credential;
    }
    if (iceServerError(server) === null) servers.push(server);
  }
  const expiresAt = answer?.expiresAt;
  return typeof expiresAt === 'number' && Number.isFinite(expiresAt)
    ? { servers, expiresAt }
    : { servers };
}

/** Asks the relay for this device's servers; the answer or the reason it gave none. */
export async function askRelayForIce(
  relayUrl: string,
  roomId: string,
  device: string,
  key: string,
  fetchImpl: typeof fetch = fetch,
): Promise<RelayIceServers | { refused: number }> {
  const url = `${relayUrl.replace(/\/+$/, '')}${icePath(roomId)}`;
  const response = await fetchImpl(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ device, key }),
    cache: 'no-store',
  });
  if (!response.ok) {
    await response.body?.cancel();
    return { refused: response.status };
  }
  return parseIceResponse(await response.json());
}
