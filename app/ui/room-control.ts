// Which room this page shows: start-up, a new room, joining by link, reopening one
// from the list; and the list of remembered rooms itself.

import {
  makeJoinLink,
  newRoomSecret,
  parseJoinInput,
  parseLocationHash,
  roomCode,
} from '../core/link';
import {
  browserDeviceIds,
  forgetRoom,
  listRooms,
  rememberRoom,
  rememberSiblings,
  renameRoom,
  roomBudget,
} from '../core/persist';
import { shared } from '../pwa/share';
import { autoCopy } from './auto-copy';
import { errorText } from './lib/error-text';
import { qrImageSource } from './lib/qr-image';
import { paceRedraws } from './lib/redraw';
import { readTestHooks } from './lib/test-hooks';
import { pageLeaving, pageWake } from './lib/wake';
import {
  device,
  notice,
  room,
  roomError,
  roomState,
  rooms,
  type ShownRoom,
  session,
  settings,
} from './state';

const testHooks = readTestHooks(location.search);
let stopDrawing: (() => void) | undefined;
// Each open bumps this; a slow open that lost the race closes its session unused.
let generation = 0;
/**
 * A device that opened a join link draws its own code this much later: its first pairing,
 * with the device that showed the link, goes first. It is rarely needed at once.
 */
const JOINED_QR_DELAY_MS = 2_000;

/** How a room came to be shown: `joined` by a link, and the relay that link named, if any. */
interface Opening {
  joined?: boolean;
  linkRelay?: string;
}

/** The app's address without query or fragment: what join links point at. */
function appUrl(): string {
  return `${location.origin}${location.pathname}`;
}

function ownOrigin(url: string): boolean {
  try {
    return new URL(url).href === new URL('/', location.origin).href;
  } catch {
    return false;
  }
}

/** "Room of 2026-11-22 14:03": distinct per minute, and no locale data to load at start. */
function defaultRoomName(now = new Date()): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const day = `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`;
  return `Room of ${day} ${two(now.getHours())}:${two(now.getMinutes())}`;
}

export async function refreshRooms(): Promise<void> {
  rooms.value = await listRooms();
}

function closeShownRoom(): void {
  stopDrawing?.();
  stopDrawing = undefined;
  session.value?.close();
  session.value = null;
  roomState.value = null;
}

/**
 * Opens the room of `secret`. A room `joined` by a link shows once its signaling has started,
 * and draws its code later: its first pairing waits on the signaling, not on the page.
 */
export async function showRoom(
  secret: Uint8Array,
  { joined = false, linkRelay }: Opening = {},
): Promise<void> {
  const mine = ++generation;
  closeShownRoom();
  roomError.value = null;
  const identity = device.value;
  const current = settings.value;
  if (!identity || !current) return;

  const code = roomCode(secret);
  const record = rooms.value.find((known) => known.code === code);
  const ownRelay = linkRelay ?? record?.relayUrl;
  const relayUrl = testHooks.relayUrl ?? ownRelay ?? (current.relayUrl || location.origin);
  const link = makeJoinLink(appUrl(), secret, ownOrigin(relayUrl) ? undefined : relayUrl);
  const name = record?.name ?? defaultRoomName();
  history.replaceState(null, '', `${location.pathname}${location.search}${new URL(link).hash}`);
  const shown: ShownRoom = { code, name, link, fresh: record === undefined };
  const show = (): void => {
    if (mine === generation) room.value = shown;
  };
  if (!joined) show();
  // Drawn while the room opens; the join section shows it, or says it could not be drawn.
  qrImageSource(link, { delayMs: joined ? JOINED_QR_DELAY_MS : 0 }).catch(() => undefined);
  rememberRoom({ code, name, relayUrl: ownRelay, lastUsed: Date.now() })
    .then(refreshRooms)
    .catch((cause: unknown) => {
      notice.value = `This room could not be added to your rooms list: ${errorText(cause)}`;
    });

  try {
    // The mesh and its transports load beside the first render, outside the first bundle.
    const { openRoom } = await import('../core/room');
    const opened = await openRoom({
      secret,
      relayUrl,
      identity,
      iceServers: testHooks.iceServers,
      ownIceServers: current.iceServers,
      forceRelay: testHooks.forceRelay || current.forceRelay,
      relayRoomId: testHooks.relayRoomId,
      partTimeoutMs: testHooks.partTimeoutMs,
      budget: roomBudget(current),
      browserDevices: () => browserDeviceIds(),
      wake: pageWake,
      leaving: pageLeaving,
      // Siblings of another relay (the setting changed since) are no road to this one.
      knownRelays: record?.siblings?.relay === relayUrl ? record.siblings.urls : [],
      onRelays: (urls) => {
        rememberSiblings(code, relayUrl, urls).catch(() => {
          // Unsaved, they are learned again from the relay the next time it answers.
        });
      },
      onReceived: autoCopy,
      onConnecting: show,
    });
    if (mine !== generation) {
      opened.close();
      return;
    }
    session.value = opened;
    stopDrawing = paceRedraws(opened, (state) => {
      roomState.value = state;
    });
  } catch (cause) {
    if (mine !== generation) return;
    show();
    roomError.value = `This room could not be opened: ${errorText(cause)}`;
  }
}

export function showNewRoom(): Promise<void> {
  return showRoom(newRoomSecret());
}

/** Joins the room named by pasted text; returns the error in plain words, or null. */
export async function joinRoom(text: string): Promise<string | null> {
  const input = parseJoinInput(text, appUrl());
  if (!input.ok) return input.error;
  await showRoom(input.secret, { joined: true, linkRelay: input.relayUrl });
  return null;
}

/** Opens a remembered room (or the shown one again, after a relay setting changed). */
export async function reopenRoom(code: string): Promise<void> {
  const input = parseJoinInput(code);
  if (input.ok) await showRoom(input.secret);
  else roomError.value = `That remembered room has a broken code: ${input.error}`;
}

export async function renameListedRoom(code: string, name: string): Promise<void> {
  await renameRoom(code, name);
  if (room.value?.code === code) room.value = { ...room.value, name };
  await refreshRooms();
}

export async function forgetListedRoom(code: string): Promise<void> {
  await forgetRoom(code);
  await refreshRooms();
}

function installedApp(): boolean {
  // iOS home-screen apps say so through navigator.standalone.
  const ios = (navigator as { standalone?: boolean }).standalone === true;
  return ios || window.matchMedia('(display-mode: standalone)').matches;
}

/** Whether this page's address is a join link: the room it opens was shown on another device. */
export function openedByJoinLink(): boolean {
  return parseLocationHash(location.hash)?.ok === true;
}

/** What the page opens first: the linked room, the last room (installed app, share), or a new one. */
export async function showFirstRoom(): Promise<void> {
  const fromHash = parseLocationHash(location.hash);
  if (fromHash?.ok) {
    return showRoom(fromHash.secret, { joined: true, linkRelay: fromHash.relayUrl });
  }
  if (fromHash) {
    roomError.value = `That room link does not work: ${fromHash.error}`;
    return;
  }
  const last = rooms.value[0];
  if ((installedApp() || shared.value !== null) && last) return reopenRoom(last.code);
  return showNewRoom();
}

/** A link pasted into the address bar of an open page changes only the fragment. */
export function followHashChanges(): void {
  window.addEventListener('hashchange', () => {
    const fromHash = parseLocationHash(location.hash);
    if (fromHash?.ok && roomCode(fromHash.secret) !== room.value?.code) {
      void showRoom(fromHash.secret, { joined: true, linkRelay: fromHash.relayUrl });
    }
  });
}
