// A large clip over a direct link, as binary pieces with a small fixed header: first its
// envelope (the message as JSON, the clip's text left out), then the text as UTF-8, a range
// of characters per piece. No JSON inside JSON, and the text is never escaped or parsed;
// each piece is encoded as it is sent. Only sent to a device whose hello says it reads them.

import { field, isRecord } from './fields';
import { type Clip, MAX_PARTS, PROTOCOL_VERSION } from './protocol';
import { textRanges } from './text-ranges';

/** format (u8) · stream (u32) · n (u32) · of (u32), big-endian. */
export const PIECE_HEADER_BYTES = 13;
const FORMAT = 1;
/** Chromium's own limit on a data channel message, and the fastest size measured here. */
export const MAX_PIECE_BYTES = 256 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** A binary piece, read and checked; `id` cannot clash with the id of a JSON `part`. */
export interface BinaryPiece {
  id: string;
  n: number;
  of: number;
  data: Uint8Array;
}

/** A clip's pieces, made one at a time as they are sent; `of` is known before the first. */
export interface ClipPieces {
  of: number;
  pieces: Iterable<Uint8Array<ArrayBuffer>>;
}

/** `clip` as pieces of at most `maxBytes` each, header included. */
export function clipPieces(clip: Clip, maxBytes: number, stream: number): ClipPieces {
  const room = Math.min(maxBytes, MAX_PIECE_BYTES) - PIECE_HEADER_BYTES;
  const envelope = encoder.encode(
    JSON.stringify({ v: PROTOCOL_VERSION, t: 'clip', clip: { ...clip, text: '' } }),
  );
  // A UTF-16 unit is at most 3 bytes of UTF-8, so a range of this many always fits.
  const chars = Math.floor(room / 3);
  if (envelope.length > room || chars < 2) {
    throw new RangeError(`Pieces of ${maxBytes} bytes are too small`);
  }
  const ranges = textRanges(clip.text, chars);
  const of = 1 + ranges.length;
  if (of > MAX_PARTS) throw new RangeError(`That would need more than ${MAX_PARTS} pieces`);
  function* pieces(): Generator<Uint8Array<ArrayBuffer>> {
    yield piece(stream, 0, of, envelope.length, (into) => {
      into.set(envelope);
      return envelope.length;
    });
    for (const [index, [start, end]] of ranges.entries()) {
      const text = clip.text.slice(start, end);
      yield piece(stream, index + 1, of, 3 * text.length, (into) => {
        return encoder.encodeInto(text, into).written;
      });
    }
  }
  return { of, pieces: pieces() };
}

/** One binary data-channel message as a piece, or null when it is not a valid one. */
export function readPiece(buffer: ArrayBuffer): BinaryPiece | null {
  if (buffer.byteLength < PIECE_HEADER_BYTES || buffer.byteLength > MAX_PIECE_BYTES) return null;
  const header = new DataView(buffer);
  if (header.getUint8(0) !== FORMAT) return null;
  const stream = header.getUint32(1);
  const n = header.getUint32(5);
  const of = header.getUint32(9);
  if (of < 1 || of > MAX_PARTS || n >= of) return null;
  return { id: `#${stream}`, n, of, data: new Uint8Array(buffer, PIECE_HEADER_BYTES) };
}

/**
 * The message the pieces of a stream, in order, carry: its envelope with the clip's text put
 * back, unchecked. Throws when they are not UTF-8 or the envelope is not JSON.
 */
export function readClipPieces(pieces: Uint8Array[]): unknown {
  const [head, ...rest] = pieces;
  const envelope: unknown = JSON.parse(decoder.decode(head));
  const clip = isRecord(envelope) ? field(envelope, 'clip') : undefined;
  if (!isRecord(clip)) return null;
  // The text's own pieces are joined before decoding: a range may end mid-character.
  clip.text = decoder.decode(joinBytes(rest));
  return envelope;
}

/** A piece with room for `maxData` bytes, filled by `fill`, cut to what it wrote. */
function piece(
  stream: number,
  n: number,
  of: number,
  maxData: number,
  /** Writes the data; returns how many bytes it wrote. */
  fill: (into: Uint8Array) => number,
): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(PIECE_HEADER_BYTES + maxData);
  const header = new DataView(bytes.buffer);
  header.setUint8(0, FORMAT);
  header.setUint32(1, stream >>> 0);
  header.setUint32(5, n);
  header.setUint32(9, of);
  const written = fill(bytes.subarray(PIECE_HEADER_BYTES));
  return bytes.subarray(0, PIECE_HEADER_BYTES + written);
}

function joinBytes(pieces: Uint8Array[]): Uint8Array {
  const whole = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  let at = 0;
  for (const piece of pieces) {
    whole.set(piece, at);
    at += piece.length;
  }
  return whole;
}
