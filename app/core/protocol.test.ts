import { describe, expect, it } from 'vitest';
import {
  type Clip,
  MAX_CLIP_CHARS,
  MAX_IDS,
  MAX_PART_CHARS,
  MAX_PARTS,
  MAX_STAMP,
  MAX_TIME,
  type PeerMessage,
  parsePeerMessage,
  parseSignal,
  peekVersion,
  type Signal,
} from './protocol';

const id = 'device-AAAA';
const clip: Clip = {
  id: 'clip-0001',
  text: 'héllo\n\t👋 שלום',
  from: id,
  fromName: 'Phone',
  at: 1_700_000_000_000,
  stamp: 1_700_000_000_000,
};
const info = { id: clip.id, from: id, fromName: 'Phone', at: 1, size: 2_000_000 };
const candidate = {
  candidate: 'candidate:1 1 udp 2122260223 192.168.1.2 54321 typ host',
  sdpMid: '0',
  sdpMLineIndex: 0,
  usernameFragment: 'abcd',
};

const goodSignals: Signal[] = [
  { v: 1, t: 'hello', to: '*', name: 'Laptop' },
  { v: 1, t: 'hello', to: id, name: '' },
  { v: 1, t: 'description', to: id, description: { type: 'offer', sdp: 'v=0\r\n' } },
  { v: 1, t: 'description', to: id, description: { type: 'answer', sdp: 'v=0\r\n' } },
  { v: 1, t: 'candidate', to: id, candidate },
  {
    v: 1,
    t: 'candidate',
    to: id,
    candidate: { candidate: '', sdpMid: null, sdpMLineIndex: null, usernameFragment: null },
  },
  { v: 1, t: 'fallback', to: id, message: { t: 'ack', ids: ['clip-0001'] } },
];

const goodMessages: PeerMessage[] = [
  { t: 'hello', v: 1, name: 'Phone' },
  { t: 'hello', v: 7, name: 'From the future' },
  { t: 'hello', v: 1, name: 'Reads binary pieces', binary: true },
  { t: 'have', ids: [] },
  {
    t: 'have',
    ids: Array.from({ length: MAX_IDS }, (_, i) => `clip-${String(i).padStart(4, '0')}`),
  },
  { t: 'have', ids: ['clip-0001'], large: [{ ...info, size: MAX_CLIP_CHARS }] },
  { t: 'want', ids: ['clip-0001', 'clip-0002'] },
  { t: 'ack', ids: ['clip-0001'] },
  { t: 'deleted', ids: ['clip-0001'] },
  { t: 'deleted', ids: Array.from({ length: MAX_IDS }, (_, i) => `clip-${i}-xxxx`) },
  { t: 'clip', clip },
  { t: 'part', id: 'frame-001', n: 0, of: 1, data: '' },
  { t: 'part', id: 'frame-001', n: MAX_PARTS - 1, of: MAX_PARTS, data: 'x'.repeat(MAX_PART_CHARS) },
];

