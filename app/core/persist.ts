// What this device remembers between visits: who it is, its rooms and its settings
// (a room's clips are in clip-store.ts). Everything read back is checked, since an
// older version of the app may have written it.

import { DEVICE_ID_PATTERN, DEVICE_KEY_PATTERN } from '../../relay/contract';
import { forgetRoomClips } from './clip-store';
import { iceServerError } from './ice-servers';
import {
  DEVICE_SECRET_PATTERN,
  type DeviceIdentity,
  newDeviceIdentity,
  newDeviceSecret,
  relayOrigin,
} from './keys';
import { MAX_NAME_CHARS } from './protocol';
import { appStore, type Store } from './storage';
import { MAX_SLOTS } from './tab-slot';
import { relaysOf } from './transport/relay-wire';

export interface DeviceRecord extends DeviceIdentity {
  name: string;
}

export interface RoomRecord {
  /** The 22-character room code: the secret itself, kept only on this device. */
  code: string;
  name: string;
  relayUrl?: string;
  /** ms since epoch. */
  lastUsed: number;
  /** The siblings `relay` advertised (same service): where to go when it cannot be reached. */
  siblings?: { relay: string; urls: string[] };
}

export interface Settings {
  autoCopy: boolean;
  relayUrl?: string;
  iceServers?: RTCIceServer[];
  /** No direct links: everything through the sealed relay fallback. */
  forceRelay?: boolean;
  /** The space each room's clips may take on this device, in MiB; 64 when unset. */
  roomSpaceMiB?: number;
}

export const MIN_ROOM_SPACE_MIB = 1;
export const MAX_ROOM_SPACE_MIB = 4096;
export const DEFAULT_ROOM_SPACE_MIB = 64;

/** The characters each room's clips may take on this device (a character counted as a byte). */
export function roomBudget(settings: Settings): number {
  return (settings.roomSpaceMiB ?? DEFAULT_ROOM_SPACE_MIB) * 1024 * 1024;
}

export const DEFAULT_SETTINGS: Settings = { autoCopy: false };

const DEVICE_KEY = 'device';
let identitySlot = 0;
/** Tabs of one browser are separate devices, each with the identity of its own slot. */
export function setIdentitySlot(slot: number): void {
  identitySlot = slot;
}
const slotKey = (slot: number) => (slot === 0 ? DEVICE_KEY : `${DEVICE_KEY}/${slot}`);
const deviceKey = () => slotKey(identitySlot);
const ROOMS_KEY = 'rooms';
const SETTINGS_KEY = 'settings';

// Read-modify-write steps on one store run one after another, so none is lost.
const queues = new WeakMap<Store, Promise<unknown>>();
function serially<T>(store: Store, step: () => Promise<T>): Promise<T> {
  const next = (queues.get(store) ?? Promise.resolve()).then(step, step);
  queues.set(store, next);
  return next;
}

/** Origins kept for the key of older versions: a few relays, never an unbounded list. */
const MAX_KEY_ORIGINS = 32;

/** This device's identity, made and stored on first use. */
export function loadDeviceIdentity(defaultName: string, store = appStore()): Promise<DeviceRecord> {
  return serially(store, async () => {
    const saved = await store.get<Partial<DeviceRecord>>(deviceKey());
    if (isDevice(saved) && hasSecret(saved)) return deviceRecord(saved);
    const device: DeviceRecord = isDevice(saved)
      ? await withRelayKeys(saved, store)
      : { ...newDeviceIdentity(), name: clampName(defaultName) };
    await store.set(deviceKey(), device);
    return device;
  });
}

/**
 * An identity from before per-relay keys showed its key to every relay it used. Those relays
 * (of its rooms, its settings, and this page's own) keep getting it; any other gets its own.
 */
async function withRelayKeys(saved: LegacyDevice, store: Store): Promise<DeviceRecord> {
  const [rooms, settings] = await Promise.all([listRooms(store), loadSettings(store)]);
  const urls = [
    globalThis.location?.origin,
    settings.relayUrl,
    ...rooms.map((room) => room.relayUrl),
  ].filter((url): url is string => typeof url === 'string' && url !== '');
  const keyOrigins = [...new Set(urls.map(relayOrigin))].slice(0, MAX_KEY_ORIGINS);
  return { id: saved.id, key: saved.key, name: saved.name, secret: newDeviceSecret(), keyOrigins };
}

export function saveDeviceName(name: string, store = appStore()): Promise<DeviceRecord> {
  return serially(store, async () => {
    const saved = await store.get<Partial<DeviceRecord>>(deviceKey());
    if (!isDevice(saved) || !hasSecret(saved)) throw new Error('This device has no identity yet.');
    const device = { ...deviceRecord(saved), name: clampName(name) };
    await store.set(deviceKey(), device);
    return device;
  });
}

/** Ids of every device of this browser: one per tab slot that has been used. */
export async function browserDeviceIds(store = appStore()): Promise<string[]> {
  const keys = Array.from({ length: MAX_SLOTS }, (_, slot) => slotKey(slot));
  const saved = (await store.getMany(keys)) as (Partial<DeviceRecord> | undefined)[];
  return saved.flatMap((device) => (isDevice(device) ? [device.id] : []));
}

/** Rooms, most recently used first. */
export async function listRooms(store = appStore()): Promise<RoomRecord[]> {
  const saved = await store.get<unknown>(ROOMS_KEY);
  const rooms = Array.isArray(saved) ? saved.filter(isRoom).map(withGoodSiblings) : [];
  return rooms.sort((a, b) => b.lastUsed - a.lastUsed);
}

