import { describe, expect, it } from 'vitest';
import { mergeClips, missingIds, recentIds } from './history';
import type { Clip } from './protocol';

const clip = (id: string, at: number, text = id): Clip => ({
  id: `clip-${id}`,
  text,
  from: 'device-AAAA',
  fromName: 'Phone',
  at,
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
    expect(merged[0]?.at).toBe(249);
    expect(merged.at(-1)?.at).toBe(50);
    expect(mergeClips(many, [], 3).map((c) => c.at)).toEqual([249, 248, 247]);
    expect(mergeClips(many, [], 0)).toEqual([]);
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
