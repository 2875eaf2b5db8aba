// What a Sealer remembers across reloads, so that neither its own counters nor the
// counters it has opened depend on a wall clock: the counter it may seal up to, and the
// highest counter opened from each sender. Read back checked, written synchronously so
// that nothing opened can be opened again after a reload.

import { DEVICE_ID_PATTERN } from '../../relay/contract';
import { field, isRecord } from './fields';

/** Where a Sealer keeps its state: one string, read once and written whole. */
export interface SealMemory {
  /** Null when nothing was kept, or it cannot be read. */
  read(): string | null;
  /** May throw (storage full or refused); the Sealer counts it and carries on. */
  write(value: string): void;
}

export interface SealState {
  /** Counters below this may have been used by an earlier page: the next starts here. */
  reserved?: number;
  /** The highest counter opened per sender, least recently heard first. */
  senders: [string, number][];
}

const isCounter = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** The state in `text`, keeping what is well formed and at most `maxSenders` senders. */
export function readSealState(text: string | null, maxSenders: number): SealState {
  let raw: unknown;
  try {
    raw = text === null ? null : JSON.parse(text);
  } catch {
    return { senders: [] };
  }
  if (!isRecord(raw)) return { senders: [] };
  const reserved = field(raw, 'reserved');
  const senders = field(raw, 'senders');
  const kept = Array.isArray(senders)
    ? senders.filter(
        (entry): entry is [string, number] =>
          Array.isArray(entry) &&
          entry.length === 2 &&
          typeof entry[0] === 'string' &&
          DEVICE_ID_PATTERN.test(entry[0]) &&
          isCounter(entry[1]),
      )
    : [];
  const state: SealState = { senders: kept.slice(-maxSenders) };
  if (isCounter(reserved)) state.reserved = reserved;
  return state;
}

export function writeSealState(state: SealState): string {
  return JSON.stringify(state);
}

/** The browser's localStorage under `key`, or undefined where there is none (Node). */
export function localSealMemory(key: string): SealMemory | undefined {
  let storage: Storage;
  try {
    if (typeof localStorage === 'undefined') return undefined;
    storage = localStorage;
  } catch {
    // Reading localStorage throws where the browser forbids storage: keep state in memory.
    return undefined;
  }
  return {
    read: () => {
      try {
        return storage.getItem(key);
      } catch {
        // Unreadable storage is no storage: replays from before this page may open, as before.
        return null;
      }
    },
    write: (value) => storage.setItem(key, value),
  };
}
