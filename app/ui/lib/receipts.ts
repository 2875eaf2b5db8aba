// The delivery line under a clip: "waiting to send", "on 2 devices".

import type { ClipView } from '../../core/session-types';

export function receiptLabel(
  clip: Pick<ClipView, 'from' | 'holders' | 'pending'>,
  selfId: string,
): string {
  if (clip.pending) return 'waiting to send';
  // Holders leave out the sender; this device holds every clip it lists.
  const count = new Set([clip.from, selfId, ...clip.holders]).size;
  return count === 1 ? 'on 1 device' : `on ${count} devices`;
}
