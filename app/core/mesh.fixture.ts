// Helpers for the mesh tests: meshes over the in-memory hub, with links that never open.

import { vi } from 'vitest';
import { deriveRoomKeys } from './keys';
import { Mesh } from './mesh';
import type { PeerLink, PeerOptions } from './peer';
import type { PeerMessage } from './protocol';
import { Sealer } from './sealed';
import type { TransferView } from './session-types';
import type { MemoryHub } from './transport/memory';
import type { Transport } from './transport/types';

export const SECRET = new Uint8Array(16).fill(7);
export const OTHER_SECRET = new Uint8Array(16).fill(9);

/** A direct link that never opens, so every message takes the sealed relay fallback. */
export function closedLink(): PeerLink {
  return {
    isOpen: false,
    maxMessageSize: 65_536,
    handleDescription: async () => {},
    handleCandidate: async () => {},
    send: async () => {
      throw new Error('not open');
    },
    route: async () => 'lan',
    close: () => {},
  };
}

export interface TestDevice {
  id: string;
  mesh: Mesh;
  received: Array<{ from: string; message: PeerMessage }>;
  reachable: string[];
  /** Progress reported, either way. */
  transfers: TransferView[];
}

const meshes: Mesh[] = [];

/** Closes every mesh made since the last call (run after each test). */
export function closeMeshes(): void {
  for (const mesh of meshes.splice(0)) mesh.close();
}

export async function join(
  hub: MemoryHub,
  id: string,
  options: {
    secret?: Uint8Array;
    roomId?: string;
    maxPeers?: number;
    createPeer?: (options: PeerOptions) => PeerLink;
    /** False lets real links open directly; by default they need TURN, and there is none. */
    forceRelay?: boolean;
    /** Stands between the mesh and the hub: a relay that refuses, or reorders. */
    wrap?: (transport: Transport) => Transport;
  } = {},
): Promise<TestDevice> {
  const keys = await deriveRoomKeys(options.secret ?? SECRET);
  const roomId = options.roomId ?? keys.roomId;
  const device: TestDevice = {
    id,
    mesh: undefined as unknown as Mesh,
    received: [],
    reachable: [],
    transfers: [],
  };
  device.mesh = new Mesh({
    selfId: id,
    selfName: `${id} name`,
    transport: (options.wrap ?? ((transport) => transport))(
      hub.connect({ roomId, deviceId: id, deviceKey: `${id}-key-0123456789` }),
    ),
    sealer: new Sealer(keys.sealKey, roomId, id),
    iceServers: [],
    forceRelay: options.forceRelay ?? true,
    fallbackAfterMs: 10,
    maxPeers: options.maxPeers,
    createPeer: options.createPeer ?? closedLink,
    onMessage: (from, message) => device.received.push({ from, message }),
    onReachable: (deviceId) => device.reachable.push(deviceId),
    onTransfer: (transfer) => device.transfers.push(transfer),
    onChange: () => {},
  });
  meshes.push(device.mesh);
  return device;
}

export async function until(check: () => boolean, what: string): Promise<void> {
  await vi.waitFor(
    () => {
      if (!check()) throw new Error(`still waiting: ${what}`);
    },
    { timeout: 3_000, interval: 5 },
  );
}
