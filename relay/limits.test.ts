import { describe, expect, it } from 'vitest';
import { Tally, TokenBucket } from './limits';

describe('TokenBucket', () => {
  it('allows a burst, then one token per 1/rate seconds', () => {
    const bucket = new TokenBucket(4, 2, 0);
    expect(bucket.take(0)).toBe(0);
    expect(bucket.take(0)).toBe(0);
    expect(bucket.take(0)).toBe(250);
    expect(bucket.take(100)).toBe(150);
    expect(bucket.take(250)).toBe(0);
  });

  it('never holds more than the burst, however long it idles', () => {
    const bucket = new TokenBucket(10, 1, 0);
    expect(bucket.take(60_000)).toBe(0);
    expect(bucket.take(60_000)).toBe(100);
  });

  it('does not refill when the clock goes backwards', () => {
    const bucket = new TokenBucket(1, 1, 1000);
    bucket.take(1000);
    expect(bucket.take(0)).toBe(1000);
  });
});

describe('Tally', () => {
  it('counts per key and forgets keys at zero', () => {
    const tally = new Tally();
    tally.add('a');
    tally.add('a');
    tally.remove('a');
    expect(tally.get('a')).toBe(1);
    tally.remove('a');
    expect(tally.get('a')).toBe(0);
  });
});
