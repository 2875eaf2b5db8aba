// The messages devices exchange. Two layers:
// - Signal: what goes sealed through a transport (offers, candidates, hello, and
//   peer messages carried by the relay fallback).
// - PeerMessage: what goes over a data channel (or, sealed, over the fallback).
// Every message from outside is checked by parseSignal / parsePeerMessage before use.

import { type Fields, field, isRecord } from './fields';

export const PROTOCOL_VERSION = 1;

/** Clip text limit: large enough for 16 MiB of ASCII, checked on send and on receipt. */
export const MAX_CLIP_CHARS = 16 * 1024 * 1024;

export interface Clip {
  /** Random id, base64url, 8 to 64 chars. */
  id: string;
  text: string;
  /** Sender device id. */
  from: string;
  /** Sender device name at the time of sending. */
  fromName: string;
  /** Sender's clock, ms since epoch, within Date's range: shown, never ordered by. */
  at: number;
  /** Causal stamp (clock.ts): clips are ordered and capped by it, newest highest. */
  stamp: number;
}

/** What a device tells of a clip it holds but does not send unasked: enough to show it. */
export interface ClipInfo {
  id: string;
  from: string;
  fromName: string;
  at: number;
  /** Characters in its text. */
  size: number;
}

export type SessionDescription = { type: 'offer' | 'answer'; sdp: string };
export type Candidate = {
  candidate: string;
  sdpMid: string | null;
  sdpMLineIndex: number | null;
  usernameFragment: string | null;
};

/** Sealed messages through a transport. `to` is '*' for everyone; checked against self. */
export type Signal =
  | { v: number; t: 'hello'; to: '*' | string; name: string }
  | { v: number; t: 'description'; to: string; description: SessionDescription }
  | { v: number; t: 'candidate'; to: string; candidate: Candidate }
  /** A peer message sent through the relay because no direct link is open. */
  | { v: number; t: 'fallback'; to: string; message: PeerMessage };

/** Messages over a data channel: one JSON text frame each, or binary pieces of one. */
export type PeerMessage =
  /** `binary`: this device reads binary pieces (binary-pieces.ts) on a direct link. */
  | { t: 'hello'; v: number; name: string; binary?: true }
  /**
   * Ids of my most recent clips, newest first. `large` describes those too large to be
   * pulled unasked: the other device shows them and asks for one when the person wants it.
   */
  | { t: 'have'; ids: string[]; large?: ClipInfo[] }
  /** Ids I lack from your `have`. */
  | { t: 'want'; ids: string[] }
  | { t: 'clip'; clip: Clip }
  /** Receipt: I hold these clips. */
  | { t: 'ack'; ids: string[] }
  /** These clips were deleted: every device deletes them and never takes them back. */
  | { t: 'deleted'; ids: string[] }
  /** One piece of a frame too big to send whole; `of` pieces make the frame. */
  | { t: 'part'; id: string; n: number; of: number; data: string };

// Limits checked at the edge; a message beyond any of them is dropped whole.
export const ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
export const MAX_NAME_CHARS = 64;
export const MAX_SDP_CHARS = 64 * 1024;
export const MAX_CANDIDATE_CHARS = 1024;
/** sdpMid and usernameFragment are short tokens in practice. */
const MAX_TOKEN_CHARS = 256;
export const MAX_IDS = 500;
export const MAX_PARTS = 4096;
export const MAX_PART_CHARS = 64 * 1024;
/** The latest time a Date holds (year 275760); a sender's `at` beyond it is clamped to it. */
export const MAX_TIME = 8.64e15;
/**
 * Stamps are compared exactly and counted up by one, so any safe integer will do; honest ones
 * stay below MAX_TIME plus the clock's horizon (clock.ts) plus one per clip, far beneath.
 */
export const MAX_STAMP = Number.MAX_SAFE_INTEGER;
/** Versions above this are not versions: they are garbage. */
const MAX_VERSION = 1_000_000;

export type PartMessage = Extract<PeerMessage, { t: 'part' }>;

/** The version of any message, even one too new to parse; null when there is none. */
export function peekVersion(value: unknown): number | null {
  const v = isRecord(value) ? field(value, 'v') : undefined;
  return isVersion(v) ? v : null;
}

/** A Signal built afresh from known fields, or null. Never throws. */
export function parseSignal(value: unknown): Signal | null {
  try {
    return readSignal(value);
  } catch {
    return null;
  }
}

/** A PeerMessage built afresh from known fields, or null. Never throws. */
export function parsePeerMessage(value: unknown): PeerMessage | null {
  try {
    return readPeerMessage(value);
  } catch {
    return null;
  }
}

function readSignal(value: unknown): Signal | null {
  if (!isRecord(value)) return null;
  const v = field(value, 'v');
  const to = field(value, 'to');
  if (!isVersion(v)) return null;
  switch (field(value, 't')) {
    case 'hello': {
      const name = field(value, 'name');
      if ((to !== '*' && !isId(to)) || !isName(name)) return null;
      return { v, t: 'hello', to, name };
    }
    case 'description': {
      const description = readDescription(field(value, 'description'));
      return isId(to) && description ? { v, t: 'description', to, description } : null;
    }
    case 'candidate': {
      const candidate = readCandidate(field(value, 'candidate'));
      return isId(to) && candidate ? { v, t: 'candidate', to, candidate } : null;
    }
    case 'fallback': {
      const message = readPeerMessage(field(value, 'message'));
      return isId(to) && message ? { v, t: 'fallback', to, message } : null;
    }
    default:
      return null;
  }
}

