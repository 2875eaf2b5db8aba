import { describe, expect, it } from 'vitest';
import { PIECE_HEADER_BYTES, splitBytes } from './binary-pieces';
import { splitFrame } from './frames';
import { Inbox } from './inbox';
import type { PeerMessage } from './protocol';
import type { TransferView } from './session-types';

function inbox(timeoutMs = 30_000) {
  const seen = {
    delivered: [] as PeerMessage[],
    dropped: 0,
    newer: 0,
    transfers: [] as TransferView[],
  };
  const box = new Inbox(
    {
      deliver: (_from, message) => seen.delivered.push(message),
      drop: () => seen.dropped++,
      newer: () => seen.newer++,
      transfer: (transfer) => seen.transfers.push(transfer),
    },
    timeoutMs,
  );
  return { box, seen };
}

describe('the inbox', () => {
  it('delivers valid frames and drops and counts everything else', () => {
    const { box, seen } = inbox();
    box.frame('peer-0001', JSON.stringify({ v: 1, t: 'ack', ids: ['clip-0001'] }));
    for (const bad of ['', 'not json', '<b>x</b>', 'null', '{"v":1,"t":"teleport"}']) {
      box.frame('peer-0001', bad);
    }
    expect(seen.delivered).toEqual([{ t: 'ack', ids: ['clip-0001'] }]);
    expect(seen.dropped).toBe(5);
  });

  it('names a frame from a newer version instead of counting it as garbage', () => {
    const { box, seen } = inbox();
    box.frame('peer-0001', JSON.stringify({ v: 2, t: 'clip', clip: 'a shape unknown to us' }));
    expect(seen).toMatchObject({ newer: 1, dropped: 0, delivered: [] });
  });

  it('puts pieces back together, with progress, whatever order they come in', () => {
    const { box, seen } = inbox();
    const clip = {
      id: 'clip-0001',
      text: 'x'.repeat(5_000),
      from: 'peer-0001',
      fromName: 'P',
      at: 1,
    };
    const pieces = splitFrame(JSON.stringify({ v: 1, t: 'clip', clip }), 2_000, 'frame-0001');
    expect(pieces.length).toBeGreaterThan(2);
    for (const piece of pieces.reverse()) box.frame('peer-0001', piece);
    expect(seen.delivered).toEqual([{ t: 'clip', clip }]);
    expect(seen.transfers.at(-1)).toMatchObject({ done: pieces.length, total: pieces.length });
    expect(seen.dropped).toBe(0);
  });

  it('ends the progress of a refused or abandoned stream', () => {
    const { box, seen } = inbox(10);
    box.message('peer-0001', { t: 'part', id: 'frame-0001', n: 0, of: 3, data: 'x' });
    // The same stream now claims another count of pieces: refused, and its progress ends.
    box.message('peer-0001', { t: 'part', id: 'frame-0001', n: 1, of: 4, data: 'x' });
    expect(seen.dropped).toBe(1);
    expect(seen.transfers.at(-1)).toEqual({
      id: 'frame-0001',
      direction: 'in',
      peer: 'peer-0001',
      done: 1,
      total: 1,
    });
    box.message('peer-0001', { t: 'part', id: 'frame-0002', n: 0, of: 3, data: 'x' });
    box.expire(Date.now() + 1_000);
    expect(seen.transfers.at(-1)).toEqual({
      id: 'frame-0002',
      direction: 'in',
      peer: 'peer-0001',
      done: 3,
      total: 3,
    });
    expect(seen.delivered).toEqual([]);
  });

  it('drops a stream whose whole is itself a piece', () => {
    const { box, seen } = inbox();
    const inner = JSON.stringify({ v: 1, t: 'part', id: 'frame-0009', n: 0, of: 1, data: 'x' });
    box.message('peer-0001', { t: 'part', id: 'frame-0001', n: 0, of: 1, data: inner });
    expect(seen.delivered).toEqual([]);
    expect(seen.dropped).toBe(1);
  });

  it('puts a clip in binary pieces back together, whatever order they come in', () => {
    const { box, seen } = inbox();
    const clip = {
      id: 'clip-0001',
      text: 'אב 👋 "x"\n'.repeat(3_000),
      from: 'peer-0001',
      fromName: 'P',
      at: 1,
    };
    const pieces = binary(JSON.stringify({ v: 1, t: 'clip', clip }), 1_000);
    expect(pieces.length).toBeGreaterThan(2);
    for (const piece of pieces.reverse()) box.frame('peer-0001', piece);
    expect(seen.delivered).toEqual([{ t: 'clip', clip }]);
    expect(seen.transfers.at(-1)).toMatchObject({ done: pieces.length, total: pieces.length });
    expect(seen.dropped).toBe(0);
  });

  it('drops and counts malformed binary frames without throwing', () => {
    const { box, seen } = inbox();
    const bad: ArrayBuffer[] = [
      new ArrayBuffer(0),
      new ArrayBuffer(3),
      new Uint8Array(PIECE_HEADER_BYTES + 1).fill(0xff).buffer,
      // Whole, but not UTF-8, not JSON, not a message, or a piece inside a piece.
      ...[
        new Uint8Array([0xc3, 0x28, 0xa0, 0xa1]),
        new TextEncoder().encode('not json'),
        new TextEncoder().encode('{"v":1,"t":"teleport"}'),
        new TextEncoder().encode(
          JSON.stringify({ v: 1, t: 'part', id: 'frame-0009', n: 0, of: 1, data: 'x' }),
        ),
      ].map((bytes, i) => splitBytes(bytes, 1_000, i).map(asReceived)[0] as ArrayBuffer),
    ];
    for (const frame of bad) expect(() => box.frame('peer-0001', frame)).not.toThrow();
    expect(seen.delivered).toEqual([]);
    expect(seen.dropped).toBe(bad.length);
  });

  it('holds binary streams to the same limits as JSON ones, and frees them when abandoned', () => {
    const { box, seen } = inbox(10);
    // Four streams at once from one device, with JSON and binary pieces: a fifth is refused.
    box.message('peer-0001', { t: 'part', id: 'frame-0001', n: 0, of: 2, data: 'x' });
    for (let stream = 1; stream <= 4; stream++) {
      const [start] = binary('x'.repeat(100), 40, stream);
      box.frame('peer-0001', start as ArrayBuffer);
    }
    expect(seen.dropped).toBe(1);
    box.expire(Date.now() + 1_000);
    expect(seen.transfers.slice(-3).map((transfer) => transfer.done)).toEqual([4, 4, 4]);
    expect(seen.delivered).toEqual([]);
  });
});

function asReceived(piece: Uint8Array): ArrayBuffer {
  return piece.slice().buffer;
}

/** `text` in binary pieces of `maxBytes`, as a receiving data channel hands them over. */
function binary(text: string, maxBytes: number, stream = 0): ArrayBuffer[] {
  return splitBytes(new TextEncoder().encode(text), maxBytes, stream).map(asReceived);
}
