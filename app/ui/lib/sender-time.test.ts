import { describe, expect, it } from 'vitest';
import { senderTime } from './sender-time';

const NOW = Date.UTC(2026, 11, 1, 9);

describe('senderTime', () => {
  it('shows a time in words, in full, and for machines', () => {
    const time = senderTime(NOW - 120_000, NOW);
    expect(time?.relative).toBe('2 min ago');
    expect(time?.iso).toBe('2026-12-01T08:58:00.000Z');
    expect(time?.local).toBeTruthy();
  });

  it('shows the last time a Date holds, and a sender in 1970, without throwing', () => {
    expect(senderTime(8.64e15, NOW)?.iso).toBe('+275760-09-13T00:00:00.000Z');
    expect(senderTime(0, NOW)?.iso).toBe('1970-01-01T00:00:00.000Z');
  });

  it('gives no time for what no Date holds, instead of throwing', () => {
    for (const at of [8.64e15 + 1, 9e15, Number.NaN, Number.POSITIVE_INFINITY, -9e15]) {
      expect(senderTime(at, NOW)).toBeNull();
    }
    expect(senderTime(NOW, Number.NaN)?.iso).toBe('2026-12-01T09:00:00.000Z');
  });
});
