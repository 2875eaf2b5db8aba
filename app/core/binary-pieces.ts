// Large messages over a direct link: the UTF-8 bytes of the message's JSON, cut into binary
// pieces with a small fixed header. Text is encoded once and decoded once, natively, instead
// of JSON inside JSON. Only sent to a device whose hello says it reads them.

import { MAX_PARTS } from './protocol';

/** format (u8) · stream (u32) · n (u32) · of (u32), big-endian. */
export const PIECE_HEADER_BYTES = 13;
const FORMAT = 1;
/** Chromium's own limit on a data channel message, and the fastest size measured here. */
export const MAX_PIECE_BYTES = 256 * 1024;

/** A binary piece, read and checked; `id` cannot clash with the id of a JSON `part`. */
export interface BinaryPiece {
  id: string;
  n: number;
  of: number;
  data: Uint8Array;
}

/** `bytes` as pieces of at most `maxBytes` each, header included. */
export function splitBytes(
  bytes: Uint8Array,
  maxBytes: number,
  stream: number,
): Uint8Array<ArrayBuffer>[] {
  const room = Math.min(maxBytes, MAX_PIECE_BYTES) - PIECE_HEADER_BYTES;
  if (room < 1) throw new RangeError(`Pieces of ${maxBytes} bytes are too small`);
  const of = Math.max(1, Math.ceil(bytes.length / room));
  if (of > MAX_PARTS) throw new RangeError(`That would need more than ${MAX_PARTS} pieces`);
  const pieces: Uint8Array<ArrayBuffer>[] = [];
  for (let n = 0; n < of; n++) {
    const data = bytes.subarray(n * room, (n + 1) * room);
    const piece = new Uint8Array(PIECE_HEADER_BYTES + data.length);
    const header = new DataView(piece.buffer);
    header.setUint8(0, FORMAT);
    header.setUint32(1, stream >>> 0);
    header.setUint32(5, n);
    header.setUint32(9, of);
    piece.set(data, PIECE_HEADER_BYTES);
    pieces.push(piece);
  }
  return pieces;
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
