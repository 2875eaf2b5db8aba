// The seam between clip sync and the rest of the room: the link it sends through (the
// mesh), and what it is told and tells.

import type { Clip, PeerMessage } from './protocol';
import type { ClipStorage } from './saving';

export interface SyncLink {
  reachable(): string[];
  send(deviceId: string, message: PeerMessage): Promise<void>;
}

/** 'sent' for a clip sent from this device, whose own screen need not hurry; 'state' otherwise. */
export type SyncChange = 'state' | 'sent';

export interface SyncOptions {
  selfId: string;
  selfName(): string;
  link: SyncLink;
  storage: ClipStorage;
  cap?: number;
  onChange(change: SyncChange): void;
  /** A clip from another device arrived (for auto-copy). */
  onReceived?(clip: Clip): void;
  /** Characters the room's clips may take on this device. */
  budget?: number;
  /** Another tab of this browser: its receipt does not mean a clip has left this device. */
  sameBrowser?(deviceId: string): boolean;
}
