// What this device sends to a peer, framed for the way it goes; the counterpart of Inbox.
// Over a direct link: one JSON text frame, JSON `part` pieces, or binary pieces of a large
// clip (binary-pieces.ts) for a link whose hello says it reads them. Through the relay: peer
// messages, whole or as `part` pieces, handed over to be sealed. Each piece waits for the one
// before it to leave (the link's backpressure, or the relay's answer), and progress counts
// only pieces that left.

import { clipPieces } from './binary-pieces';
import { MAX_FRAME_CHARS } from './frames';
import type { PeerLink } from './peer';
import {
  ID_PATTERN,
  MAX_PART_CHARS,
  MAX_PARTS,
  type PartMessage,
  type PeerMessage,
  PROTOCOL_VERSION,
} from './protocol';
import type { TransferView } from './session-types';
import { textRanges } from './text-ranges';

/** Room left in each piece for its envelope, the seal and the JSON around the data. */
const FRAME_OVERHEAD_BYTES = 512;

/** How a message leaves: an open direct link, or sealed through the relay. */
export type Path = { link: PeerLink } | { relayMaxPayload: number };

export interface OutgoingEvents {
  /** Seals and publishes one peer message; rejects with the relay's refusal. */
  relay(deviceId: string, message: PeerMessage): Promise<void>;
  transfer(transfer: TransferView): void;
}

/** A message's frames, made one at a time as they are sent; `of` is known before the first. */
export interface Framed<F> {
  of: number;
  pieces: Iterable<F>;
}

export class Outgoing {
  private seq = 0;
  /** Links whose other end said, in its hello, that it reads binary pieces. */
  private readonly binaryLinks = new WeakSet<PeerLink>();

  constructor(private readonly events: OutgoingEvents) {}

  /** The other end of `link` reads binary pieces (its hello said so). */
  readsBinary(link: PeerLink): void {
    this.binaryLinks.add(link);
  }

  /** Sends `message` in as many pieces as it needs; rejects with the first refusal. */
  send(deviceId: string, message: PeerMessage, path: Path): Promise<void> {
    const seq = this.seq++;
    const id = `f${Date.now().toString(36)}${seq.toString(36)}`;
    if ('link' in path) {
      const { link } = path;
      const binary = this.binaryLinks.has(link);
      const framed = directFrames(message, link.maxMessageSize, binary, seq, id);
      return this.each(deviceId, id, framed, (frame) => link.send(frame));
    }
    const framed = relayFrames(message, path.relayMaxPayload, id);
    return this.each(deviceId, id, framed, (part) => this.events.relay(deviceId, part));
  }

  private async each<F>(
    deviceId: string,
    id: string,
    { of, pieces }: Framed<F>,
    sendOne: (frame: F) => Promise<void>,
  ): Promise<void> {
    const progress = (done: number) => {
      if (of > 1) this.events.transfer({ id, direction: 'out', peer: deviceId, done, total: of });
    };
    let done = 0;
    try {
      for (const frame of pieces) {
        await sendOne(frame);
        progress(++done);
      }
    } catch (error) {
      // Nothing more of it is on its way: its progress leaves the screen, the caller hears why.
      if (done < of) progress(of);
      throw error;
    }
  }
}

/** Binary pieces for a large clip on a link that reads them; JSON text frames otherwise. */
export function directFrames(
  message: PeerMessage,
  maxBytes: number,
  binary: boolean,
  seq: number,
  id: string,
): Framed<string | Uint8Array<ArrayBuffer>> {
  if (binary && message.t === 'clip' && !fitsWhole(message.clip.text, maxBytes)) {
    return clipPieces(message.clip, maxBytes, seq);
  }
  const text = JSON.stringify({ v: PROTOCOL_VERSION, ...message });
  const chars = charsFor(maxBytes, text);
  if (text.length <= chars) return { of: 1, pieces: [text] };
  const parts = textParts(text, chars, id).map((part) => JSON.stringify(part));
  return { of: parts.length, pieces: parts };
}

/** The message whole when it fits a sealed payload, or `part` pieces of its JSON. */
export function relayFrames(
  message: PeerMessage,
  maxPayload: number,
  id: string,
): Framed<PeerMessage> {
  // Sealed payloads are base64url: 4 characters for every 3 bytes.
  const maxBytes = (maxPayload * 3) / 4;
  const text = JSON.stringify({ v: PROTOCOL_VERSION, ...message });
  const chars = charsFor(maxBytes, text);
  if (text.length <= chars) return { of: 1, pieces: [message] };
  const parts = textParts(text, chars, id);
  return { of: parts.length, pieces: parts };
}

/** `part` messages whose `data`, at most `maxChars` each, join back into exactly `text`. */
export function textParts(text: string, maxChars: number, id: string): PartMessage[] {
  if (text.length > MAX_FRAME_CHARS) throw new RangeError('That is too large to send.');
  if (!ID_PATTERN.test(id)) throw new TypeError(`Not a valid frame id: ${id}`);
  // Never more than a receiver accepts.
  const ranges = textRanges(text, Math.min(Math.floor(maxChars), MAX_PART_CHARS));
  if (ranges.length > MAX_PARTS) {
    throw new RangeError(`Pieces of ${maxChars} characters would need more than ${MAX_PARTS}`);
  }
  const of = ranges.length;
  return ranges.map(([start, end], n) => ({ t: 'part', id, n, of, data: text.slice(start, end) }));
}

/** Whether `text` fits one message however it encodes (at most 3 bytes per UTF-16 unit). */
function fitsWhole(text: string, maxBytes: number): boolean {
  return 3 * text.length <= maxBytes - FRAME_OVERHEAD_BYTES;
}

/**
 * Characters of `json` per piece. The text is JSON already, so it holds no control
 * characters or lone surrogates: escaping it again at most doubles ASCII (\\, \"), and
 * anything else is at most 3 bytes of UTF-8 per UTF-16 unit.
 */
function charsFor(maxBytes: number, json: string): number {
  const bytesPerChar = /[\u0080-\uffff]/.test(json) ? 3 : 2;
  return Math.max(1024, Math.floor((maxBytes - FRAME_OVERHEAD_BYTES) / bytesPerChar));
}
