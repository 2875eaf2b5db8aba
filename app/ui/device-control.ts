// Start-up, this device's name, and settings.

import type { Settings } from '../core/persist';
import {
  loadDeviceIdentity,
  loadSettings,
  roomBudget,
  saveDeviceName,
  saveSettings,
  setIdentitySlot,
} from '../core/persist';
import { claimTabSlot } from '../core/tab-slot';
import { defaultDeviceName } from './lib/device-name';
import { errorText } from './lib/error-text';
import { followHashChanges, refreshRooms, reopenRoom, showFirstRoom } from './room-control';
import { device, notice, room, roomError, session, settings } from './state';

export async function start(): Promise<void> {
  try {
    // Only the identity waits for the tab's slot: the database opens meanwhile.
    const [slot, loaded] = await Promise.all([claimTabSlot(), loadSettings(), refreshRooms()]);
    setIdentitySlot(slot);
    const name = defaultDeviceName(navigator.userAgent);
    device.value = await loadDeviceIdentity(slot === 0 ? name : `${name} (tab ${slot + 1})`);
    settings.value = loaded;
  } catch (cause) {
    roomError.value = `clipmesh could not read its saved data: ${errorText(cause)}`;
    return;
  }
  followHashChanges();
  await showFirstRoom();
}

export async function renameDevice(name: string): Promise<void> {
  const identity = device.value;
  if (!identity) return;
  device.value = { ...identity, name };
  session.value?.rename(name);
  try {
    device.value = await saveDeviceName(name);
  } catch (cause) {
    notice.value = `The new name works now but could not be saved: ${errorText(cause)}`;
  }
}

/** Saves settings; a new relay or forced-relay choice reconnects the room to take effect. */
export async function updateSettings(change: Partial<Settings>): Promise<void> {
  const current = settings.value;
  if (!current) return;
  const next = { ...current, ...change };
  settings.value = next;
  try {
    await saveSettings(next);
  } catch (cause) {
    notice.value = `Settings work for now but could not be saved: ${errorText(cause)}`;
  }
  if (next.roomSpaceMiB !== current.roomSpaceMiB) await session.value?.setBudget(roomBudget(next));
  const reconnect =
    next.relayUrl !== current.relayUrl ||
    next.forceRelay !== current.forceRelay ||
    next.iceServers !== current.iceServers;
  if (reconnect && room.value) await reopenRoom(room.value.code);
}
