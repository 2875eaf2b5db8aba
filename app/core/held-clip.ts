// A clip as this device holds it. Small clips are whole; a large clip, once on disk, keeps
// only its start in memory and its whole text is read back when needed (copy, send), so
// neither start-up nor a long session holds every clip's text.

import { type Clip, type ClipInfo, MAX_CLIP_CHARS } from './protocol';
import { safeEnd } from './text-ranges';

/** Clips up to this many characters stay whole in memory and in their record. */
export const WHOLE_CHARS = 16 * 1024;
/** The start of a larger clip kept in memory: what the history shows before "Show all". */
export const PREVIEW_CHARS = 2000;
/** Clips larger than this are not pulled by history exchange; the person fetches them. */
export const AUTO_FETCH_CHARS = 1024 * 1024;
/** The space a room's clips may take on this device unless the person sets another. */
export const DEFAULT_BUDGET_CHARS = 64 * 1024 * 1024;

export interface HeldClip extends Clip {
  /** Characters in the whole text; more than `text.length` when only its start is held. */
  size: number;
}

export function held(clip: Clip): HeldClip {
  return { ...clip, size: clip.text.length };
}

export function isWhole(clip: HeldClip): boolean {
  return clip.text.length === clip.size;
}

/** Only the start of a large clip; a small clip as it is. */
export function thin(clip: HeldClip): HeldClip {
  if (clip.size <= WHOLE_CHARS || !isWhole(clip)) return clip;
  return { ...clip, text: clip.text.slice(0, safeEnd(clip.text, PREVIEW_CHARS)) };
}

/** `clips` with those now on disk thinned; the very same list when none changed. */
export function thinStored(clips: HeldClip[], stored: ReadonlySet<string>): HeldClip[] {
  let changed = false;
  const thinned = clips.map((clip) => {
    const next = stored.has(clip.id) ? thin(clip) : clip;
    if (next !== clip) changed = true;
    return next;
  });
  return changed ? thinned : clips;
}

/** The clip as it goes to a peer, without what only this device keeps. */
export function wireClip({ size: _, ...clip }: HeldClip): Clip {
  return clip;
}

export function clipInfo(clip: HeldClip): ClipInfo {
  return { id: clip.id, from: clip.from, fromName: clip.fromName, at: clip.at, size: clip.size };
}

/**
 * The history with its oldest clips dropped until the room's clips fit the budget. Clips
 * still in the outbox are never dropped: they are on no other device yet.
 */
export function withinBudget(history: HeldClip[], outbox: HeldClip[], budget: number): HeldClip[] {
  const sizes = new Map<string, number>();
  for (const clip of [...history, ...outbox]) sizes.set(clip.id, clip.size);
  let total = 0;
  for (const size of sizes.values()) total += size;
  if (total <= budget) return history;
  const pending = new Set(outbox.map((clip) => clip.id));
  const dropped = new Set<string>();
  for (let i = history.length - 1; i >= 0 && total > budget; i--) {
    const clip = history[i] as HeldClip;
    if (pending.has(clip.id)) continue;
    dropped.add(clip.id);
    total -= clip.size;
  }
  return history.filter((clip) => !dropped.has(clip.id));
}

/** Why a clip of this many characters cannot be sent or kept here, or null. */
export function refusal(chars: number, budget: number): string | null {
  if (chars === 0) return 'There is nothing to send.';
  if (chars > MAX_CLIP_CHARS) {
    return `That clip is too large: the limit is ${mib(MAX_CLIP_CHARS)} of text.`;
  }
  if (chars > budget) {
    return `That clip is larger than the space this room may use on this device (${mib(budget)}). You can change it in Settings.`;
  }
  return null;
}

export function mib(chars: number): string {
  return `${Math.round((chars / (1024 * 1024)) * 10) / 10} MiB`;
}
