import { describe, expect, it } from 'vitest';
import { readPiece } from './binary-pieces';
import { MAX_FRAME_CHARS } from './frames';
import { directFrames, Outgoing, relayFrames, textParts } from './outgoing';
import type { PeerLink } from './peer';
import {
  type Clip,
  MAX_PART_CHARS,
  type PartMessage,
  type PeerMessage,
  parsePeerMessage,
} from './protocol';
import type { TransferView } from './session-types';
import { safeEnd, textRanges } from './text-ranges';

const hasLoneSurrogate = (s: string) =>
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

/** Parts as a receiver sees them: as JSON, through the real message validator. */
function received(parts: PartMessage[]): PartMessage[] {
  return parts.map((part) => {
    const message = parsePeerMessage(JSON.parse(JSON.stringify(part)));
    if (message?.t !== 'part') throw new Error(`not a valid part: ${part.id} ${part.n}`);
    return message;
  });
}

const clipOf = (text: string): Clip => ({
  id: 'clip-0001',
  text,
  from: 'alice-device',
  fromName: 'Alice',
  at: 1,
  stamp: 1,
});

describe('cutting text', () => {
  it('never parts a surrogate pair, whatever the range size', () => {
    const text = '👋a😀😀b🇺🇦'.repeat(50);
    for (const size of [2, 3, 4, 5, 7, 64]) {
      const pieces = textRanges(text, size).map(([start, end]) => text.slice(start, end));
      for (const piece of pieces) {
        expect(piece.length).toBeLessThanOrEqual(size);
        expect(hasLoneSurrogate(piece)).toBe(false);
      }
      expect(pieces.join('')).toBe(text);
    }
    expect(safeEnd('a😀', 2)).toBe(1);
    expect(safeEnd('a😀', 3)).toBe(3);
    expect(safeEnd('ab', 9)).toBe(2);
  });
});

describe('textParts', () => {
  it('never splits a surrogate pair, whatever the piece size', () => {
    const text = '👋a😀😀b🇺🇦'.repeat(50);
    for (const size of [2, 3, 4, 5, 7, 64]) {
      const parts = received(textParts(text, size, 'frame-0001'));
      for (const part of parts) {
        expect(part.data.length).toBeLessThanOrEqual(size);
        expect(hasLoneSurrogate(part.data)).toBe(false);
      }
      expect(parts.map((p) => p.data).join('')).toBe(text);
    }
  });

  it('caps pieces at what a receiver accepts', () => {
    const parts = received(
      textParts('x'.repeat(3 * MAX_PART_CHARS), 2 * MAX_PART_CHARS, 'frame-0001'),
    );
    expect(parts.map((p) => p.data.length)).toEqual([
      MAX_PART_CHARS,
      MAX_PART_CHARS,
      MAX_PART_CHARS,
    ]);
    expect(parts.map((p) => [p.n, p.of])).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
    ]);
  });

  it('refuses a frame too large, pieces too small or too many, and a bad id', () => {
    expect(() => textParts('x'.repeat(MAX_FRAME_CHARS + 1), 60_000, 'frame-0001')).toThrow(
      RangeError,
    );
    expect(() => textParts('xyz', 1, 'frame-0001')).toThrow(RangeError);
    expect(() => textParts('x'.repeat(10_000), 2, 'frame-0001')).toThrow(/more than 4096/);
    expect(() => textParts('x'.repeat(100), 10, 'bad id!')).toThrow(TypeError);
  });
});

describe('frames over a direct link', () => {
  it('sends a message that fits as one JSON text frame, with its version', () => {
    const { of, pieces } = directFrames({ t: 'ack', ids: [] }, 65_536, true, 0, 'frame-0001');
    expect(of).toBe(1);
    expect([...pieces]).toEqual(['{"v":1,"t":"ack","ids":[]}']);
  });

  it('sends a large clip as binary pieces to a link that reads them, JSON parts otherwise', () => {
    const clip = clipOf('clip 📋 "quoted"\n'.repeat(20_000));
    const binary = [...directFrames({ t: 'clip', clip }, 65_536, true, 7, 'frame-0001').pieces];
    expect(binary.every((piece) => piece instanceof Uint8Array && piece.length <= 65_536)).toBe(
      true,
    );
    expect(binary.map((piece) => readPiece((piece as Uint8Array).slice().buffer)?.id)).toEqual(
      binary.map(() => '#7'),
    );
    const json = [...directFrames({ t: 'clip', clip }, 65_536, false, 7, 'frame-0001').pieces];
    expect(json.length).toBeGreaterThan(1);
    for (const frame of json) {
      expect(typeof frame).toBe('string');
      expect(new TextEncoder().encode(frame as string).length).toBeLessThanOrEqual(65_536);
    }
    const parts = json.map((frame) => JSON.parse(frame as string) as PartMessage);
    expect(JSON.parse(parts.map((part) => part.data).join(''))).toEqual({ v: 1, t: 'clip', clip });
  });
});

