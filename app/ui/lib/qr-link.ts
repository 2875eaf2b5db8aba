// Which of the QR codes a camera or an image showed names a clipmesh room.

import { parseJoinInput } from '../../core/link';

export const NOT_A_ROOM_LINK = 'That QR code is not a clipmesh room link.';
export const NO_QR_FOUND = 'No QR code was found in that image. Try a sharper, closer picture.';

export type ScannedRoom =
  | { ok: true; link: string }
  | { ok: false; error: typeof NOT_A_ROOM_LINK | typeof NO_QR_FOUND };

// clipmesh draws whole links; 22 stray characters in some other QR code are not a room.
function isRoomLink(text: string): boolean {
  return text.includes('#') && parseJoinInput(text).ok;
}

/** The first decoded text that is a room link; a refusal when none is. */
export function findRoomLink(texts: readonly string[]): ScannedRoom {
  if (texts.length === 0) return { ok: false, error: NO_QR_FOUND };
  const link = texts.find(isRoomLink);
  return link === undefined ? { ok: false, error: NOT_A_ROOM_LINK } : { ok: true, link };
}
