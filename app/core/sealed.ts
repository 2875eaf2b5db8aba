// Seals signaling for the relay, which must learn nothing and forge nothing.
// Payload: base64url(version | counter (uint64 BE) | iv (12) | AES-GCM ciphertext).
// The additional data binds the protocol, the room, the sender and the header, so a
// payload moved to another room or re-attributed to another sender fails to open.
// Counters only grow, across reloads too (see seal-memory.ts), and each receiver refuses
// a counter it has opened before, also after it reloads: no wall clock is involved.

import { decodeBase64Url, encodeBase64Url } from './base64url';
import { readSealState, type SealMemory, type SealState, writeSealState } from './seal-memory';

export const SEAL_VERSION = 1;
const TAG = 'clipmesh/1';
const HEADER_BYTES = 1 + 8;
const IV_BYTES = 12;
const GCM_TAG_BYTES = 16;
const MIN_BYTES = HEADER_BYTES + IV_BYTES + GCM_TAG_BYTES;
/** Far above what a relay carries (64 KiB); refuses absurd input before decoding it. */
const MAX_PAYLOAD_CHARS = 1024 * 1024;
/** Counters this far below a sender's highest are refused; within it, any order is fine. */
export const REPLAY_WINDOW = 256;
/** Senders whose replay state is kept; the least recently heard is forgotten first. */
export const MAX_TRACKED_SENDERS = 64;
/** Clock readings past 2^42 ms (year 2109) start the counter there, with 2^52 counts to go. */
const MAX_COUNTER_CLOCK = 2 ** 42;
/** Counters are reserved this many at a time, so sealing rarely writes to storage. */
export const COUNTER_BLOCK = 4096;

export type OpenResult =
  | { ok: true; body: unknown }
  | { ok: false; reason: 'malformed' | 'forged' | 'replayed' | 'version' };

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** One per room per device: seals what this device sends, opens what others sent. */
export class Sealer {
  private counter: number;
  private reserved: number;
  private readonly senders = new Map<string, ReplayWindow>();
  /** Writes of the state to storage that failed: replays from before them may open. */
  saveFailures = 0;

  constructor(
    private readonly sealKey: CryptoKey,
    private readonly roomId: string,
    private readonly selfId: string,
    private readonly memory?: SealMemory,
  ) {
    const saved = readSealState(memory?.read() ?? null, MAX_TRACKED_SENDERS);
    // Only the very first start reads the clock, so that peers still running a version
    // that counted from it accept us; every later start goes on from what was reserved.
    // A first start with no memory begins near the clock, above what older versions sent.
    this.counter = saved.reserved ?? firstCounter(Date.now());
    for (const [sender, highest] of saved.senders) {
      this.senders.set(sender, new ReplayWindow(highest));
    }
    this.reserved = this.counter + COUNTER_BLOCK;
    this.save();
  }

