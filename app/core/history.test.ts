import { describe, expect, it } from 'vitest';
import { mergeClips, missingIds, recentIds } from './history';
import type { Clip } from './protocol';

/** A clip stamped `stamp`; its sender's clock says `at` (the stamp unless given). */
const clip = (id: string, stamp: number, text = id, at = stamp): Clip => ({
  id: `clip-${id}`,
  text,
  from: 'device-AAAA',
  fromName: 'Phone',
  at,
  stamp,
});
const ids = (clips: Clip[]) => clips.map((c) => c.id.slice(5));

describe('mergeClips', () => {
  it('puts the newest first', () => {
    expect(ids(mergeClips([clip('a', 1), clip('c', 3)], [clip('b', 2)]))).toEqual(['c', 'b', 'a']);
  });

  it('keeps one copy of each clip, the one already held', () => {
    const merged = mergeClips(
      [clip('a', 1, 'mine')],
      [clip('a', 1, 'theirs'), clip('a', 1, 'again')],
    );
    expect(merged).toEqual([clip('a', 1, 'mine')]);
  });

  it('orders clips of the same time by id, whatever order they came in', () => {
    const one = mergeClips([clip('b', 5)], [clip('a', 5), clip('c', 5)]);
    const other = mergeClips([clip('c', 5), clip('a', 5)], [clip('b', 5)]);
    expect(ids(one)).toEqual(['a', 'b', 'c']);
    expect(ids(other)).toEqual(ids(one));
  });

  it('keeps only the newest up to the cap', () => {
    const many = Array.from({ length: 250 }, (_, i) => clip(String(i).padStart(4, '0'), i));
    const merged = mergeClips([], many);
    expect(merged).toHaveLength(200);
    expect(merged[0]?.stamp).toBe(249);
    expect(merged.at(-1)?.stamp).toBe(50);
    expect(mergeClips(many, [], 3).map((c) => c.stamp)).toEqual([249, 248, 247]);
    expect(mergeClips(many, [], 0)).toEqual([]);
  });

  it("orders by causal stamp, whatever the senders' clocks said", () => {
    const yearAhead = Date.UTC(2027, 11, 1);
    const now = Date.UTC(2026, 11, 1);
    // Stamped in the order sent; the clocks say: a year ahead, 1970, now, beyond Date's range.
    const sent = [
      clip('ahead', yearAhead, 'ahead', yearAhead),
      clip('nineteen70', yearAhead + 1, 'nineteen70', 5_000),
      clip('now', yearAhead + 2, 'now', now),
      clip('far', yearAhead + 3, 'far', 8.64e15),
    ];
    expect(ids(mergeClips([], sent))).toEqual(['far', 'now', 'nineteen70', 'ahead']);
  });

  it("cuts the causally oldest at the cap, not the one whose sender's clock says 1970", () => {
    const full = Array.from({ length: 5 }, (_, i) => clip(`old${i}`, 1_000 + i));
    const late = clip('late', 2_000, 'late', 0);
    const merged = mergeClips(full, [late], 5);
    expect(ids(merged)).toEqual(['late', 'old4', 'old3', 'old2', 'old1']);
  });

  it('never cuts the clips it is told to keep, and cuts others in their place', () => {
    const held = Array.from({ length: 5 }, (_, i) => clip(`new${i}`, 100 + i));
    const merged = mergeClips(held, [clip('waiting', 1)], 3, new Set(['clip-waiting']));
    expect(ids(merged)).toEqual(['new4', 'new3', 'waiting']);
  });

  it('leaves its inputs untouched', () => {
    const history = [clip('a', 1)];
    const incoming = [clip('b', 2)];
    mergeClips(history, incoming);
    expect(ids(history)).toEqual(['a']);
    expect(ids(incoming)).toEqual(['b']);
  });
});

describe('missingIds', () => {
  it('lists the ids I lack, once each, in their order', () => {
    const mine = [clip('a', 1), clip('b', 2)];
    expect(missingIds(mine, ['clip-c', 'clip-a', 'clip-d', 'clip-c'])).toEqual([
      'clip-c',
      'clip-d',
    ]);
    expect(missingIds(mine, ['clip-a'])).toEqual([]);
    expect(missingIds([], [])).toEqual([]);
  });
});

describe('recentIds', () => {
  it('gives the ids of the newest clips', () => {
    const history = mergeClips([], [clip('a', 1), clip('b', 2), clip('c', 3)]);
    expect(recentIds(history, 2)).toEqual(['clip-c', 'clip-b']);
    expect(recentIds(history)).toEqual(['clip-c', 'clip-b', 'clip-a']);
    const long = Array.from({ length: 150 }, (_, i) => clip(String(i).padStart(4, '0'), -i));
    expect(recentIds(long)).toHaveLength(100);
  });
});
