// An open room: keys, transports, the mesh and clip sync, wired together and
// exposed to the ui as one RoomSession. It says what changed; the ui decides when to draw.

import { roomClipStorage } from './clip-store';
import type { RelayIceServers } from './ice-servers';
import { type DeviceIdentity, deriveRoomKeys, relayKey } from './keys';
import { roomCode } from './link';
import { Mesh } from './mesh';
import type { Clip } from './protocol';
import type { RelayIce } from './relay-ice';
import { askIceOnOpen, iceFor, type RoomIce } from './room-ice';
import type { ClipStorage } from './saving';
import { localSealMemory, type SealMemory } from './seal-memory';
import { Sealer } from './sealed';
import type { RoomChange, RoomSession, RoomState, TransferView } from './session-types';
import { ClipSync } from './sync';
import type { SyncChange } from './sync-link';
import { createBroadcastTransport, type LeaveSource } from './transport/broadcast';
import { combineTransports } from './transport/multi';
import type { WakeSource } from './transport/relay-stream';
import { createRelayTransport } from './transport/sse';
import type { Transport, TransportOptions } from './transport/types';

export interface OpenRoomOptions {
  secret: Uint8Array;
  relayUrl: string;
  identity: DeviceIdentity & { name: string };
  /** Exactly these servers, asking the relay for none (tests: none at all). */
  iceServers?: RTCIceServer[];
  /** A person's own STUN and TURN servers, used before the relay's. */
  ownIceServers?: RTCIceServer[];
  /** No direct links: every clip goes through the sealed relay fallback. */
  forceRelay?: boolean;
  maxPeers?: number;
  /** Meet in this relay room instead of the derived one; sealing still binds the derived id. */
  relayRoomId?: string;
  /** Streams of pieces idle this long are freed. */
  partTimeoutMs?: number;
  /** Tests pass their own; the default is the relay plus BroadcastChannel for sibling tabs. */
  transport?: (options: TransportOptions) => Transport;
  storage?: ClipStorage;
  /** Where sealing counters and replay state outlive the page; default localStorage. */
  sealMemory?: SealMemory;
  /** Characters this room's clips may take on this device. */
  budget?: number;
  /** Ids of this browser's devices (its tabs), read again as devices connect. */
  browserDevices?(): Promise<string[]>;
  /** What wakes a relay stream that has stopped trying often (the page's events). */
  wake?: WakeSource;
  /** What tells that the page may be going, so this browser's other tabs hear it at once. */
  leaving?: LeaveSource;
  /** Siblings of `relayUrl` remembered from before, tried when it cannot be reached. */
  knownRelays?: readonly string[];
  /** `relayUrl` advertised a sibling not known before; here are all of them. */
  onRelays?(siblings: string[]): void;
  /** A clip from another device arrived. */
  onReceived?(clip: Clip): void;
  /** The room is listening for other devices; its saved clips may still be loading. */
  onConnecting?(): void;
}

export async function openRoom(options: OpenRoomOptions): Promise<RoomSession> {
  const [{ roomId, sealKey }, deviceKey] = await Promise.all([
    deriveRoomKeys(options.secret),
    // Each relay gets a key of its own: a relay named in a scanned link learns no other's.
    relayKey(options.identity, options.relayUrl),
  ]);
  const code = roomCode(options.secret);
  const identity = { ...options.identity };
  const listeners = new Set<(change: RoomChange) => void>();
  const emit = (change: RoomChange): void => {
    for (const listener of listeners) listener(change);
  };
  const transportOptions: TransportOptions = {
    roomId: options.relayRoomId ?? roomId,
    deviceId: identity.id,
    deviceKey,
    // Counted with what the mesh dropped.
    onDrop: () => emit('state'),
  };
  const ice = iceFor(options, transportOptions);
  const relayTransport = (options.transport ?? defaultTransport(options, ice.relay))(
    transportOptions,
  );
  const transport = ice.relay ? askIceOnOpen(relayTransport, ice.relay) : relayTransport;
  const siblings = browserSiblings(options.browserDevices);
  // Until the mesh exists, nothing reaches sync and there is nothing to show.
  let mesh: Mesh | undefined;
  const sync = new ClipSync({
    selfId: identity.id,
    selfName: () => identity.name,
    link: {
      reachable: () => mesh?.reachable() ?? [],
      send: (id, message) =>
        mesh ? mesh.send(id, message) : Promise.reject(new Error('not ready')),
    },
    storage: options.storage ?? roomClipStorage(code, identity.id),
    budget: options.budget,
    sameBrowser: siblings.has,
    onChange: (change: SyncChange) => emit(change),
    onReceived: options.onReceived,
  });
  // The relay subscription does not wait for the history to come off the disk: what
  // arrives meanwhile reaches sync once it has loaded, in order.
  const loaded = Promise.all([sync.load(), siblings.read()]);
  const sealer = new Sealer(
    sealKey,
    roomId,
    identity.id,
    options.sealMemory ?? localSealMemory(`clipmesh/seal/${roomId}/${identity.id}`),
  );
  const transfers = new Map<string, TransferView>();
  const room = { sync, transport, transfers, emit, loaded, readSiblings: siblings.read, ice };
  mesh = createMesh(options, identity, sealer, room);
  options.onConnecting?.();
  try {
    await loaded;
  } catch (cause) {
    ice.relay?.close();
    mesh.close();
    throw cause;
  }
  return session(code, identity, { ...room, mesh }, listeners);
}

