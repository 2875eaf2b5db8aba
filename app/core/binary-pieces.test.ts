import { describe, expect, it } from 'vitest';
import {
  type BinaryPiece,
  clipPieces,
  MAX_PIECE_BYTES,
  PIECE_HEADER_BYTES,
  readClipPieces,
  readPiece,
} from './binary-pieces';
import { Reassembler } from './frames';
import { type Clip, MAX_PARTS, parsePeerMessage } from './protocol';

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

const clipOf = (text: string): Clip => ({
  id: 'clip-0001',
  text,
  from: 'alice-device',
  fromName: 'Alice "A" 👩',
  at: 1,
  stamp: 1,
});

/** What a receiving data channel hands over: an ArrayBuffer of exactly the message. */
function received(piece: Uint8Array): ArrayBuffer {
  return piece.slice().buffer;
}

function piecesOf(clip: Clip, maxBytes: number, stream = 1): BinaryPiece[] {
  return [...clipPieces(clip, maxBytes, stream).pieces].map((piece) => {
    const read = readPiece(received(piece));
    if (!read) throw new Error('not a valid piece');
    return read;
  });
}

function rawPiece(stream: number, n: number, of: number, data: Uint8Array): ArrayBuffer {
  const piece = new Uint8Array(PIECE_HEADER_BYTES + data.length);
  const view = new DataView(piece.buffer);
  view.setUint8(0, 1);
  view.setUint32(1, stream);
  view.setUint32(5, n);
  view.setUint32(9, of);
  piece.set(data, PIECE_HEADER_BYTES);
  return piece.buffer;
}

describe('binary pieces of a clip', () => {
  it('carry 16 MiB of emoji, RTL, tabs and NULs back exactly, out of order', () => {
    const sample = 'Tab\there\r\nשלום مرحبا 👩‍👩‍👧 😀\u0301 \u202Eevil\u202C "q" \\ \u0000\n';
    const clip = clipOf(sample.repeat(Math.floor((16 * 1024 * 1024) / sample.length)));
    const pieces = piecesOf(clip, 262_144);
    expect(pieces.length).toBeGreaterThan(190);
    const reassembler = new Reassembler();
    const results = [...pieces].reverse().map((piece) => reassembler.accept('alice', piece, 0));
    const done = results.at(-1);
    if (!done || !('done' in done) || typeof done.done === 'string') throw new Error('not done');
    const message = parsePeerMessage(readClipPieces(done.done));
    expect(message?.t === 'clip' && message.clip.text === clip.text).toBe(true);
    expect(message).toEqual({ t: 'clip', clip });
  });

  it('say how many they are before the first, fit the size asked for, and keep characters whole', () => {
    const clip = clipOf('a😀'.repeat(1_000));
    const { of, pieces } = clipPieces(clip, 1_000, 2 ** 32 - 1);
    const all = [...pieces];
    expect(all).toHaveLength(of);
    expect(Math.max(...all.map((piece) => piece.length))).toBeLessThanOrEqual(1_000);
    const read = all.map((piece) => readPiece(received(piece)));
    expect(read.map((piece) => [piece?.id, piece?.n, piece?.of])).toEqual(
      all.map((_, n) => ['#4294967295', n, of]),
    );
    // The first is the envelope, with no text; each of the rest is whole UTF-8 on its own.
    const [envelope, ...texts] = read.map((piece) => strictUtf8.decode(piece?.data));
    expect(JSON.parse(envelope ?? '')).toEqual({ v: 1, t: 'clip', clip: { ...clip, text: '' } });
    expect(texts.join('')).toBe(clip.text);
  });

  it('are never larger than a receiver accepts, and never too many', () => {
    const big = [...clipPieces(clipOf('x'.repeat(1_000_000)), 2 ** 30, 1).pieces];
    expect(Math.max(...big.map((piece) => piece.length))).toBeLessThanOrEqual(MAX_PIECE_BYTES);
    expect(() => clipPieces(clipOf('x'), 50, 1)).toThrow(RangeError);
    expect(() => clipPieces(clipOf('x'.repeat(MAX_PARTS * 200)), 500, 1)).toThrow(/more than 4096/);
  });
});

describe('readPiece', () => {
  it('refuses whatever is not a valid piece', () => {
    const header = (format: number, n: number, of: number) => {
      const buffer = rawPiece(1, n, of, new Uint8Array(5));
      new DataView(buffer).setUint8(0, format);
      return buffer;
    };
    const bad = [
      new ArrayBuffer(0),
      new ArrayBuffer(PIECE_HEADER_BYTES - 1),
      new ArrayBuffer(MAX_PIECE_BYTES + 1),
      header(2, 0, 1),
      header(0, 0, 1),
      header(1, 0, 0),
      header(1, 3, 3),
      header(1, 0, MAX_PARTS + 1),
      header(1, 2 ** 32 - 1, 2),
    ];
    expect(bad.map(readPiece)).toEqual(bad.map(() => null));
    expect(readPiece(rawPiece(7, 0, 1, new Uint8Array()))).toEqual({
      id: '#7',
      n: 0,
      of: 1,
      data: new Uint8Array(),
    });
  });
});

describe('readClipPieces', () => {
  it('throws on bytes that are not UTF-8 or an envelope that is not JSON', () => {
    const envelope = utf8.encode('{"v":1,"t":"clip","clip":{}}');
    expect(() => readClipPieces([new Uint8Array([0xc3, 0x28])])).toThrow();
    expect(() => readClipPieces([utf8.encode('not json')])).toThrow();
    expect(() => readClipPieces([envelope, new Uint8Array([0xff])])).toThrow();
    // A character cut between two pieces is joined again, not refused.
    const [first, second] = [utf8.encode('😀').subarray(0, 2), utf8.encode('😀').subarray(2)];
    expect(readClipPieces([envelope, first, second] as Uint8Array[])).toEqual({
      v: 1,
      t: 'clip',
      clip: { text: '😀' },
    });
  });

  it('gives null for an envelope without a clip, and never reads inherited fields', () => {
    expect(readClipPieces([utf8.encode('{"t":"ack","ids":[]}')])).toBeNull();
    expect(readClipPieces([utf8.encode('[1]')])).toBeNull();
    expect(readClipPieces([utf8.encode('{"t":"clip","clip":[]}')])).toBeNull();
    const polluted = readClipPieces([utf8.encode('{"t":"clip","clip":{"__proto__":{"x":1}}}')]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(parsePeerMessage(polluted)).toBeNull();
  });
});