/** Adds a room or marks it used (now by default); a name or relay given replaces the saved one. */
export function rememberRoom(
  room: { code: string; name?: string; relayUrl?: string; lastUsed?: number },
  store = appStore(),
): Promise<RoomRecord> {
  return updateRooms(store, (rooms) => {
    const saved = rooms.find((r) => r.code === room.code);
    const record: RoomRecord = {
      code: room.code,
      name: clampName(room.name ?? saved?.name ?? 'Room'),
      lastUsed: room.lastUsed ?? Date.now(),
    };
    const relayUrl = room.relayUrl ?? saved?.relayUrl;
    if (relayUrl !== undefined) record.relayUrl = relayUrl;
    if (saved?.siblings) record.siblings = saved.siblings;
    return { rooms: [record, ...rooms.filter((r) => r.code !== room.code)], result: record };
  });
}

/** Remembers the siblings `relay` advertised for a room, for the next time it is opened. */
export function rememberSiblings(
  code: string,
  relay: string,
  urls: string[],
  store = appStore(),
): Promise<void> {
  return updateRooms(store, (rooms) => ({
    rooms: rooms.map((r) => (r.code === code ? { ...r, siblings: { relay, urls } } : r)),
    result: undefined,
  }));
}

export function renameRoom(code: string, name: string, store = appStore()): Promise<void> {
  return updateRooms(store, (rooms) => ({
    rooms: rooms.map((r) => (r.code === code ? { ...r, name: clampName(name) } : r)),
    result: undefined,
  }));
}

/** Forgets a room with its history and unsent clips. */
export async function forgetRoom(code: string, store = appStore()): Promise<void> {
  await updateRooms(store, (rooms) => ({
    rooms: rooms.filter((r) => r.code !== code),
    result: undefined,
  }));
  await forgetRoomClips(code, store);
}

export async function loadSettings(store = appStore()): Promise<Settings> {
  const saved = await store.get<Partial<Settings>>(SETTINGS_KEY);
  const settings: Settings = { ...DEFAULT_SETTINGS };
  if (typeof saved?.autoCopy === 'boolean') settings.autoCopy = saved.autoCopy;
  if (typeof saved?.relayUrl === 'string') settings.relayUrl = saved.relayUrl;
  if (Array.isArray(saved?.iceServers)) settings.iceServers = saved.iceServers.filter(isIceServer);
  if (typeof saved?.forceRelay === 'boolean') settings.forceRelay = saved.forceRelay;
  const space = saved?.roomSpaceMiB;
  if (typeof space === 'number' && Number.isInteger(space)) {
    if (space >= MIN_ROOM_SPACE_MIB && space <= MAX_ROOM_SPACE_MIB) settings.roomSpaceMiB = space;
  }
  return settings;
}

export function saveSettings(settings: Settings, store = appStore()): Promise<void> {
  return store.set(SETTINGS_KEY, settings);
}

function updateRooms<T>(
  store: Store,
  change: (rooms: RoomRecord[]) => { rooms: RoomRecord[]; result: T },
): Promise<T> {
  return serially(store, async () => {
    const { rooms, result } = change(await listRooms(store));
    await store.set(ROOMS_KEY, rooms);
    return result;
  });
}

/** What every version of the app has stored for a device. */
type LegacyDevice = Pick<DeviceRecord, 'id' | 'key' | 'name'>;

function isDevice(value: Partial<DeviceRecord> | undefined): value is LegacyDevice {
  return (
    typeof value?.id === 'string' &&
    DEVICE_ID_PATTERN.test(value.id) &&
    typeof value.key === 'string' &&
    DEVICE_KEY_PATTERN.test(value.key) &&
    typeof value.name === 'string'
  );
}

function hasSecret(value: Partial<DeviceRecord>): value is Partial<DeviceRecord> & {
  secret: string;
  keyOrigins: string[];
} {
  return (
    typeof value.secret === 'string' &&
    DEVICE_SECRET_PATTERN.test(value.secret) &&
    Array.isArray(value.keyOrigins) &&
    value.keyOrigins.length <= MAX_KEY_ORIGINS &&
    value.keyOrigins.every((origin) => typeof origin === 'string')
  );
}

/** Rebuilt field by field, so nothing else stored beside the identity is carried along. */
function deviceRecord(saved: LegacyDevice & Pick<DeviceRecord, 'secret' | 'keyOrigins'>) {
  const { id, key, name, secret, keyOrigins } = saved;
  return { id, key, name, secret, keyOrigins: [...keyOrigins] };
}

function isIceServer(value: unknown): value is RTCIceServer {
  const server = value as Partial<RTCIceServer> | null;
  const urls = server?.urls;
  const listed = typeof urls === 'string' || (Array.isArray(urls) && urls.length > 0);
  return listed && iceServerError(server as RTCIceServer) === null;
}

function isRoom(value: unknown): value is RoomRecord {
  const room = value as Partial<RoomRecord> | null;
  return (
    typeof room?.code === 'string' &&
    typeof room.name === 'string' &&
    typeof room.lastUsed === 'number' &&
    (room.relayUrl === undefined || typeof room.relayUrl === 'string')
  );
}

/** Siblings that do not check out are forgotten, never the room. */
function withGoodSiblings(room: RoomRecord): RoomRecord {
  const { siblings, ...rest } = room;
  const urls = relaysOf(siblings?.urls);
  const good = typeof siblings?.relay === 'string' && urls !== undefined && urls.length > 0;
  return good ? { ...rest, siblings: { relay: siblings.relay, urls } } : rest;
}

function clampName(name: string): string {
  return name.trim().slice(0, MAX_NAME_CHARS);
}
