// The clips as the ui sees them. An unchanged clip keeps its last view, so the ui redraws
// only the clips that changed.

import type { HeldClip } from './held-clip';
import type { Holders } from './holders';
import type { ClipView } from './session-types';

export class ClipViews {
  private readonly views = new WeakMap<HeldClip, ClipView>();

  of(history: HeldClip[], outbox: HeldClip[], holders: Holders): ClipView[] {
    const pending = new Set(outbox.map((clip) => clip.id));
    return history.map((clip) => {
      const others = holders.of(clip.id).filter((id) => id !== clip.from);
      const last = this.views.get(clip);
      const same =
        last?.pending === pending.has(clip.id) &&
        last.holders.length === others.length &&
        last.holders.every((id, i) => id === others[i]);
      if (last && same) return last;
      const view = { ...clip, holders: others, pending: pending.has(clip.id) };
      this.views.set(clip, view);
      return view;
    });
  }
}
