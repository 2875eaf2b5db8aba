import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RoomChange, RoomState } from '../../core/session-types';
import { type Page, paceRedraws } from './redraw';

/** A room whose state is a counter, and a page whose clock and frames the test moves. */
function setup(visible = true) {
  let version = 0;
  let listener: (change: RoomChange) => void = () => {};
  const room = {
    state: {
      get: () => ({ dropped: version }) as RoomState,
      subscribe: () => () => {},
    },
    onChange: (next: (change: RoomChange) => void) => {
      listener = next;
      return () => {
        listener = () => {};
      };
    },
  };
  const frames: Array<() => void> = [];
  const page: Page = {
    now: () => performance.now(),
    frame: (fn) => {
      if (!visible) return false;
      frames.push(fn);
      return true;
    },
  };
  const drawn: number[] = [];
  const stop = paceRedraws(room, (state) => drawn.push(state.dropped), page);
  const change = (kind: RoomChange = 'state') => {
    version += 1;
    listener(kind);
  };
  return { drawn, frames, change, stop };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('redraws', () => {
  it('show a change at once after a quiet spell, and within a frame while changes keep coming', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const { drawn, change, stop } = setup();
    expect(drawn).toEqual([0]);
    vi.advanceTimersByTime(1_000);
    change();
    await Promise.resolve();
    expect(drawn).toEqual([0, 1]);
    change();
    change();
    await Promise.resolve();
    expect(drawn).toEqual([0, 1]);
    vi.advanceTimersByTime(16);
    expect(drawn).toEqual([0, 1, 3]);
    stop();
  });

  it('show a clip sent here at the next frame, and at once when the page is hidden', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const shown = setup();
    vi.advanceTimersByTime(1_000);
    shown.change('sent');
    await Promise.resolve();
    expect(shown.drawn).toEqual([0]);
    for (const frame of shown.frames.splice(0)) frame();
    await Promise.resolve();
    expect(shown.drawn).toEqual([0, 1]);
    shown.stop();

    const hidden = setup(false);
    vi.advanceTimersByTime(1_000);
    hidden.change('sent');
    await Promise.resolve();
    expect(hidden.frames).toEqual([]);
    expect(hidden.drawn).toEqual([0, 1]);
    hidden.stop();
  });

  it('show progress alone less often, and sooner when another change comes', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const { drawn, change, stop } = setup();
    change('progress');
    vi.advanceTimersByTime(50);
    expect(drawn).toEqual([0]);
    vi.advanceTimersByTime(50);
    expect(drawn).toEqual([0, 1]);
    change('progress');
    vi.advanceTimersByTime(10);
    change('state');
    vi.advanceTimersByTime(6);
    expect(drawn).toEqual([0, 1, 3]);
    stop();
  });

  it('draw nothing once stopped', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const { drawn, change, stop } = setup();
    vi.advanceTimersByTime(1_000);
    stop();
    change();
    vi.advanceTimersByTime(1_000);
    await Promise.resolve();
    expect(drawn).toEqual([0]);
  });
});
