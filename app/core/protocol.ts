// The messages devices exchange. Two layers:
// - Signal: what goes sealed through a transport (offers, candidates, hello, and
//   peer messages carried by the relay fallback).
// - PeerMessage: what goes over a data channel (or, sealed, over the fallback).
// Every message from outside is checked by parseSignal / parsePeerMessage before use.

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
  /** Sender clock, ms since epoch. */
  at: number;
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

/** Messages over a data channel, one JSON text frame each. */
export type PeerMessage =
  | { t: 'hello'; v: number; name: string }
  /** Ids of my most recent clips, newest first. */
  | { t: 'have'; ids: string[] }
  /** Ids I lack from your `have`. */
  | { t: 'want'; ids: string[] }
  | { t: 'clip'; clip: Clip }
  /** Receipt: I hold these clips. */
  | { t: 'ack'; ids: string[] }
  /** One piece of a frame too big to send whole; `of` pieces make the frame. */
  | { t: 'part'; id: string; n: number; of: number; data: string };
