import { describe, expect, it } from 'vitest';
import { CLOCK_FLOOR, FUTURE_BOUND_MS, HybridClock, shownTime, validTime } from './clock';
import { MAX_STAMP, MAX_TIME } from './protocol';

const NOW = Date.UTC(2026, 11, 1, 9);
const YEAR = 365.25 * 24 * 60 * 60 * 1000;

/** A clock whose reading the test sets. */
function clockReading(ms: number) {
  const at = { ms };
  return { at, clock: new HybridClock(() => at.ms) };
}

describe('the hybrid clock', () => {
  it('stamps from its own time, one past it, and counts up within one reading', () => {
    const { clock } = clockReading(NOW);
    expect(clock.next()).toEqual({ stamp: NOW + 1, at: NOW });
    expect(clock.next()).toEqual({ stamp: NOW + 2, at: NOW });
  });

  it('a clock behind what it has seen stamps after what it has seen', () => {
    const { clock } = clockReading(5_000);
    expect(clock.see(NOW)).toBe(true);
    expect(clock.next()).toEqual({ stamp: NOW + 1, at: 5_000 });
  });

  it('a clock ahead stamps from its own time, and a clock behind follows it', () => {
    const ahead = clockReading(NOW + YEAR).clock;
    const behind = clockReading(NOW).clock;
    const first = ahead.next().stamp;
    expect(behind.see(first)).toBe(true);
    expect(behind.next().stamp).toBe(first + 1);
  });

  it('a clock that jumps back never stamps lower', () => {
    const { at, clock } = clockReading(NOW);
    const first = clock.next().stamp;
    at.ms = NOW - 86_400_000;
    const second = clock.next().stamp;
    expect(second).toBe(first + 1);
  });

  it('a reading out of range counts on from what was seen, and shows a time in range', () => {
    for (const [reading, shown] of [
      [Number.NaN, 0],
      [-1, 0],
      [Number.NEGATIVE_INFINITY, 0],
      [9e15, MAX_TIME],
      [Number.POSITIVE_INFINITY, MAX_TIME],
    ] as const) {
      const { clock } = clockReading(reading);
      expect(clock.next()).toEqual({ stamp: 1, at: shown });
      clock.see(NOW);
      expect(clock.next()).toEqual({ stamp: NOW + 1, at: shown });
    }
  });

  it('refuses stamps beyond its horizon and is not moved by them', () => {
    const { clock } = clockReading(NOW);
    expect(clock.horizon()).toBe(NOW + FUTURE_BOUND_MS);
    for (const far of [NOW + FUTURE_BOUND_MS + 1, MAX_TIME, MAX_STAMP]) {
      expect(clock.see(far)).toBe(false);
    }
    expect(clock.see(NOW + FUTURE_BOUND_MS)).toBe(true);
    expect(clock.next().stamp).toBe(NOW + FUTURE_BOUND_MS + 1);
  });

  it('never takes its own time as earlier than the floor, so a clock in 1970 follows today', () => {
    const { clock } = clockReading(0);
    expect(clock.horizon()).toBe(CLOCK_FLOOR + FUTURE_BOUND_MS);
    expect(clock.see(NOW + YEAR)).toBe(true);
    expect(clockReading(Number.NaN).clock.horizon()).toBe(CLOCK_FLOOR + FUTURE_BOUND_MS);
  });

  it('reads times in Date range only, and brings others into it to show', () => {
    expect(validTime(NOW + 0.5)).toBe(NOW);
    expect(validTime(MAX_TIME)).toBe(MAX_TIME);
    expect(validTime(MAX_TIME + 1)).toBeNull();
    expect(validTime(-1)).toBeNull();
    expect(validTime(Number.NaN)).toBeNull();
    expect(shownTime(1e20)).toBe(MAX_TIME);
    expect(shownTime(-3)).toBe(0);
    expect(shownTime(NOW)).toBe(NOW);
  });
});
