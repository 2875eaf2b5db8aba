// Opening a room as this terminal device: its identity and slot, the relay to use, the
// room remembered in the store, and the core's openRoom over node-datachannel.

import { hostname } from 'node:os';
import { roomClipStorage } from '../app/core/clip-store';
import { roomCode } from '../app/core/link';
import {
  listRooms,
  loadDeviceIdentity,
  loadSettings,
  rememberRoom,
  saveDeviceName,
  setIdentitySlot,
} from '../app/core/persist';
import type { Clip } from '../app/core/protocol';
import { openRoom } from '../app/core/room';
import type { RoomSession } from '../app/core/session-types';
import type { Options, Target } from './args';
import type { FileStore } from './file-store';
import { claimSlot } from './home';
import { closeWebRtc, installWebRtc } from './webrtc';

export interface OpenedRoom {
  session: RoomSession;
  relayUrl: string;
  deviceName: string;
  /** Closes the room, lets pending writes land and frees the identity slot. */
  close(): Promise<void>;
}

export class UsageError extends Error {}

export interface CliRoomOptions {
  home: string;
  store: FileStore;
  target: Target;
  options: Options;
  onReceived?(clip: Clip): void;
}

/** The relay: --relay, else the link's, else the one this room was last used with. */
export async function relayFor(
  target: Target,
  options: Options,
  store: FileStore,
): Promise<string> {
  if (options.relayUrl) return options.relayUrl;
  if (target.relayUrl) return target.relayUrl;
  const code = roomCode(target.secret);
  const known = (await listRooms(store)).find((room) => room.code === code)?.relayUrl;
  const setting = (await loadSettings(store)).relayUrl;
  const relayUrl = known ?? setting;
  if (!relayUrl) {
    throw new UsageError(
      'A bare room code does not say which relay to use: give the whole link, or add --relay URL.',
    );
  }
  return relayUrl;
}

export async function openCliRoom({
  home,
  store,
  target,
  options,
  onReceived,
}: CliRoomOptions): Promise<OpenedRoom> {
  const relayUrl = await relayFor(target, options, store);
  installWebRtc();
  const slot = claimSlot(home);
  try {
    setIdentitySlot(slot.slot);
    let identity = await loadDeviceIdentity(`${hostname()} terminal`, store);
    if (options.name && options.name !== identity.name) {
      identity = await saveDeviceName(options.name, store);
    }
    const code = roomCode(target.secret);
    const settings = await loadSettings(store);
    await rememberRoom({ code, relayUrl }, store);
    const session = await openRoom({
      secret: target.secret,
      relayUrl,
      identity,
      iceServers: options.iceServers ?? settings.iceServers,
      forceRelay: settings.forceRelay,
      storage: roomClipStorage(code, identity.id, store),
      onReceived,
    });
    return {
      session,
      relayUrl,
      deviceName: identity.name,
      async close() {
        session.close();
        // close() starts the last write and the data channels' close, each by the next tick.
        await new Promise((resolve) => setImmediate(resolve));
        closeWebRtc();
        await store.idle();
        slot.release();
      },
    };
  } catch (error) {
    slot.release();
    throw error;
  }
}
