// Auto-copy: a clip arriving from another device goes straight to the clipboard
// while this page has focus. Browsers may refuse; then the Copy buttons remain.

import type { Clip } from '../core/protocol';
import { autoCopiedId, settings } from './state';

// Clips of one catch-up burst arrive in any order; only the newest, by causal stamp, wins.
let newestStamp = 0;

export function autoCopy(clip: Clip): void {
  if (!settings.value?.autoCopy || !document.hasFocus() || clip.stamp < newestStamp) return;
  newestStamp = clip.stamp;
  navigator.clipboard.writeText(clip.text).then(
    () => {
      autoCopiedId.value = clip.id;
    },
    // Refusal is expected without a recent tap; the one-tap button is the fallback.
    () => undefined,
  );
}