interface RoomParts {
  sync: ClipSync;
  transport: Transport;
  transfers: Map<string, TransferView>;
  emit(change: RoomChange): void;
  /** Sync's saved clips are loaded. */
  loaded: Promise<unknown>;
  readSiblings(): Promise<void>;
  ice: RoomIce;
}

/** The mesh, handing what arrives to sync once its saved clips are loaded. */
function createMesh(
  options: OpenRoomOptions,
  identity: { id: string; name: string },
  sealer: Sealer,
  { sync, transport, transfers, emit, loaded, readSiblings, ice }: RoomParts,
): Mesh {
  return new Mesh({
    selfId: identity.id,
    selfName: identity.name,
    transport,
    sealer,
    iceServers: ice.servers,
    forceRelay: options.forceRelay ?? false,
    maxPeers: options.maxPeers,
    partTimeoutMs: options.partTimeoutMs,
    onMessage: (from, message) => void loaded.then(() => sync.onMessage(from, message)),
    // A tab opened since is known by the time it connects.
    onReachable: (deviceId) =>
      void loaded.then(readSiblings).then(() => sync.onReachable(deviceId)),
    onTransfer: (transfer) => emit(track(transfers, transfer)),
    onChange: () => emit('state'),
  });
}

/** The room as the ui holds it. */
function session(
  code: string,
  identity: { name: string },
  room: OpenedRoom,
  listeners: Set<(change: RoomChange) => void>,
): RoomSession {
  const { sync, mesh, ice } = room;
  const onChange = (listener: (change: RoomChange) => void) => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  };
  return {
    code,
    state: {
      get: () => snapshot(room),
      subscribe: (listener) => onChange(() => listener(snapshot(room))),
    },
    onChange,
    send: (text) => sync.send(text),
    deleteClip: (id) => sync.deleteClip(id),
    clearHistory: () => sync.clear(),
    clipText: (id) => sync.clipText(id),
    fetchClip: (id) => sync.fetch(id),
    setBudget: (chars) => sync.setBudget(chars),
    rename(name) {
      identity.name = name;
      mesh.setName(name);
    },
    ice: ice.inUse,
    close() {
      ice.relay?.close();
      listeners.clear();
      mesh.close();
      sync.close();
      void sync.flush();
    },
  };
}

/** A transfer's progress kept or ended; progress alone is a change of its own kind. */
function track(transfers: Map<string, TransferView>, transfer: TransferView): RoomChange {
  const key = `${transfer.direction}/${transfer.peer}/${transfer.id}`;
  if (transfer.done < transfer.total) {
    transfers.set(key, transfer);
    return 'progress';
  }
  transfers.delete(key);
  return 'state';
}

interface OpenedRoom {
  mesh: Mesh;
  sync: ClipSync;
  transport: Transport;
  transfers: Map<string, TransferView>;
  ice: RoomIce;
}

/** What the room shows now; unchanged clips keep their views, so this is cheap. */
function snapshot({ mesh, sync, transport, transfers }: OpenedRoom): RoomState {
  const { health } = mesh;
  const undelivered = sync.undelivered();
  return {
    relay: health.relay,
    relayDetail: health.relayDetail,
    devices: mesh.devices(),
    history: sync.view(),
    transfers: [...transfers.values()],
    tampering: health.tampering,
    newerVersion: health.newerVersion,
    dropped: health.dropped + sync.refused + (transport.dropped ?? 0),
    undelivered: { ...undelivered, unsent: undelivered.unsent + health.unsent },
    offers: sync.offersView(),
    storage: sync.storageView(),
  };
}

/** The ids of this browser's devices (its tabs), read again as devices connect. */
function browserSiblings(read?: () => Promise<string[]>) {
  let ids = new Set<string>();
  return {
    has: (id: string) => ids.has(id),
    async read(): Promise<void> {
      if (!read) return;
      // Unread, the tabs known before stay known; one not yet known counts as another device,
      // so its receipt empties the outbox: a clip waits less, and nothing is lost.
      ids = new Set(await read().catch(() => [...ids]));
    },
  };
}

function defaultTransport(
  { relayUrl, wake, leaving, knownRelays, onRelays }: OpenRoomOptions,
  ice: RelayIce | undefined,
): (options: TransportOptions) => Transport {
  return (options) => {
    const onIce = ice && ((servers: RelayIceServers) => ice.answered(servers));
    const relay = createRelayTransport({
      ...options,
      relayUrl,
      wake,
      onIce,
      knownRelays,
      onRelays,
    });
    if (typeof BroadcastChannel === 'undefined') return relay;
    return combineTransports(relay, createBroadcastTransport({ ...options, leaving }));
  };
}