function readPeerMessage(value: unknown): PeerMessage | null {
  if (!isRecord(value)) return null;
  const t = field(value, 't');
  switch (t) {
    case 'hello': {
      const v = field(value, 'v');
      const name = field(value, 'name');
      if (!isVersion(v) || !isName(name)) return null;
      return field(value, 'binary') === true ? { t, v, name, binary: true } : { t, v, name };
    }
    case 'have':
      return readHave(value);
    case 'want':
    case 'ack':
    case 'deleted': {
      const ids = readIds(field(value, 'ids'));
      return ids ? { t, ids } : null;
    }
    case 'clip': {
      const clip = readClip(field(value, 'clip'));
      return clip ? { t, clip } : null;
    }
    case 'part':
      return readPart(value);
    default:
      return null;
  }
}

function readDescription(value: unknown): SessionDescription | null {
  if (!isRecord(value)) return null;
  const type = field(value, 'type');
  const sdp = field(value, 'sdp');
  if ((type !== 'offer' && type !== 'answer') || !isText(sdp, MAX_SDP_CHARS)) return null;
  return { type, sdp };
}

function readCandidate(value: unknown): Candidate | null {
  if (!isRecord(value)) return null;
  const candidate = field(value, 'candidate');
  // RTCIceCandidate.toJSON() may leave out what it does not know; absent means null.
  const sdpMid = field(value, 'sdpMid') ?? null;
  const sdpMLineIndex = field(value, 'sdpMLineIndex') ?? null;
  const usernameFragment = field(value, 'usernameFragment') ?? null;
  if (!isText(candidate, MAX_CANDIDATE_CHARS)) return null;
  if (sdpMid !== null && !isText(sdpMid, MAX_TOKEN_CHARS)) return null;
  if (usernameFragment !== null && !isText(usernameFragment, MAX_TOKEN_CHARS)) return null;
  if (sdpMLineIndex !== null && !isIndex(sdpMLineIndex, 0xffff)) return null;
  return { candidate, sdpMid, sdpMLineIndex, usernameFragment };
}

function readClip(value: unknown): Clip | null {
  if (!isRecord(value)) return null;
  const id = field(value, 'id');
  const text = field(value, 'text');
  const from = field(value, 'from');
  const fromName = field(value, 'fromName');
  const at = field(value, 'at');
  const stamp = field(value, 'stamp');
  if (!isId(id) || !isText(text, MAX_CLIP_CHARS) || !isId(from) || !isName(fromName)) return null;
  if (typeof at !== 'number' || !Number.isFinite(at) || at < 0) return null;
  // Clamped, not refused: older versions send and save times beyond it, and throw on them.
  const time = Math.min(at, MAX_TIME);
  // Clips from versions before stamps, sent or saved, are ordered by their sender's time.
  const order = stamp === undefined ? Math.floor(time) : stamp;
  if (!isIndex(order, MAX_STAMP)) return null;
  return { id, text, from, fromName, at: time, stamp: order };
}

function readHave(value: Fields): PeerMessage | null {
  const ids = readIds(field(value, 'ids'));
  const large = field(value, 'large');
  if (!ids) return null;
  if (large === undefined) return { t: 'have', ids };
  if (!Array.isArray(large) || large.length > MAX_IDS) return null;
  const infos: ClipInfo[] = [];
  for (const entry of large) {
    const info = readClipInfo(entry);
    if (!info) return null;
    infos.push(info);
  }
  return { t: 'have', ids, large: infos };
}

function readClipInfo(value: unknown): ClipInfo | null {
  if (!isRecord(value)) return null;
  const id = field(value, 'id');
  const from = field(value, 'from');
  const fromName = field(value, 'fromName');
  const at = field(value, 'at');
  const size = field(value, 'size');
  if (!isId(id) || !isId(from) || !isName(fromName) || !isIndex(size, MAX_CLIP_CHARS)) return null;
  if (typeof at !== 'number' || !Number.isFinite(at) || at < 0) return null;
  return { id, from, fromName, at, size };
}

function readPart(value: Fields): PartMessage | null {
  const id = field(value, 'id');
  const n = field(value, 'n');
  const of = field(value, 'of');
  const data = field(value, 'data');
  if (!isId(id) || !isIndex(of, MAX_PARTS) || of < 1 || !isIndex(n, of - 1)) return null;
  return isText(data, MAX_PART_CHARS) ? { t: 'part', id, n, of, data } : null;
}

function readIds(value: unknown): string[] | null {
  // Length first, so a huge array costs nothing to refuse.
  if (!Array.isArray(value) || value.length > MAX_IDS) return null;
  const ids: string[] = [];
  for (const id of value) {
    if (!isId(id)) return null;
    ids.push(id);
  }
  return ids;
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

function isName(value: unknown): value is string {
  return isText(value, MAX_NAME_CHARS);
}

function isText(value: unknown, maxChars: number): value is string {
  return typeof value === 'string' && value.length <= maxChars;
}

function isVersion(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= MAX_VERSION;
}

/** An integer from 0 to max. */
function isIndex(value: unknown, max: number): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= max;
}
