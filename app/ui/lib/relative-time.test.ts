import { describe, expect, it } from 'vitest';
import { relativeTime } from './relative-time';

const now = Date.UTC(2025, 5, 15, 12, 0, 0);
const ago = (ms: number) => relativeTime(now - ms, now);

describe('relativeTime', () => {
  it('says "just now" for the last minute', () => {
    expect(ago(0)).toBe('just now');
    expect(ago(59_999)).toBe('just now');
  });

  it('treats a time in the future (a fast peer clock) as just now', () => {
    expect(ago(-30_000)).toBe('just now');
  });

  it('counts whole minutes, then hours', () => {
    expect(ago(60_000)).toBe('1 min ago');
    expect(ago(2 * 60_000 + 30_000)).toBe('2 min ago');
    expect(ago(59 * 60_000)).toBe('59 min ago');
    expect(ago(60 * 60_000)).toBe('1 h ago');
    expect(ago(23 * 3_600_000)).toBe('23 h ago');
  });

  it('counts days for the last week', () => {
    expect(ago(24 * 3_600_000)).toBe('yesterday');
    expect(ago(3 * 24 * 3_600_000)).toBe('3 days ago');
  });

  it('gives a date after a week', () => {
    expect(ago(8 * 24 * 3_600_000)).toBe(new Date(now - 8 * 24 * 3_600_000).toLocaleDateString());
  });
});
