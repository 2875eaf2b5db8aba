// When the room is drawn. The core says what changed and of what kind; this decides when the
// screen shows it. Many changes can land in one tick, or in many ticks at once (a burst of
// clips): a change shows at once after a quiet spell, and at most every REDRAW_MS while they
// keep coming.

import type { RoomChange, RoomSession, RoomState } from '../../core/session-types';

/**
 * The shortest time between two redraws while changes keep coming: about a frame. Longer,
 * and a clip, or a device turning direct, waits off screen behind the redraws before it.
 */
export const REDRAW_MS = 16;
/** Progress of a transfer alone redraws less often: each redraw slows the pieces coming in. */
export const PROGRESS_REDRAW_MS = 100;

/** The page's clock and frames, so tests can drive them. */
export interface Page {
  now(): number;
  /** Runs `fn` at the next frame; false, running nothing, when no frame will come (hidden). */
  frame(fn: () => void): boolean;
}

export const browserPage: Page = {
  now: () => performance.now(),
  frame(fn) {
    if (typeof requestAnimationFrame !== 'function' || document.visibilityState !== 'visible') {
      return false;
    }
    requestAnimationFrame(fn);
    return true;
  },
};

type Room = Pick<RoomSession, 'state' | 'onChange'>;

/** Draws the room now, then as its changes ask; returns the way to stop. */
export function paceRedraws(room: Room, draw: (state: RoomState) => void, page = browserPage) {
  let shownAt = Number.NEGATIVE_INFINITY;
  /** When the next redraw is due; none is scheduled while it is infinite. */
  let dueAt = Number.POSITIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const show = (): void => {
    clearTimeout(timer);
    dueAt = Number.POSITIVE_INFINITY;
    if (stopped) return;
    shownAt = page.now();
    draw(room.state.get());
  };
  const soon = (gapMs: number): void => {
    const now = page.now();
    const at = Math.max(now, shownAt + gapMs);
    if (at >= dueAt) return;
    // A change that cannot wait moves a slower redraw already scheduled forward.
    dueAt = at;
    clearTimeout(timer);
    if (at <= now) queueMicrotask(show);
    else timer = setTimeout(show, at - now);
  };
  const onChange = (change: RoomChange): void => {
    // A clip sent from here shows at the next frame, as it would anyway: until then the cores
    // are free to put it on the wire. Hidden, no frame comes, so it redraws as any change.
    if (change === 'sent' && page.frame(() => soon(REDRAW_MS))) return;
    soon(change === 'progress' ? PROGRESS_REDRAW_MS : REDRAW_MS);
  };

  const unsubscribe = room.onChange(onChange);
  show();
  return (): void => {
    stopped = true;
    clearTimeout(timer);
    unsubscribe();
  };
}
