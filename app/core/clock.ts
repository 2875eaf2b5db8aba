// The causal clock clips are ordered by, a hybrid logical clock: each stamp is
// max(this device's clock, the highest stamp it has seen) + 1, so a clip sent after another
// was seen always sorts newer, whatever any wall clock says.

import { MAX_STAMP, MAX_TIME } from './protocol';

const YEAR_MS = 365.25 * 24 * 60 * 60 * 1000;
/** No real clock reads earlier than the day this line was written; one that does is wrong. */
export const CLOCK_FLOOR = Date.UTC(2026, 11, 1);
/**
 * How far past this device's time (never taken as earlier than CLOCK_FLOOR) a stamp may lie and
 * still move its clock. Ten years lets a clock that runs a year or two ahead be followed; a
 * stamp beyond is refused, so no sender can pin clips on top or push the clock to MAX_STAMP.
 */
export const FUTURE_BOUND_MS = 10 * YEAR_MS;

/** A clock reading as whole ms in Date's range, or null: NaN, negative or past it is no time. */
export function validTime(reading: number): number | null {
  return Number.isFinite(reading) && reading >= 0 && reading <= MAX_TIME
    ? Math.floor(reading)
    : null;
}

/** A clock reading brought into Date's range, to show: NaN and negative read as 0. */
export function shownTime(reading: number): number {
  if (Number.isNaN(reading) || reading < 0) return 0;
  return Math.floor(Math.min(reading, MAX_TIME));
}

export class HybridClock {
  private highest = 0;

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** A stamp newer than every stamp seen, and the time to show with it. */
  next(): { stamp: number; at: number } {
    const reading = this.now();
    // A clock with no valid time counts on from what this device has seen, as if it read 0.
    const stamp = Math.min(Math.max(validTime(reading) ?? 0, this.highest) + 1, MAX_STAMP);
    this.highest = stamp;
    return { stamp, at: shownTime(reading) };
  }

  /** Takes in a stamp seen; false, leaving the clock as it was, when it lies beyond `horizon`. */
  see(stamp: number): boolean {
    if (stamp > this.horizon()) return false;
    if (stamp > this.highest) this.highest = stamp;
    return true;
  }

  /** The latest stamp this device takes in now. */
  horizon(): number {
    return Math.max(validTime(this.now()) ?? 0, CLOCK_FLOOR) + FUTURE_BOUND_MS;
  }
}
