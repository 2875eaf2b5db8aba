// One-tap copy with feedback: "Copied" for a moment, or a plain message when refused.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export type CopyState = 'idle' | 'copied' | 'failed';

const COPIED_MS = 2000;

export function useCopy(): [CopyState, (text: string) => Promise<void>] {
  const [state, setState] = useState<CopyState>('idle');
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const copy = useCallback(async (text: string) => {
    window.clearTimeout(timer.current);
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
      timer.current = window.setTimeout(() => setState('idle'), COPIED_MS);
    } catch {
      setState('failed');
    }
  }, []);

  return [state, copy];
}

export const COPY_FAILED =
  'This browser did not allow copying. Select the text and copy it with Ctrl+C (or long-press).';
