// App state as module-level signals. Components read these; actions in room-control.ts,
// device-control.ts and auto-copy.ts write them.

import { computed, signal } from '@preact/signals';
import type { DeviceRecord, RoomRecord, Settings } from '../core/persist';
import type { RoomSession, RoomState } from '../core/session-types';

/** The room this page shows. */
export interface ShownRoom {
  code: string;
  name: string;
  /** The link another device opens (or scans) to join. */
  link: string;
  /** This device has nothing of the room saved yet, so it opens with no clips. */
  fresh: boolean;
}

export const device = signal<DeviceRecord | null>(null);
export const settings = signal<Settings | null>(null);
/** Remembered rooms, most recently used first. */
export const rooms = signal<RoomRecord[]>([]);
export const room = signal<ShownRoom | null>(null);
export const session = signal<RoomSession | null>(null);
export const roomState = signal<RoomState | null>(null);
/** Why the room could not be opened, in plain words. */
export const roomError = signal<string | null>(null);
/** Something went wrong that does not stop the room, in plain words. */
export const notice = signal<string | null>(null);
/** Times a part of the page failed to draw and showed "Try again" instead (ui/region). */
export const drawFailures = signal(0);
/** The clip auto-copy last put on the clipboard. */
export const autoCopiedId = signal<string | null>(null);

/**
 * Whether the room's clips and join section show. A fresh room shows before it opens: no clips
 * will load into it, so nothing below them moves when it does.
 */
export const roomShown = computed(
  () => roomState.value !== null || (room.value?.fresh === true && roomError.value === null),
);

/** The other devices in the room (never this one). */
export const peers = computed(() => {
  const self = device.value?.id;
  return roomState.value?.devices.filter((peer) => peer.id !== self) ?? [];
});

/** The newest clip sent by another device: the one a person most likely wants. */
export const latestReceived = computed(() => {
  const self = device.value?.id;
  return roomState.value?.history.find((clip) => clip.from !== self);
});
