import { describe, expect, it } from 'vitest';
import { Reassembler, type ReassemblyResult } from './frames';
import { textParts } from './outgoing';
import { type PartMessage, parsePeerMessage } from './protocol';

const alice = 'alice-device';
const bob = 'bob-device-01';

/** Parts as a receiver sees them: as JSON, through the real message validator. */
function partsOf(parts: PartMessage[]): PartMessage[] {
  return parts.map((part) => {
    const message = parsePeerMessage(JSON.parse(JSON.stringify(part)));
    if (message?.t !== 'part') throw new Error(`not a valid part: ${part.id} ${part.n}`);
    return message;
  });
}

function shuffled<T>(items: T[], seed = 42): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function feed(reassembler: Reassembler, from: string, parts: PartMessage[], now = 0) {
  return parts.map((part) => reassembler.accept(from, part, now));
}

describe('Reassembler', () => {
  it('puts 16 MiB of emoji, RTL, tabs and newlines back byte-exact, out of order and with duplicates', () => {
    const sample = 'Tab\there\r\nשלום עולם مرحبا 👩‍👩‍👧 😀\u0301 \u202Eevil\u202C "q" \\ \u0000\n';
    const text = sample.repeat(Math.ceil((16 * 1024 * 1024) / sample.length));
    // An odd size lands boundaries inside surrogate pairs.
    const parts = partsOf(textParts(text, 65_531, 'frame-big1'));
    expect(parts.length).toBeGreaterThan(250);
    const arriving = shuffled([...parts, ...parts.slice(0, 20)]);
    const reassembler = new Reassembler();
    const results = feed(reassembler, alice, arriving);
    const done = results.filter((r): r is { done: string } => 'done' in r);
    expect(done).toHaveLength(1);
    expect(done[0]?.done === text).toBe(true);
    const bytes = new TextEncoder().encode(done[0]?.done);
    expect(bytes.length).toBe(new TextEncoder().encode(text).length);
    expect(reassembler.pending).toBe(0);
  });

  it('reports progress by pieces received', () => {
    const parts = partsOf(textParts('abcdefghij', 4, 'frame-0001'));
    const reassembler = new Reassembler();
    expect(feed(reassembler, alice, parts)).toEqual([
      { progress: { id: 'frame-0001', received: 1, of: 3 } },
      { progress: { id: 'frame-0001', received: 2, of: 3 } },
      { done: 'abcdefghij' },
    ]);
  });

  it('ignores a duplicate piece, counts it, and refuses pieces of a finished frame', () => {
    const [first, second] = partsOf(textParts('abcdef', 3, 'frame-0001')) as [
      PartMessage,
      PartMessage,
    ];
    const reassembler = new Reassembler();
    reassembler.accept(alice, first, 0);
    expect(reassembler.accept(alice, { ...first, data: 'XYZ' }, 0)).toEqual({
      progress: { id: 'frame-0001', received: 1, of: 2 },
    });
    expect(reassembler.accept(alice, second, 0)).toEqual({ done: 'abcdef' });
    expect(reassembler.accept(alice, second, 0)).toHaveProperty('error');
    expect(reassembler.dropped).toBe(2);
  });

  it('keeps streams of different senders with the same id apart', () => {
    const a = partsOf(textParts('aaaaaa', 3, 'frame-0001'));
    const b = partsOf(textParts('bbbbbb', 3, 'frame-0001'));
    const reassembler = new Reassembler();
    const results = feed(reassembler, alice, [a[0] as PartMessage]).concat(
      feed(reassembler, bob, b),
      feed(reassembler, alice, [a[1] as PartMessage]),
    );
    expect(results.filter((r) => 'done' in r)).toEqual([{ done: 'bbbbbb' }, { done: 'aaaaaa' }]);
  });

  it('frees abandoned streams after the timeout, and only those', () => {
    const reassembler = new Reassembler({ timeoutMs: 30_000 });
    const [stale] = partsOf(textParts('x'.repeat(10), 5, 'frame-old1'));
    const [fresh, freshEnd] = partsOf(textParts('y'.repeat(10), 5, 'frame-new1'));
    reassembler.accept(alice, stale as PartMessage, 1_000);
    reassembler.accept(alice, fresh as PartMessage, 20_000);
    expect(reassembler.expire(31_000)).toEqual([]);
    expect(reassembler.expire(31_001)).toEqual([
      { from: alice, id: 'frame-old1', received: 1, of: 2 },
    ]);
    expect(reassembler.pending).toBe(1);
    expect(reassembler.dropped).toBe(1);
    expect(reassembler.accept(alice, freshEnd as PartMessage, 40_000)).toEqual({
      done: 'y'.repeat(10),
    });
  });

  it('limits streams at once per sender, freeing room when one ends', () => {
    const reassembler = new Reassembler({ maxStreamsPerSender: 2 });
    const starts = [1, 2, 3].map((i) => partsOf(textParts('abcd', 2, `frame-000${i}`)));
    const first = (i: number) => starts[i]?.[0] as PartMessage;
    expect(reassembler.accept(alice, first(0), 0)).toHaveProperty('progress');
    expect(reassembler.accept(alice, first(1), 0)).toHaveProperty('progress');
    expect(reassembler.accept(alice, first(2), 0)).toEqual({
      error: 'Too many large messages at once from that device.',
    });
    expect(reassembler.accept(bob, first(2), 0)).toHaveProperty('progress');
    expect(reassembler.accept(alice, starts[0]?.[1] as PartMessage, 0)).toEqual({ done: 'abcd' });
    expect(reassembler.accept(alice, first(2), 0)).toHaveProperty('progress');
  });

  it('refuses a stream that grows beyond the frame limit and the rest of it', () => {
    const reassembler = new Reassembler({ maxFrameBytes: 20 });
    const parts = partsOf(textParts('x'.repeat(20), 4, 'frame-0001'));
    const results = feed(reassembler, alice, parts);
    expect(results.slice(0, 2).every((r) => 'progress' in r)).toBe(true);
    expect(results[2]).toEqual({ error: 'That message is too large.' });
    expect(results.slice(3).every((r) => 'error' in r)).toBe(true);
    expect(reassembler.pending).toBe(0);
  });

  it('bounds what all senders buffer together', () => {
    const reassembler = new Reassembler({ maxBufferedBytes: 20 });
    const a = partsOf(textParts('a'.repeat(12), 6, 'frame-000a'));
    const b = partsOf(textParts('b'.repeat(12), 6, 'frame-000b'));
    expect(reassembler.accept(alice, a[0] as PartMessage, 0)).toHaveProperty('progress');
    expect(reassembler.accept(bob, b[0] as PartMessage, 0)).toEqual({
      error: 'Too much is arriving at once.',
    });
    expect(reassembler.accept(alice, a[1] as PartMessage, 0)).toEqual({
      error: 'Too much is arriving at once.',
    });
  });

  it('refuses pieces that disagree on their count', () => {
    const reassembler = new Reassembler();
    const [first, second] = partsOf(textParts('abcdef', 3, 'frame-0001')) as [
      PartMessage,
      PartMessage,
    ];
    reassembler.accept(alice, first, 0);
    const result: ReassemblyResult = reassembler.accept(alice, { ...second, of: 3 }, 0);
    expect(result).toEqual({ error: 'Pieces disagree on their count.' });
    expect(reassembler.pending).toBe(0);
  });

  it('refuses a stream whose pieces change kind', () => {
    const reassembler = new Reassembler();
    reassembler.accept(alice, { id: 'frame-0001', n: 0, of: 2, data: new Uint8Array(4) }, 0);
    expect(reassembler.accept(alice, { id: 'frame-0001', n: 1, of: 2, data: 'xy' }, 0)).toEqual({
      error: 'Pieces disagree on their kind.',
    });
    expect(reassembler.pending).toBe(0);
  });

  it('counts text at 2 bytes a character and bytes at 1 against the limits', () => {
    const reassembler = new Reassembler({ maxFrameBytes: 20, maxBufferedBytes: 30 });
    const bytes = (n: number, of: number, size: number) => ({
      id: 'frame-000b',
      n,
      of,
      data: new Uint8Array(size),
    });
    expect(reassembler.accept(alice, bytes(0, 3, 10), 0)).toHaveProperty('progress');
    expect(reassembler.accept(alice, bytes(1, 3, 10), 0)).toHaveProperty('progress');
    expect(reassembler.accept(alice, bytes(2, 3, 1), 0)).toEqual({
      error: 'That message is too large.',
    });
    const text = { id: 'frame-000t', n: 0, of: 2, data: 'x'.repeat(10) };
    expect(reassembler.accept(bob, text, 0)).toHaveProperty('progress');
    expect(reassembler.accept(alice, { ...bytes(0, 2, 11), id: 'frame-00b2' }, 0)).toEqual({
      error: 'Too much is arriving at once.',
    });
  });
});