/** A JSON round trip, as a message arrives from the wire. */
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('parseSignal', () => {
  it.each(goodSignals.map((s) => [s.t, s]))('accepts a valid %s', (_, signal) => {
    expect(parseSignal(wire(signal))).toEqual(signal);
  });

  it('reads a candidate whose browser left out the optional fields as nulls', () => {
    const signal = { v: 1, t: 'candidate', to: id, candidate: { candidate: 'candidate:x' } };
    expect(parseSignal(signal)).toEqual({
      ...signal,
      candidate: {
        candidate: 'candidate:x',
        sdpMid: null,
        sdpMLineIndex: null,
        usernameFragment: null,
      },
    });
  });

  it('keeps only known fields, in fresh objects', () => {
    const description = { type: 'offer', sdp: 'v=0', x: 1 };
    const input = { v: 1, t: 'description', to: id, extra: 'x', description };
    const parsed = parseSignal(input);
    expect(parsed).toEqual({
      v: 1,
      t: 'description',
      to: id,
      description: { type: 'offer', sdp: 'v=0' },
    });
    expect(parsed).not.toHaveProperty('extra');
    expect(parsed?.t === 'description' && parsed.description).not.toBe(description);
  });

  it.each<[string, unknown]>([
    ['an unknown type', { v: 1, t: 'bye', to: '*' }],
    ['no version', { t: 'hello', to: '*', name: 'x' }],
    ['a version as a string', { v: '1', t: 'hello', to: '*', name: 'x' }],
    ['a fractional version', { v: 1.5, t: 'hello', to: '*', name: 'x' }],
    ['version zero', { v: 0, t: 'hello', to: '*', name: 'x' }],
    ['an infinite version', { v: Number.POSITIVE_INFINITY, t: 'hello', to: '*', name: 'x' }],
    [
      'a broadcast offer',
      { v: 1, t: 'description', to: '*', description: { type: 'offer', sdp: '' } },
    ],
    ['a short device id', { v: 1, t: 'hello', to: 'abc', name: 'x' }],
    ['a device id with a slash', { v: 1, t: 'hello', to: 'abc/defgh', name: 'x' }],
    ['a long name', { v: 1, t: 'hello', to: '*', name: 'n'.repeat(65) }],
    ['a name as a number', { v: 1, t: 'hello', to: '*', name: 42 }],
    ['a pranswer', { v: 1, t: 'description', to: id, description: { type: 'pranswer', sdp: '' } }],
    [
      'a huge sdp',
      { v: 1, t: 'description', to: id, description: { type: 'offer', sdp: 's'.repeat(65_537) } },
    ],
    [
      'a huge candidate',
      { v: 1, t: 'candidate', to: id, candidate: { ...candidate, candidate: 'c'.repeat(1025) } },
    ],
    [
      'a negative line index',
      { v: 1, t: 'candidate', to: id, candidate: { ...candidate, sdpMLineIndex: -1 } },
    ],
    [
      'a line index as a string',
      { v: 1, t: 'candidate', to: id, candidate: { ...candidate, sdpMLineIndex: '0' } },
    ],
    [
      'a fallback with a bad message',
      { v: 1, t: 'fallback', to: id, message: { t: 'ack', ids: 'x' } },
    ],
    ['a fallback carrying a signal', { v: 1, t: 'fallback', to: id, message: goodSignals[2] }],
    ['null', null],
    ['a string', 'hello'],
    ['an array', [goodSignals[0]]],
  ])('refuses %s', (_, value) => {
    expect(parseSignal(value)).toBeNull();
  });
});