describe('frames through the relay', () => {
  it('hands over a message that fits as it is, never parsed back', () => {
    const message: PeerMessage = { t: 'ack', ids: ['clip-0001'] };
    const { of, pieces } = relayFrames(message, 262_144, 'frame-0001');
    expect(of).toBe(1);
    expect([...pieces][0]).toBe(message);
  });

  it('cuts a large message into parts an older clipmesh reads as before', () => {
    const clip = clipOf('x'.repeat(500_000));
    const { of, pieces } = relayFrames({ t: 'clip', clip }, 262_144, 'frame-0001');
    const parts = [...pieces] as PartMessage[];
    expect(parts).toHaveLength(of);
    expect(of).toBeGreaterThan(2);
    // Byte for byte the part messages the relay path has always carried.
    const text = JSON.stringify({ v: 1, t: 'clip', clip });
    const data = parts.map((part) => part.data);
    expect(data.join('')).toBe(text);
    parts.forEach((part, n) => {
      expect(JSON.stringify(part)).toBe(
        JSON.stringify({ t: 'part', id: 'frame-0001', n, of, data: data[n] }),
      );
    });
  });
});

/** A direct link whose sends wait until released, one at a time. */
function slowLink(): PeerLink & { sent: unknown[]; release(): void } {
  let waiting: Array<() => void> = [];
  const link = {
    isOpen: true,
    maxMessageSize: 65_536,
    sent: [] as unknown[],
    handleDescription: async () => {},
    handleCandidate: async () => {},
    send: (data: unknown) =>
      new Promise<void>((resolve) => {
        waiting.push(() => {
          link.sent.push(data);
          resolve();
        });
      }),
    route: async () => 'lan' as const,
    close: () => {},
    release: () => {
      const now = waiting;
      waiting = [];
      for (const go of now) go();
    },
  };
  return link;
}

describe('Outgoing', () => {
  it('reports progress only for pieces that left, one piece at a time', async () => {
    const transfers: TransferView[] = [];
    const outgoing = new Outgoing({
      relay: async () => {},
      transfer: (transfer) => transfers.push(transfer),
    });
    const link = slowLink();
    outgoing.readsBinary(link);
    const clip = clipOf('y'.repeat(100_000));
    const sending = outgoing.send('bob-device-01', { t: 'clip', clip }, { link });
    await Promise.resolve();
    expect(transfers).toEqual([]);
    link.release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(link.sent).toHaveLength(1);
    expect(transfers.map((transfer) => transfer.done)).toEqual([1]);
    for (let i = 0; i < 10 && link.sent.length < (transfers[0]?.total ?? 0); i++) {
      link.release();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await sending;
    const total = transfers[0]?.total ?? 0;
    expect(link.sent).toHaveLength(total);
    expect(transfers.map((transfer) => transfer.done)).toEqual(
      Array.from({ length: total }, (_, i) => i + 1),
    );
  });

  it('sends through the relay what cannot go direct, and rejects with its refusal', async () => {
    const handed: PeerMessage[] = [];
    const outgoing = new Outgoing({
      relay: async (_to, message) => {
        handed.push(message);
        if (message.t === 'want') throw new Error('The relay is away.');
      },
      transfer: () => {},
    });
    await outgoing.send('bob-device-01', { t: 'ack', ids: [] }, { relayMaxPayload: 1024 });
    await expect(
      outgoing.send('bob-device-01', { t: 'want', ids: [] }, { relayMaxPayload: 1024 }),
    ).rejects.toThrow('The relay is away.');
    expect(handed).toEqual([
      { t: 'ack', ids: [] },
      { t: 'want', ids: [] },
    ]);
  });
});
