import { describe, expect, it } from 'vitest';
import { ClipGroups } from './clip-groups';

interface Item {
  id: string;
}

/** A history of `ids` newest first, as objects kept across calls like the app's clip views. */
function items() {
  const made = new Map<string, Item>();
  return (ids: string[]): Item[] =>
    ids.map((id) => {
      let item = made.get(id);
      if (!item) {
        item = { id };
        made.set(id, item);
      }
      return item;
    });
}

const ids = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `c${String(to - i).padStart(3, '0')}`);

describe('clip groups', () => {
  it('keeps the history order and puts every clip in exactly one group', () => {
    const history = items()(ids(1, 45));
    const groups = new ClipGroups<Item>(10).group(history);
    expect(groups.flatMap((group) => group.clips)).toEqual(history);
    expect(groups.map((group) => group.clips.length)).toEqual([5, 10, 10, 10, 10]);
  });

  it('a new clip changes the newest group only; the others keep their arrays', () => {
    const make = items();
    const groups = new ClipGroups<Item>(10);
    const before = groups.group(make(ids(1, 25)));
    const after = groups.group(make(ids(1, 26)));
    expect(after.map((group) => group.key)).toEqual(before.map((group) => group.key));
    expect(after[0]?.clips).not.toBe(before[0]?.clips);
    expect(after.slice(1).map((group) => group.clips)).toEqual(before.slice(1).map((g) => g.clips));
    for (let i = 1; i < after.length; i++) expect(after[i]?.clips).toBe(before[i]?.clips);
  });

  it('a full newest group stays as it is and a new group begins', () => {
    const make = items();
    const groups = new ClipGroups<Item>(10);
    const before = groups.group(make(ids(1, 20)));
    const after = groups.group(make(ids(1, 21)));
    expect(after).toHaveLength(3);
    expect(after[0]?.clips.map((item) => item.id)).toEqual(['c021']);
    expect(after[1]?.clips).toBe(before[0]?.clips);
    expect(after[2]?.clips).toBe(before[1]?.clips);
  });

  it('the cap taking the oldest clip changes the oldest group only', () => {
    const make = items();
    const groups = new ClipGroups<Item>(10);
    const before = groups.group(make(ids(1, 30)));
    const after = groups.group(make(ids(2, 31)));
    expect(after.map((group) => group.key)).toEqual(['c031', ...before.map((g) => g.key)]);
    expect(after.at(-1)?.clips.map((item) => item.id)).toEqual(ids(2, 10));
    expect(after[1]?.clips).toBe(before[0]?.clips);
    expect(after[2]?.clips).toBe(before[1]?.clips);
  });

  it('a clip arriving in the middle changes the group it lands in, and at most one more', () => {
    const make = items();
    const groups = new ClipGroups<Item>(10);
    const history = ids(1, 40).filter((id) => id !== 'c015');
    const before = groups.group(make(history));
    const after = groups.group(make(ids(1, 40)));
    expect(after.flatMap((group) => group.clips.map((item) => item.id))).toEqual(ids(1, 40));
    const kept = after.filter((group) => before.some((old) => old.clips === group.clips));
    expect(kept.length).toBeGreaterThanOrEqual(after.length - 2);
  });

  it('forgets clips that left the history', () => {
    const make = items();
    const groups = new ClipGroups<Item>(10);
    groups.group(make(ids(1, 30)));
    groups.group([]);
    const again = groups.group(make(ids(1, 5)));
    expect(again.map((group) => group.clips.length)).toEqual([5]);
  });
});
