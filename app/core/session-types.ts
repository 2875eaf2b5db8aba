// What the ui sees of an open room. The session (room.ts) implements it.

import type { DirectPath } from './link-path';
import type { Clip } from './protocol';
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

export interface ClipView extends Clip {
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
}

export type SendResult = { ok: true; id: string } | { ok: false; error: string };

export interface RoomSession {
  /** The 22-character room code. */
  readonly code: string;
  readonly state: Store<RoomState>;
  /** The STUN and TURN servers links use, for Settings to show. */
  readonly ice: Store<IceInUse>;
  send(text: string): Promise<SendResult>;
  deleteClip(id: string): Promise<void>;
  clearHistory(): Promise<void>;
  /** Tells the other devices this device's new name. */
  rename(name: string): void;
  close(): void;
}
