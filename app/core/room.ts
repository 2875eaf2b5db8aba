// An open room: keys, transports, the mesh and clip sync, wired together and
// exposed to the ui as one RoomSession.

import { roomClipStorage } from './clip-store';
import { type DeviceIdentity, deriveRoomKeys, relayKey } from './keys';
import { roomCode } from './link';
import { Mesh } from './mesh';
import type { Clip } from './protocol';
import type { ClipStorage } from './saving';
import { localSealMemory, type SealMemory } from './seal-memory';
import { Sealer } from './sealed';
import type { RoomSession, RoomState, TransferView } from './session-types';
import { createStore } from './store';
import { ClipSync } from './sync';
import { createBroadcastTransport } from './transport/broadcast';
import { combineTransports } from './transport/multi';
import { createRelayTransport } from './transport/sse';
import type { Transport, TransportOptions } from './transport/types';

/**
 * The shortest time between two redraws while changes keep coming: about a frame. Longer,
 * and a clip, or a device turning direct, waits off screen behind the redraws before it.
 */
const REDRAW_MS = 16;
/** Progress of a transfer alone redraws less often: each redraw slows the pieces coming in. */
const PROGRESS_REDRAW_MS = 100;

/** A public STUN server lets devices on different networks find their public addresses. */
export const DEFAULT_ICE_SERVERS: RTCIceServer[] = [{ urls: 'stun:stun.l.google.com:19302' }];

export interface OpenRoomOptions {
  secret: Uint8Array;
  relayUrl: string;
  identity: DeviceIdentity & { name: string };
  iceServers?: RTCIceServer[];
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
  const transportOptions = {
    roomId: options.relayRoomId ?? roomId,
    deviceId: identity.id,
    deviceKey,
    // Shown with the next redraw, counted with what the mesh dropped.
    onDrop: () => changed(),
  };
  const transport = (options.transport ?? defaultTransport(options.relayUrl))(transportOptions);
  const state = createStore<RoomState>({
    relay: 'connecting',
    devices: [],
    history: [],
    transfers: [],
    tampering: false,
    newerVersion: false,
    dropped: 0,
    undelivered: { waiting: 0, refused: 0, unsent: 0 },
    offers: [],
    storage: { unsaved: 0, full: false },
  });
  const transfers = new Map<string, TransferView>();
  let shownAt = Number.NEGATIVE_INFINITY;
  /** When the next redraw is due; none is scheduled while it is infinite. */
  let dueAt = Number.POSITIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | undefined;

  // Many events can land in one tick, or in many ticks at once (a burst of clips): the ui
  // redraws at once after a quiet spell, and at most every REDRAW_MS while they keep coming.
  // Until the mesh exists there is nothing to show yet.
  let mesh: Mesh | undefined;
  const show = (): void => {
    clearTimeout(timer);
    dueAt = Number.POSITIVE_INFINITY;
    shownAt = performance.now();
    if (!mesh) return;
    const { health } = mesh;
    const undelivered = sync.undelivered();
    state.set({
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
    });
  };
  const changed = (gapMs = REDRAW_MS): void => {
    if (!mesh) return;
    const now = performance.now();
    const at = Math.max(now, shownAt + gapMs);
    if (at >= dueAt) return;
    // A change that cannot wait moves a slower redraw already scheduled forward.
    dueAt = at;
    clearTimeout(timer);
    if (at <= now) queueMicrotask(show);
    else timer = setTimeout(show, at - now);
  };

  // A clip sent from here shows at the next frame, as it would anyway: until then the cores
  // are free to put it on the wire. Hidden, no frame comes, so it redraws as any change.
  let sendingHere = false;
  const onSyncChange = (): void => {
    const framed =
      typeof requestAnimationFrame === 'function' && document.visibilityState === 'visible';
    if (sendingHere && framed) requestAnimationFrame(() => changed());
    else changed();
  };

  let siblings = new Set<string>();
  const readSiblings = async (): Promise<void> => {
    if (!options.browserDevices) return;
    // Unread, the tabs known before stay known; one not yet known counts as another device,
    // so its receipt empties the outbox: a clip waits less, and nothing is lost.
    siblings = new Set(await options.browserDevices().catch(() => [...siblings]));
  };
  const sync: ClipSync = new ClipSync({
    selfId: identity.id,
    selfName: () => identity.name,
    link: {
      reachable: () => mesh?.reachable() ?? [],
      send: (id, message) =>
        mesh ? mesh.send(id, message) : Promise.reject(new Error('not ready')),
    },
    storage: options.storage ?? roomClipStorage(code, identity.id),
    budget: options.budget,
    sameBrowser: (id) => siblings.has(id),
    onChange: onSyncChange,
    onReceived: options.onReceived,
  });
  // The relay subscription does not wait for the history to come off the disk: what
  // arrives meanwhile reaches sync once it has loaded, in order.
  const loaded = Promise.all([sync.load(), readSiblings()]);
  mesh = new Mesh({
    selfId: identity.id,
    selfName: identity.name,
    transport,
    sealer: new Sealer(
      sealKey,
      roomId,
      identity.id,
      options.sealMemory ?? localSealMemory(`clipmesh/seal/${roomId}/${identity.id}`),
    ),
    iceServers: options.iceServers ?? DEFAULT_ICE_SERVERS,
    forceRelay: options.forceRelay ?? false,
    maxPeers: options.maxPeers,
    partTimeoutMs: options.partTimeoutMs,
    onMessage: (from, message) => void loaded.then(() => sync.onMessage(from, message)),
    // A tab opened since is known by the time it connects.
    onReachable: (deviceId) =>
      void loaded.then(readSiblings).then(() => sync.onReachable(deviceId)),
    onTransfer: (transfer) => {
      const key = `${transfer.direction}/${transfer.peer}/${transfer.id}`;
      if (transfer.done >= transfer.total) {
        transfers.delete(key);
        changed();
      } else {
        transfers.set(key, transfer);
        changed(PROGRESS_REDRAW_MS);
      }
    },
    onChange: changed,
  });
  options.onConnecting?.();
  try {
    await loaded;
  } catch (cause) {
    mesh.close();
    throw cause;
  }
  // The first state the ui sees holds the saved history.
  show();

  return {
    code,
    state,
    send(text) {
      // ClipSync marks the clip changed before it first waits.
      sendingHere = true;
      try {
        return sync.send(text);
      } finally {
        sendingHere = false;
      }
    },
    deleteClip: (id) => sync.deleteClip(id),
    clearHistory: () => sync.clear(),
    clipText: (id) => sync.clipText(id),
    fetchClip: (id) => sync.fetch(id),
    setBudget: (chars) => sync.setBudget(chars),
    rename(name) {
      identity.name = name;
      mesh?.setName(name);
    },
    close() {
      mesh?.close();
      sync.close();
      void sync.flush();
    },
  };
}

function defaultTransport(relayUrl: string): (options: TransportOptions) => Transport {
  return (options) => {
    const relay = createRelayTransport({ ...options, relayUrl });
    if (typeof BroadcastChannel === 'undefined') return relay;
    return combineTransports(relay, createBroadcastTransport(options));
  };
}
