// When the sender's clock said a clip was sent: shown to people, never used to order clips.

import { relativeTime } from './relative-time';

export interface SenderTime {
  /** For the `dateTime` attribute. */
  iso: string;
  /** The full date and time, in this device's locale. */
  local: string;
  /** "2 min ago". */
  relative: string;
}

/** Null when `at` is no time a Date can hold, whatever a peer sent. */
export function senderTime(at: number, now: number): SenderTime | null {
  const date = new Date(at);
  if (!Number.isFinite(date.getTime())) return null;
  return { iso: date.toISOString(), local: date.toLocaleString(), relative: relativeTime(at, now) };
}
