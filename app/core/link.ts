// Room links. The room secret lives only in the URL fragment, which browsers never
// send to a server; the relay address may ride along beside it.

import { decodeBase64Url, encodeBase64Url } from './base64url';

export const ROOM_SECRET_BYTES = 16;
export const ROOM_CODE_LENGTH = 22;
const ROOM_CODE = /^[A-Za-z0-9_-]{22}$/;
// One word with none of a link's punctuation: meant as a code, right or wrong.
const CODE_LIKE = /^[^\s./:#]+$/;
// Far above any real link; keeps pasted novels out of the URL parser.
const MAX_INPUT_CHARS = 4096;

export type JoinInput =
  | { ok: true; secret: Uint8Array; relayUrl?: string }
  | { ok: false; error: string };

export const LINK_ERRORS = {
  empty: 'Paste a room link or a room code.',
  tooLong: 'That is too long to be a room link.',
  noCode: 'No room code found. A room link ends with #k= followed by the code.',
  badCode: 'That room code is not valid: it should be 22 letters, digits, - or _',
  badScheme: 'That is not a clipmesh link: links start with https:// or http://',
  notLink: 'That does not look like a room link or a room code.',
  badRelay: "The link's relay address must start with https:// or http://",
} as const;

export function newRoomSecret(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(ROOM_SECRET_BYTES));
}

export function roomCode(secret: Uint8Array): string {
  if (secret.length !== ROOM_SECRET_BYTES) {
    throw new RangeError(`A room secret is ${ROOM_SECRET_BYTES} bytes, got ${secret.length}`);
  }
  return encodeBase64Url(secret);
}

/** `${appUrl without hash}#k=<code>[&relay=<url>]`. Throws on a relay that is not http(s). */
export function makeJoinLink(appUrl: string, secret: Uint8Array, relayUrl?: string): string {
  const base = appUrl.split('#', 1)[0] ?? '';
  const link = `${base}#k=${roomCode(secret)}`;
  if (relayUrl === undefined) return link;
  if (!isHttpUrl(relayUrl)) throw new TypeError(LINK_ERRORS.badRelay);
  return `${link}&relay=${encodeURIComponent(relayUrl)}`;
}

/**
 * Reads what a person pasted or scanned: a full link (any host), a link without its
 * scheme, a bare fragment, or the bare room code. `appUrl` resolves links written
 * relative to the app ('/#k=…'); without it only absolute forms are read.
 */
export function parseJoinInput(text: string, appUrl?: string): JoinInput {
  const input = text.trim();
  if (input === '') return fail(LINK_ERRORS.empty);
  if (input.length > MAX_INPUT_CHARS) return fail(LINK_ERRORS.tooLong);
  if (CODE_LIKE.test(input)) return fromCode(input);
  if (input.startsWith('#')) return parseFragment(input) ?? fail(LINK_ERRORS.noCode);

  const url = toUrl(input, appUrl);
  if (typeof url === 'string') return fail(url);
  return parseFragment(url.hash) ?? fail(LINK_ERRORS.noCode);
}

/** The app's own `location.hash`: null when it names no room (the usual landing). */
export function parseLocationHash(hash: string): JoinInput | null {
  return parseFragment(hash);
}

function toUrl(input: string, appUrl: string | undefined): URL | string {
  const scheme = /^([a-z][a-z0-9+.-]*):(?!\d)/i.exec(input)?.[1]?.toLowerCase();
  let url: URL | null;
  if (scheme === 'http' || scheme === 'https') url = tryUrl(input);
  // A scheme not followed by a port number: javascript:, data:, file:, ftp:…
  else if (scheme !== undefined) return LINK_ERRORS.badScheme;
  else if (/^[/?.]/.test(input)) url = appUrl === undefined ? null : tryUrl(input, appUrl);
  else url = tryUrl(`https://${input}`);
  return url ?? LINK_ERRORS.notLink;
}

/** Reads `#k=<code>&relay=<url>`; null when there is no `k`. */
function parseFragment(hash: string): JoinInput | null {
  const params = new Map<string, string>();
  for (const pair of hash.replace(/^#/, '').split('&')) {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    // The first of a repeated name wins, as in URLSearchParams.get.
    if (!params.has(name)) params.set(name, eq < 0 ? '' : pair.slice(eq + 1));
  }
  const code = params.get('k');
  if (code === undefined) return null;
  const parsed = fromCode(code);
  const relay = params.get('relay');
  if (!parsed.ok || relay === undefined) return parsed;
  const relayUrl = decodeComponent(relay);
  if (relayUrl === null || !isHttpUrl(relayUrl)) return fail(LINK_ERRORS.badRelay);
  return { ...parsed, relayUrl };
}

function fromCode(code: string): JoinInput {
  if (!ROOM_CODE.test(code)) return fail(LINK_ERRORS.badCode);
  try {
    return { ok: true, secret: decodeBase64Url(code) };
  } catch {
    // A 22nd character with stray low bits: not a code we ever produce.
    return fail(LINK_ERRORS.badCode);
  }
}

function isHttpUrl(text: string): boolean {
  return /^https?:\/\//i.test(text) && tryUrl(text) !== null;
}

// Not URL.canParse: Safari before 17 lacks it.
function tryUrl(text: string, base?: string): URL | null {
  try {
    return new URL(text, base);
  } catch {
    return null;
  }
}

function decodeComponent(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

function fail(error: string): JoinInput {
  return { ok: false, error };
}
