import { describe, expect, it } from 'vitest';
import { clipPieces, PIECE_HEADER_BYTES } from './binary-pieces';
import { Inbox } from './inbox';
import { textParts } from './outgoing';
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

  it('drops frames nested deep enough to exhaust the parser, and reads on', () => {
    const { box, seen } = inbox();
    box.frame('peer-0001', `${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    box.frame('peer-0001', `{"t":"ack","ids":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    box.frame('peer-0001', JSON.stringify({ v: 1, t: 'ack', ids: ['clip-0001'] }));
    expect(seen).toMatchObject({ dropped: 2, delivered: [{ t: 'ack', ids: ['clip-0001'] }] });
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
      stamp: 1,
    };
    const pieces = textParts(JSON.stringify({ v: 1, t: 'clip', clip }), 2_000, 'frame-0001').map(
      (part) => JSON.stringify(part),
    );
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
      stamp: 1,
    };
    const pieces = [...clipPieces(clip, 1_000, 0).pieces].map(asReceived);
    expect(pieces.length).toBeGreaterThan(2);
    for (const piece of pieces.reverse()) box.frame('peer-0001', piece);
    expect(seen.delivered).toEqual([{ t: 'clip', clip }]);
    expect(seen.transfers.at(-1)).toMatchObject({ done: pieces.length, total: pieces.length });
    expect(seen.dropped).toBe(0);
  });

  it('drops and counts malformed binary frames and streams without throwing', () => {
    const { box, seen } = inbox();
    const whole = (stream: number, envelope: string, ...texts: Uint8Array[]) =>
      [utf8.encode(envelope), ...texts].map((data, n, all) =>
        rawPiece(stream, n, all.length, data),
      );
    const clip = { id: 'clip-0001', text: '', from: 'peer-0001', fromName: 'P', at: 1, stamp: 1 };
    const bad: ArrayBuffer[][] = [
      [new ArrayBuffer(0)],
      [new ArrayBuffer(3)],
      [new Uint8Array(PIECE_HEADER_BYTES + 1).fill(0xff).buffer],
      // Whole streams, but not UTF-8, not JSON, not a clip, or an invalid one.
      whole(1, 'not json'),
      [rawPiece(2, 0, 1, new Uint8Array([0xc3, 0x28]))],
      whole(3, JSON.stringify({ v: 1, t: 'clip', clip }), new Uint8Array([0xff, 0xfe])),
      whole(4, JSON.stringify({ v: 1, t: 'ack', ids: ['clip-0001'] })),
      whole(5, JSON.stringify({ v: 1, t: 'ack', ids: ['clip-0001'], clip: {} })),
      whole(6, JSON.stringify({ v: 1, t: 'part', id: 'frame-0001', n: 0, of: 1, clip: {} })),
      whole(7, JSON.stringify({ v: 1, t: 'clip', clip: { ...clip, id: 'bad id!' } })),
      whole(8, JSON.stringify({ v: 1, t: 'clip', clip: { ...clip, at: -1 } }), utf8.encode('x')),
    ];
    for (const frames of bad) {
      for (const frame of frames) expect(() => box.frame('peer-0001', frame)).not.toThrow();
    }
    expect(seen.delivered).toEqual([]);
    expect(seen.dropped).toBe(bad.length);
    expect(seen.newer).toBe(0);
  });

  it('names a binary clip from a newer version instead of counting it as garbage', () => {
    const { box, seen } = inbox();
    const envelope = utf8.encode(JSON.stringify({ v: 2, t: 'clip', clip: { shape: 'new' } }));
    box.frame('peer-0001', rawPiece(1, 0, 1, envelope));
    expect(seen).toMatchObject({ newer: 1, dropped: 0, delivered: [] });
  });

  it('holds binary streams to the same limits as JSON ones, and frees them when abandoned', () => {
    const { box, seen } = inbox(10);
    // Four streams at once from one device, with JSON and binary pieces: a fifth is refused.
    box.message('peer-0001', { t: 'part', id: 'frame-0001', n: 0, of: 2, data: 'x' });
    for (let stream = 1; stream <= 4; stream++) {
      box.frame('peer-0001', rawPiece(stream, 0, 2, utf8.encode('{}')));
    }
    expect(seen.dropped).toBe(1);
    box.expire(Date.now() + 1_000);
    expect(seen.transfers.slice(-4).map((transfer) => transfer.id)).toEqual([
      'frame-0001',
      '#1',
      '#2',
      '#3',
    ]);
    expect(seen.delivered).toEqual([]);
  });
});

const utf8 = new TextEncoder();

function asReceived(piece: Uint8Array): ArrayBuffer {
  return piece.slice().buffer;
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