describe('parsePeerMessage', () => {
  it.each(goodMessages.map((m) => [m.t, m]))('accepts a valid %s', (_, message) => {
    expect(parsePeerMessage(wire(message))).toEqual(message);
  });

  it.each<[string, unknown]>([
    ['an unknown type', { t: 'delete', ids: [] }],
    ['too many ids', { t: 'have', ids: Array.from({ length: MAX_IDS + 1 }, () => 'clip-0001') }],
    ['a bad id among good ones', { t: 'want', ids: ['clip-0001', 'x'] }],
    ['ids as an object', { t: 'ack', ids: { 0: 'clip-0001', length: 1 } }],
    [
      'too many deleted ids',
      { t: 'deleted', ids: Array.from({ length: MAX_IDS + 1 }, () => 'clip-0001') },
    ],
    ['a bad deleted id', { t: 'deleted', ids: ['clip-0001', '../x'] }],
    ['a have with large as an object', { t: 'have', ids: [], large: { 0: info, length: 1 } }],
    [
      'a have with too many large clips',
      { t: 'have', ids: [], large: Array(MAX_IDS + 1).fill(info) },
    ],
    [
      'a large clip past the size limit',
      { t: 'have', ids: [], large: [{ ...info, size: MAX_CLIP_CHARS + 1 }] },
    ],
    ['a large clip of fractional size', { t: 'have', ids: [], large: [{ ...info, size: 1.5 }] }],
    ['a large clip with a bad sender', { t: 'have', ids: [], large: [{ ...info, from: 'x' }] }],
    ['a large clip with time NaN', { t: 'have', ids: [], large: [{ ...info, at: Number.NaN }] }],
    ['a clip too long', { t: 'clip', clip: { ...clip, text: 'x'.repeat(MAX_CLIP_CHARS + 1) } }],
    ['a clip without text', { t: 'clip', clip: { ...clip, text: undefined } }],
    ['a clip with time as a string', { t: 'clip', clip: { ...clip, at: '1700000000000' } }],
    ['a clip with time NaN', { t: 'clip', clip: { ...clip, at: Number.NaN } }],
    ['a clip with a negative time', { t: 'clip', clip: { ...clip, at: -1 } }],
    ['a clip with a bad sender', { t: 'clip', clip: { ...clip, from: '../../x' } }],
    ['a clip with a fractional stamp', { t: 'clip', clip: { ...clip, stamp: 1.5 } }],
    ['a clip with a negative stamp', { t: 'clip', clip: { ...clip, stamp: -1 } }],
    ['a clip with a stamp too large', { t: 'clip', clip: { ...clip, stamp: MAX_STAMP + 1 } }],
    ['a clip with a stamp as a string', { t: 'clip', clip: { ...clip, stamp: '5' } }],
    ['a clip with a stamp of null', { t: 'clip', clip: { ...clip, stamp: null } }],
    ['a clip with a stamp NaN', { t: 'clip', clip: { ...clip, stamp: Number.NaN } }],
    ['a part past its end', { t: 'part', id: 'frame-001', n: 2, of: 2, data: '' }],
    ['a part of nothing', { t: 'part', id: 'frame-001', n: 0, of: 0, data: '' }],
    ['too many parts', { t: 'part', id: 'frame-001', n: 0, of: MAX_PARTS + 1, data: '' }],
    ['a fractional part', { t: 'part', id: 'frame-001', n: 0.5, of: 2, data: '' }],
    [
      'a part with data too long',
      { t: 'part', id: 'frame-001', n: 0, of: 1, data: 'x'.repeat(MAX_PART_CHARS + 1) },
    ],
    ['a part with data as an array', { t: 'part', id: 'frame-001', n: 0, of: 1, data: ['x'] }],
    ['a hello without version', { t: 'hello', name: 'x' }],
    ['undefined', undefined],
    ['a number', 42],
  ])('refuses %s', (_, value) => {
    expect(parsePeerMessage(value)).toBeNull();
  });

  it('brings a time past what a Date holds into its range, so no screen throws on it', () => {
    for (const at of [MAX_TIME + 1, 9e15, Number.MAX_VALUE]) {
      const parsed = parsePeerMessage({ t: 'clip', clip: { ...clip, at } });
      expect(parsed?.t === 'clip' && parsed.clip.at).toBe(MAX_TIME);
      expect(parsed?.t === 'clip' && new Date(parsed.clip.at).toISOString()).toBeTruthy();
    }
  });

  it('gives a clip from before stamps one from its time, clamped to a whole ms', () => {
    const { stamp: _, ...unstamped } = clip;
    const at = (value: number) => {
      const parsed = parsePeerMessage({ t: 'clip', clip: { ...unstamped, at: value } });
      return parsed?.t === 'clip' ? [parsed.clip.at, parsed.clip.stamp] : null;
    };
    expect(at(1_700_000_000_000.7)).toEqual([1_700_000_000_000.7, 1_700_000_000_000]);
    expect(at(0)).toEqual([0, 0]);
    expect(at(9e15)).toEqual([MAX_TIME, MAX_TIME]);
  });

  it('keeps a stamp from 0 to MAX_STAMP as sent', () => {
    for (const stamp of [0, 1, MAX_STAMP]) {
      const parsed = parsePeerMessage({ t: 'clip', clip: { ...clip, stamp } });
      expect(parsed?.t === 'clip' && parsed.clip.stamp).toBe(stamp);
    }
  });

  it('reads only `binary: true` in a hello as saying it reads binary pieces', () => {
    for (const binary of ['true', 1, {}, false, null]) {
      expect(parsePeerMessage({ t: 'hello', v: 1, name: 'x', binary })).toEqual({
        t: 'hello',
        v: 1,
        name: 'x',
      });
    }
  });

  it('ignores __proto__ keys and never pollutes prototypes', () => {
    const parsed = parsePeerMessage(
      JSON.parse(
        '{"t":"clip","__proto__":{"polluted":1},"clip":{"__proto__":{"text":"x"},"id":"clip-0001","text":"hi","from":"device-AAAA","fromName":"P","at":1}}',
      ),
    );
    expect(parsed).toEqual({
      t: 'clip',
      clip: { id: 'clip-0001', text: 'hi', from: id, fromName: 'P', at: 1, stamp: 1 },
    });
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not read fields inherited from a prototype', () => {
    const inherited = Object.create({ t: 'ack', ids: [] });
    expect(parsePeerMessage(inherited)).toBeNull();
  });

  it('returns null instead of throwing on a getter that throws', () => {
    const hostile = {
      t: 'ack',
      get ids(): string[] {
        throw new Error('boom');
      },
    };
    expect(parsePeerMessage(hostile)).toBeNull();
  });
});

describe('peekVersion', () => {
  it('reads the version of a message too new to parse', () => {
    const future = { v: 2, t: 'teleport', to: '*', payload: { anything: true } };
    expect(parseSignal(future)).toBeNull();
    expect(peekVersion(future)).toBe(2);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['no version', { t: 'hello' }],
    ['a string version', { v: '2' }],
    ['a fractional version', { v: 2.5 }],
    ['an array', [2]],
  ])('is null for %s', (_, value) => {
    expect(peekVersion(value)).toBeNull();
  });
});
