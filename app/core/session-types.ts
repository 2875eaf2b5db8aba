// What the ui sees of an open room. The session (room.ts) implements it.

import type { HeldClip } from './held-clip';
import type { DirectPath } from './link-path';
import type { OfferView } from './offers';
import type { IceInUse } from './relay-ice';
import type { Store } from './store';
import type { TransportStatus } from './transport/types';

/** How this device reaches a peer. 'relay' means the sealed fallback through the transport. */
export type PeerState = 'connecting' | 'direct' | 'turn' | 'relay' | 'lost';

/** The way clips go: a direct link (same network, through NAT, via TURN) or the sealed relay. */
export type LinkPath = DirectPath | 'relay';

export interface DeviceView {
  id: string;
  name: string;
  state: PeerState;
  /** Known while clips can reach the device. */
  path?: LinkPath;
  /** ms since epoch when we last heard from it. */
  lastSeen: number;
}

/** A clip as the ui sees it: `text` is only its start when `size` is larger. */
export interface ClipView extends HeldClip {
  /** Device ids known to hold this clip (delivery receipts), excluding its sender. */
  holders: string[];
  /** Waiting in the outbox: no device has acknowledged it yet. */
  pending: boolean;
}

/** A large clip moving in pieces. */
export interface TransferView {
  id: string;
  direction: 'in' | 'out';
  peer: string;
  done: number;
  total: number;
}

/** Clips a device could not be sent, kept and tried again with backoff. */
export interface Undelivered {
  /** Sends waiting for their next try (one per clip and device). */
  waiting: number;
  /** Sends refused so far. */
  refused: number;
  /** Receipts, offers, deletes and hellos that could not be sent; each goes again later. */
  unsent: number;
  /** Why the latest was refused, in the relay's words, while any is waiting. */
  detail?: string;
}

/** How saving the room's clips on this device goes. */
export interface StorageView {
  /** Clips shown here that a reload would not find. */
  unsaved: number;
  /** Writes were refused for want of space: the device's, or the room's budget. */
  full: boolean;
  /** Why another write failed, in the browser's words. */
  error?: string;
}

export type { OfferView, Store };

export interface RoomState {
  relay: TransportStatus;
  /** Plain words from the relay when it refused us or is unreachable. */
  relayDetail?: string;
  devices: DeviceView[];
  /** Newest first. */
  history: ClipView[];
  transfers: TransferView[];
  /** Sealed payloads that failed to open; many in a short time means tampering. */
  tampering: boolean;
  /** Another device speaks a newer protocol version. */
  newerVersion: boolean;
  /** Malformed messages dropped so far (from peers and the transport). */
  dropped: number;
  undelivered: Undelivered;
  /** Large clips other devices hold, fetched when the person asks. */
  offers: OfferView[];
  storage: StorageView;
}

/**
 * What kind of change: 'progress' of a transfer alone, 'sent' for a clip sent from this
 * device (its own screen may wait; the others wait for the clip), 'state' for anything else.
 */
export type RoomChange = 'state' | 'progress' | 'sent';

export type SendResult = { ok: true; id: string } | { ok: false; error: string };

export interface RoomSession {
  /** The 22-character room code. */
  readonly code: string;
  /** What the room shows now; its subscribers hear of every change as it happens, unpaced. */
  readonly state: Store<RoomState>;
  /** The STUN and TURN servers links use, for Settings to show. */
  readonly ice: Store<IceInUse>;
  /** Hears of every change and its kind; returns the way to stop. The ui decides when to draw. */
  onChange(listener: (change: RoomChange) => void): () => void;
  send(text: string): Promise<SendResult>;
  /** Deleted on every device of the room, for good. */
  deleteClip(id: string): Promise<void>;
  clearHistory(): Promise<void>;
  /** The whole text of a clip, which may have to be read from disk. */
  clipText(id: string): Promise<string | undefined>;
  /** Asks for an offered large clip; null, or why not in plain words. */
  fetchClip(id: string): Promise<string | null>;
  /** How many characters this room's clips may take on this device. */
  setBudget(chars: number): Promise<void>;
  /** Tells the other devices this device's new name. */
  rename(name: string): void;
  close(): void;
}
