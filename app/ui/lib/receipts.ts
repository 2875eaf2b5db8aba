// Where a clip is: the short line under it ("on 2 devices"), and which devices hold it or
// are still waited for, by name.

import type { ClipView } from '../../core/session-types';

type ReceiptClip = Pick<ClipView, 'from' | 'fromName' | 'holders' | 'pending'>;

/** The devices a clip's receipt names: this one, and every other device in the room. */
export interface ReceiptDevices {
  self: { id: string; name: string };
  /** The other devices this one knows in the room, reachable or not, by id. */
  others: ReadonlyMap<string, string>;
}

export interface Receipt {
  /** The short line: "waiting to send", "on 2 devices". */
  label: string;
  /** Names of the devices that hold the clip, this one included. */
  holders: string[];
  /** Names of the devices a clip this device sent has not reached yet. */
  waiting: string[];
  /** All of it in one sentence, for a screen reader and a hover. */
  sentence: string;
}

export function receiptLabel(
  clip: Pick<ClipView, 'from' | 'holders' | 'pending'>,
  selfId: string,
): string {
  if (clip.pending) return 'waiting to send';
  const count = holderIds(clip, selfId).length;
  return count === 1 ? 'on 1 device' : `on ${count} devices`;
}

export function receipt(clip: ReceiptClip, devices: ReceiptDevices): Receipt {
  const { self, others } = devices;
  const held = holderIds(clip, self.id);
  const nameOf = (id: string): string => {
    if (id === self.id) return `${self.name} (this device)`;
    return others.get(id) ?? (id === clip.from ? clip.fromName : 'a device no longer listed');
  };
  const holders = held.map(nameOf);
  // Only the sender hears every receipt; another device would name holders it never heard of.
  const waiting =
    clip.from === self.id ? [...others.keys()].filter((id) => !held.includes(id)).map(nameOf) : [];
  return {
    label: receiptLabel(clip, self.id),
    holders,
    waiting,
    sentence: sentence(clip, holders, waiting),
  };
}

/** "Laptop", "Laptop and Phone", "Laptop, Phone and Tablet". */
export function nameList(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

// Holders leave out the sender; this device holds every clip it lists.
function holderIds(clip: Pick<ClipView, 'from' | 'holders'>, selfId: string): string[] {
  return [...new Set([clip.from, selfId, ...clip.holders])];
}

function sentence(clip: ReceiptClip, holders: string[], waiting: string[]): string {
  if (clip.pending) {
    return waiting.length > 0
      ? `Waiting to send to ${nameList(waiting)}.`
      : 'Waiting to send: no other device is in the room yet.';
  }
  const on = `On ${holders.length === 1 ? '1 device' : `${holders.length} devices`}: ${nameList(holders)}.`;
  return waiting.length > 0 ? `${on} Waiting for ${nameList(waiting)}.` : on;
}
