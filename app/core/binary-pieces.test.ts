import { describe, expect, it } from 'vitest';
import {
  type BinaryPiece,
  MAX_PIECE_BYTES,
  PIECE_HEADER_BYTES,
  readPiece,
  splitBytes,
} from './binary-pieces';
import { Reassembler } from './frames';
import { MAX_PARTS } from './protocol';

const utf8 = new TextEncoder();

/** What a receiving data channel hands over: an ArrayBuffer of exactly the message. */
function received(piece: Uint8Array): ArrayBuffer {
  return piece.slice().buffer;
}

function header(format: number, stream: number, n: number, of: number, extra = 0): ArrayBuffer {
  const buffer = new ArrayBuffer(PIECE_HEADER_BYTES + extra);
  const view = new DataView(buffer);
  view.setUint8(0, format);
  view.setUint32(1, stream);
  view.setUint32(5, n);
  view.setUint32(9, of);
  return buffer;
}

describe('binary pieces', () => {
  it('carry 16 MiB of emoji, RTL, tabs and NULs back byte-exact, out of order', () => {
    const sample = 'Tab\there\r\nשלום مرحبا 👩‍👩‍👧 😀\u0301 \u202Eevil\u202C "q" \\ \u0000\n';
    const text = sample.repeat(Math.ceil((16 * 1024 * 1024) / sample.length));
    const bytes = utf8.encode(text);
    const pieces = splitBytes(bytes, 262_144, 7).map((piece) => readPiece(received(piece)));
    expect(pieces.every((piece) => piece !== null)).toBe(true);
    expect(pieces.length).toBe(Math.ceil(bytes.length / (262_144 - PIECE_HEADER_BYTES)));
    const reassembler = new Reassembler();
    const results = [...pieces]
      .reverse()
      .map((piece) => reassembler.accept('alice-device', piece as BinaryPiece, 0));
    const done = results.at(-1);
    if (!done || !('done' in done) || typeof done.done === 'string') throw new Error('not done');
    expect(new TextDecoder('utf-8', { fatal: true }).decode(done.done) === text).toBe(true);
  });

  it('number their pieces and fit the message size asked for', () => {
    const pieces = splitBytes(new Uint8Array(100).fill(65), PIECE_HEADER_BYTES + 40, 2 ** 32 - 1);
    expect(pieces.map((piece) => piece.length)).toEqual([53, 53, 33]);
    expect(pieces.map((piece) => readPiece(received(piece)))).toEqual([
      { id: '#4294967295', n: 0, of: 3, data: new Uint8Array(40).fill(65) },
      { id: '#4294967295', n: 1, of: 3, data: new Uint8Array(40).fill(65) },
      { id: '#4294967295', n: 2, of: 3, data: new Uint8Array(20).fill(65) },
    ]);
  });

  it('are never larger than a receiver accepts, and never too many', () => {
    const pieces = splitBytes(new Uint8Array(MAX_PIECE_BYTES * 2), 1024 * 1024 * 1024, 1);
    expect(Math.max(...pieces.map((piece) => piece.length))).toBe(MAX_PIECE_BYTES);
    expect(() => splitBytes(new Uint8Array(10), PIECE_HEADER_BYTES, 1)).toThrow(RangeError);
    expect(() => splitBytes(new Uint8Array(MAX_PARTS + 1), PIECE_HEADER_BYTES + 1, 1)).toThrow(
      /more than 4096/,
    );
  });

  it('refuse whatever is not a valid piece', () => {
    const bad = [
      new ArrayBuffer(0),
      new ArrayBuffer(PIECE_HEADER_BYTES - 1),
      new ArrayBuffer(MAX_PIECE_BYTES + 1),
      header(2, 1, 0, 1, 5),
      header(0, 1, 0, 1, 5),
      header(1, 1, 0, 0, 5),
      header(1, 1, 3, 3, 5),
      header(1, 1, 0, MAX_PARTS + 1, 5),
      header(1, 1, 2 ** 32 - 1, 2, 5),
    ];
    expect(bad.map(readPiece)).toEqual(bad.map(() => null));
    expect(readPiece(header(1, 1, 0, 1))).toEqual({
      id: '#1',
      n: 0,
      of: 1,
      data: new Uint8Array(),
    });
  });
});
