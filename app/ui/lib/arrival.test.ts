import { describe, expect, it } from 'vitest';
import { takeNewArrival } from './arrival';

const clip = (id: string, from: string) => ({ id, from });

describe('takeNewArrival', () => {
  it('takes the newest unseen clip from another device', () => {
    const seen = new Set(['old']);
    const history = [clip('b', 'phone'), clip('a', 'phone'), clip('old', 'phone')];
    expect(takeNewArrival(history, seen, 'me')).toEqual(clip('b', 'phone'));
    expect([...seen].sort()).toEqual(['a', 'b', 'old']);
  });

  it('ignores clips this device sent', () => {
    const seen = new Set<string>();
    expect(takeNewArrival([clip('mine', 'me'), clip('theirs', 'phone')], seen, 'me')).toEqual(
      clip('theirs', 'phone'),
    );
  });

  it('takes nothing twice', () => {
    const seen = new Set<string>();
    const history = [clip('a', 'phone')];
    takeNewArrival(history, seen, 'me');
    expect(takeNewArrival(history, seen, 'me')).toBeUndefined();
  });
});
