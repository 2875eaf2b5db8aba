import { describe, expect, it } from 'vitest';
import { field, isRecord } from './fields';

describe('reading outside objects', () => {
  it('takes plain objects only, never null or arrays', () => {
    expect([{}, { a: 1 }].map(isRecord)).toEqual([true, true]);
    expect([null, [], [1], 'x', 1, undefined].map(isRecord)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('reads own fields only, so inherited ones and __proto__ tricks find nothing', () => {
    const parsed = JSON.parse('{"__proto__":{"devices":["x"]},"id":"a"}') as Record<
      string,
      unknown
    >;
    expect(field(parsed, 'id')).toBe('a');
    expect(field(parsed, 'devices')).toBeUndefined();
    expect(field({}, 'toString')).toBeUndefined();
  });
});