  /** Seals a JSON-serializable body. */
  async seal(body: unknown): Promise<string> {
    const json = JSON.stringify(body);
    if (json === undefined) throw new TypeError('Only JSON values can be sealed');
    const counter = this.counter++;
    if (this.counter > this.reserved) {
      this.reserved = counter + COUNTER_BLOCK;
      this.save();
    }
    const bytes = new Uint8Array(HEADER_BYTES + IV_BYTES);
    bytes[0] = SEAL_VERSION;
    writeCounter(bytes, counter);
    const iv = crypto.getRandomValues(bytes.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES));
    const ciphertext = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: this.additionalData(this.selfId, bytes) },
      this.sealKey,
      utf8.encode(json),
    );
    const payload = new Uint8Array(bytes.length + ciphertext.byteLength);
    payload.set(bytes);
    payload.set(new Uint8Array(ciphertext), bytes.length);
    return encodeBase64Url(payload);
  }

  /** Opens a payload; `from` is the sender as vouched for by the transport. */
  async open(payload: string, from: string): Promise<OpenResult> {
    if (payload.length > MAX_PAYLOAD_CHARS) return { ok: false, reason: 'malformed' };
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = decodeBase64Url(payload);
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (bytes.length < 1) return { ok: false, reason: 'malformed' };
    const version = bytes[0] as number;
    if (version > SEAL_VERSION) return { ok: false, reason: 'version' };
    // No older format ever existed: a lower version byte is damage or forgery.
    if (version < SEAL_VERSION) return { ok: false, reason: 'forged' };
    if (bytes.length < MIN_BYTES) return { ok: false, reason: 'malformed' };
    const counter = readCounter(bytes);
    if (counter === null) return { ok: false, reason: 'forged' };
    // Checked before decrypting to refuse replays cheaply, and again after, since
    // another open of the same payload may have finished in between.
    if (this.senders.get(from)?.has(counter)) return { ok: false, reason: 'replayed' };

    let plaintext: ArrayBuffer;
    try {
      plaintext = await crypto.subtle.decrypt(
        {
          name: 'AES-GCM',
          iv: bytes.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES),
          additionalData: this.additionalData(from, bytes.subarray(0, HEADER_BYTES)),
        },
        this.sealKey,
        bytes.subarray(HEADER_BYTES + IV_BYTES),
      );
    } catch {
      return { ok: false, reason: 'forged' };
    }
    // Only authentic payloads touch replay state, so forgeries cannot evict real senders.
    const window = this.windowFor(from);
    const highest = window.highest;
    if (!window.record(counter)) return { ok: false, reason: 'replayed' };
    // Saved before the body is handed on, so a reload can never open this counter again.
    if (window.highest !== highest) this.save();
    try {
      return { ok: true, body: JSON.parse(strictUtf8.decode(plaintext)) };
    } catch {
      return { ok: false, reason: 'malformed' };
    }
  }

  private additionalData(sender: string, header: Uint8Array): Uint8Array<ArrayBuffer> {
    // JSON keeps the fields apart whatever characters a sender id holds.
    const context = utf8.encode(JSON.stringify([TAG, this.roomId, sender]));
    const data = new Uint8Array(context.length + HEADER_BYTES);
    data.set(context);
    data.set(header.subarray(0, HEADER_BYTES), context.length);
    return data;
  }

  private save(): void {
    if (!this.memory) return;
    const state: SealState = {
      reserved: this.reserved,
      senders: [...this.senders].map(([sender, window]) => [sender, window.highest]),
    };
    try {
      this.memory.write(writeSealState(state));
    } catch {
      this.saveFailures++;
    }
  }

  private windowFor(sender: string): ReplayWindow {
    let window = this.senders.get(sender);
    if (window) this.senders.delete(sender);
    else window = new ReplayWindow();
    // Re-inserting keeps the Map in least-recently-heard order.
    this.senders.set(sender, window);
    if (this.senders.size > MAX_TRACKED_SENDERS) {
      const oldest = this.senders.keys().next().value;
      if (oldest !== undefined) this.senders.delete(oldest);
    }
    return window;
  }
}

/**
 * Remembers which of the last REPLAY_WINDOW counters below the highest were seen. Started
 * from a saved highest, it takes every counter up to it as seen: which of them were is lost.
 */
class ReplayWindow {
  highest: number;
  // Slot c % REPLAY_WINDOW holds c once c is seen; older tenants fall out of the window.
  private readonly slots = new Float64Array(REPLAY_WINDOW).fill(-1);

  constructor(private readonly floor = -1) {
    this.highest = floor;
  }

  has(counter: number): boolean {
    if (this.highest < 0) return false;
    if (counter <= this.floor || counter <= this.highest - REPLAY_WINDOW) return true;
    return this.slots[counter % REPLAY_WINDOW] === counter;
  }

  /** False when the counter was seen or is too old. */
  record(counter: number): boolean {
    if (this.has(counter)) return false;
    this.slots[counter % REPLAY_WINDOW] = counter;
    if (counter > this.highest) this.highest = counter;
    return true;
  }
}

/** A safe integer whatever the clock says: NaN reads as 0, beyond Date's range as the bound. */
function firstCounter(reading: number): number {
  const ms = Number.isNaN(reading) ? 0 : Math.min(Math.max(reading, 0), MAX_COUNTER_CLOCK);
  return Math.floor(ms) * 1024;
}

function writeCounter(bytes: Uint8Array, counter: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset + 1, 8);
  view.setUint32(0, Math.floor(counter / 2 ** 32));
  view.setUint32(4, counter >>> 0);
}

/** Null when the counter exceeds what a number holds exactly: no sealer makes those. */
function readCounter(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset + 1, 8);
  const counter = view.getUint32(0) * 2 ** 32 + view.getUint32(4);
  return Number.isSafeInteger(counter) ? counter : null;
}
