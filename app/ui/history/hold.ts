// The history holds still while a person reaches into it: clips that arrive meanwhile wait
// above the list instead of pushing the clip under the pointer (or keyboard focus) away.

import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';

/** How long a resting pointer keeps the list still after it last moved. */
export const HOLD_MS = 1_500;

interface Identified {
  id: string;
}

export interface HeldView<T> {
  /** What the list shows: the clips it showed when the hold began, as they are now. */
  shown: T[];
  /** Clips that arrived during the hold, not shown yet. */
  waiting: number;
}

/** `kept` is null when nothing holds the list: everything shows. */
export function heldView<T extends Identified>(
  clips: readonly T[],
  kept: ReadonlySet<string> | null,
): HeldView<T> {
  if (!kept) return { shown: [...clips], waiting: 0 };
  const shown: T[] = [];
  let waiting = 0;
  for (const clip of clips) {
    if (kept.has(clip.id)) shown.push(clip);
    else waiting++;
  }
  return { shown, waiting };
}

export interface Hold {
  kept: ReadonlySet<string> | null;
  /** Handlers for the element that holds the list (and the "new clips" button). */
  handlers: {
    onPointerEnter(event: PointerEvent): void;
    onPointerMove(event: PointerEvent): void;
    onPointerDown(event: PointerEvent): void;
    onPointerUp(event: PointerEvent): void;
    onPointerLeave(event: PointerEvent): void;
    onFocusIn(event: FocusEvent): void;
    onFocusOut(event: FocusEvent): void;
  };
  /** Shows the clips that waited, keeping the list held. */
  showWaiting(): void;
}

/** Holds while a pointer moved in the last HOLD_MS, is pressed, or keyboard focus is inside. */
export function useHold(ids: () => string[]): Hold {
  const kept = useSignal<ReadonlySet<string> | null>(null);
  const state = useRef({ lastMove: 0, pressed: false, focused: false, timer: 0 });
  const snapshot = () => new Set(ids());

  const release = () => {
    const s = state.current;
    clearTimeout(s.timer);
    s.timer = 0;
    if (!s.pressed && !s.focused) kept.value = null;
  };
  const checkRest = () => {
    const s = state.current;
    const rested = performance.now() - s.lastMove;
    if (rested >= HOLD_MS) release();
    else s.timer = window.setTimeout(checkRest, HOLD_MS - rested);
  };
  const hold = () => {
    const s = state.current;
    s.lastMove = performance.now();
    if (!kept.value) kept.value = snapshot();
    if (!s.timer) s.timer = window.setTimeout(checkRest, HOLD_MS);
  };
  useEffect(() => () => clearTimeout(state.current.timer), []);

  return {
    kept: kept.value,
    handlers: {
      onPointerEnter: hold,
      onPointerMove: hold,
      onPointerDown: () => {
        state.current.pressed = true;
        hold();
      },
      onPointerUp: () => {
        state.current.pressed = false;
        hold();
      },
      onPointerLeave: () => {
        state.current.pressed = false;
        state.current.lastMove = 0;
        release();
      },
      onFocusIn: (event) => {
        // Focus a click leaves on a button is not a person working by keyboard.
        if (!(event.target as Element).matches?.(':focus-visible')) return;
        state.current.focused = true;
        if (!kept.value) kept.value = snapshot();
      },
      onFocusOut: (event) => {
        const list = event.currentTarget as Element;
        if (list.contains(event.relatedTarget as Node | null)) return;
        state.current.focused = false;
        if (performance.now() - state.current.lastMove >= HOLD_MS) release();
      },
    },
    showWaiting: () => {
      kept.value = snapshot();
    },
  };
}
