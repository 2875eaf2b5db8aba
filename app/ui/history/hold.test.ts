import { describe, expect, it } from 'vitest';
import { heldView } from './hold';

const clips = (...ids: string[]) => ids.map((id) => ({ id }));

describe('heldView', () => {
  it('shows every clip when nothing holds the list', () => {
    expect(heldView(clips('c', 'b', 'a'), null)).toEqual({
      shown: clips('c', 'b', 'a'),
      waiting: 0,
    });
  });

  it('keeps new clips waiting while held, so the clips shown do not move', () => {
    const view = heldView(clips('e', 'd', 'c', 'b', 'a'), new Set(['c', 'b', 'a']));
    expect(view.shown).toEqual(clips('c', 'b', 'a'));
    expect(view.waiting).toBe(2);
  });

  it('drops a held clip that was deleted, and counts no deleted clip as waiting', () => {
    const view = heldView(clips('d', 'c', 'a'), new Set(['c', 'b', 'a']));
    expect(view.shown).toEqual(clips('c', 'a'));
    expect(view.waiting).toBe(1);
  });

  it('shows each clip as it is now, not as it was when the hold began', () => {
    const now = [{ id: 'a', pending: false }];
    expect(heldView(now, new Set(['a'])).shown[0]).toBe(now[0]);
  });
});
