import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeBase64Url, encodeBase64Url } from './base64url';
import { deriveRoomKeys, type RoomKeys } from './keys';
import type { SealMemory } from './seal-memory';
import { COUNTER_BLOCK, MAX_TRACKED_SENDERS, REPLAY_WINDOW, Sealer } from './sealed';

let room: RoomKeys;
let otherRoom: RoomKeys;
const alice = 'alice-device-01';
const bob = 'bob-device-0002';
const body = { t: 'hello', to: '*', name: 'Alice’s phone 📱', nested: [1, null, 'x'] };

beforeAll(async () => {
  room = await deriveRoomKeys(new Uint8Array(16).fill(7));
  otherRoom = await deriveRoomKeys(new Uint8Array(16).fill(8));
});

const sealerFor = (self: string, keys = room, memory?: SealMemory) =>
  new Sealer(keys.sealKey, keys.roomId, self, memory);

/** Storage that outlives a Sealer, as localStorage outlives a page; counts its writes. */
function storage(): SealMemory & { writes: number; value: string | null } {
  return {
    value: null,
    writes: 0,
    read() {
      return this.value;
    },
    write(value) {
      this.writes++;
      this.value = value;
    },
  };
}

/** Applies a change to the decoded bytes of a payload. */
function tamper(payload: string, change: (bytes: Uint8Array) => void): string {
  const bytes = decodeBase64Url(payload);
  change(bytes);
  return encodeBase64Url(bytes);
}

describe('Sealer', () => {
  it('opens what another device of the room sealed', async () => {
    const payload = await sealerFor(alice).seal(body);
    expect(await sealerFor(bob).open(payload, alice)).toEqual({ ok: true, body });
  });

  it('seals payloads that open whatever its clock reads: NaN, 1970, past year 275760', async () => {
    for (const reading of [Number.NaN, 0, -5, 9e15, Number.POSITIVE_INFINITY]) {
      const clock = vi.spyOn(Date, 'now').mockReturnValue(reading);
      const sealer = sealerFor(alice);
      clock.mockRestore();
      const bobSealer = sealerFor(bob);
      for (let i = 0; i < 3; i++) {
        const opened = await bobSealer.open(await sealer.seal(body), alice);
        expect(opened, `clock ${reading}, payload ${i}`).toEqual({ ok: true, body });
      }
    }
  });

  it('reveals nothing of the body in the payload', async () => {
    const payload = await sealerFor(alice).seal(body);
    expect(payload).toMatch(/^[A-Za-z0-9_-]+$/);
    const bytes = new TextDecoder('latin1').decode(decodeBase64Url(payload));
    expect(bytes).not.toContain('hello');
  });

  it('lays out version, big-endian counter and a fresh iv', async () => {
    const sealer = sealerFor(alice);
    const before = Date.now() * 1024;
    const [first, second] = [
      decodeBase64Url(await sealer.seal(1)),
      decodeBase64Url(await sealer.seal(1)),
    ];
    const counterOf = (b: Uint8Array) => new DataView(b.buffer).getBigUint64(1);
    expect(first[0]).toBe(1);
    expect(Number(counterOf(first))).toBeGreaterThanOrEqual(before);
    expect(counterOf(second)).toBe(counterOf(first) + 1n);
    expect(first.subarray(9, 21)).not.toEqual(second.subarray(9, 21));
  });

  it('refuses a payload with any single bit flipped after the version byte as forged', async () => {
    const payload = await sealerFor(alice).seal(body);
    const length = decodeBase64Url(payload).length;
    for (let byte = 1; byte < length; byte++) {
      for (let bit = 0; bit < 8; bit++) {
        const bad = tamper(payload, (b) => {
          b[byte] = (b[byte] as number) ^ (1 << bit);
        });
        // A fresh receiver each time, so no replay state gets in the way.
        const result = await sealerFor(bob).open(bad, alice);
        expect(result, `byte ${byte} bit ${bit}`).toEqual({ ok: false, reason: 'forged' });
      }
    }
  });

  it('never opens a payload whose version byte was changed', async () => {
    const payload = await sealerFor(alice).seal(body);
    for (let bit = 0; bit < 8; bit++) {
      const bad = tamper(payload, (b) => {
        b[0] = (b[0] as number) ^ (1 << bit);
      });
      expect((await sealerFor(bob).open(bad, alice)).ok).toBe(false);
    }
  });

  it('reports a newer version so the ui can say another device runs a newer clipmesh', async () => {
    const payload = tamper(await sealerFor(alice).seal(body), (b) => {
      b[0] = 2;
    });
    expect(await sealerFor(bob).open(payload, alice)).toEqual({ ok: false, reason: 'version' });
  });

  it('refuses a payload re-attributed to another sender as forged', async () => {
    const payload = await sealerFor(alice).seal(body);
    expect(await sealerFor(bob).open(payload, 'mallory-device')).toEqual({
      ok: false,
      reason: 'forged',
    });
  });

  it('refuses a payload sealed for another room as forged, even with the same key', async () => {
    const payload = await sealerFor(alice, otherRoom).seal(body);
    expect(await sealerFor(bob).open(payload, alice)).toEqual({ ok: false, reason: 'forged' });
    const sameKeyOtherId = new Sealer(room.sealKey, otherRoom.roomId, alice);
    const moved = await sameKeyOtherId.seal(body);
    expect(await sealerFor(bob).open(moved, alice)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses a payload seen before as replayed, also when both opens race', async () => {
    const sender = sealerFor(alice);
    const receiver = sealerFor(bob);
    const payload = await sender.seal(body);
    expect((await receiver.open(payload, alice)).ok).toBe(true);
    expect(await receiver.open(payload, alice)).toEqual({ ok: false, reason: 'replayed' });

    const racing = await sender.seal(body);
    const results = await Promise.all([receiver.open(racing, alice), receiver.open(racing, alice)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('accepts payloads reordered within the window and refuses older ones', async () => {
    const sender = sealerFor(alice);
    const receiver = sealerFor(bob);
    const payloads: string[] = [];
    for (let i = 0; i <= REPLAY_WINDOW + 1; i++) payloads.push(await sender.seal(i));
    const last = payloads.at(-1) as string;
    expect((await receiver.open(last, alice)).ok).toBe(true);
    // The newest minus REPLAY_WINDOW - 1 is the oldest still inside the window.
    for (const i of [REPLAY_WINDOW - 1, 10, 2, REPLAY_WINDOW]) {
      expect(await receiver.open(payloads[i] as string, alice)).toEqual({ ok: true, body: i });
    }
    expect(await receiver.open(payloads[1] as string, alice)).toEqual({
      ok: false,
      reason: 'replayed',
    });
    expect(await receiver.open(payloads[0] as string, alice)).toEqual({
      ok: false,
      reason: 'replayed',
    });
  });

  it('keeps replay state per sender', async () => {
    const receiver = sealerFor(bob);
    const fromAlice = await sealerFor(alice).seal('a');
    const fromCarol = await sealerFor('carol-device-03').seal('c');
    expect((await receiver.open(fromAlice, alice)).ok).toBe(true);
    expect((await receiver.open(fromCarol, 'carol-device-03')).ok).toBe(true);
  });

  it('tracks a bounded number of senders, forgetting the least recently heard', async () => {
    const receiver = sealerFor(bob);
    const senders = Array.from({ length: MAX_TRACKED_SENDERS }, (_, i) => `sender-${i}`);
    const sealers = senders.map((id) => sealerFor(id));
    const first = await sealerFor('sender-first').seal(0);
    expect((await receiver.open(first, 'sender-first')).ok).toBe(true);
    for (const [i, id] of senders.entries()) {
      expect((await receiver.open(await (sealers[i] as Sealer).seal(i), id)).ok).toBe(true);
    }
    // Forgotten, so its replay is no longer recognised: the price of bounded memory.
    expect((await receiver.open(first, 'sender-first')).ok).toBe(true);
    // Still remembered: heard recently.
    const again = await (sealers.at(-1) as Sealer).seal(1);
    expect((await receiver.open(again, senders.at(-1) as string)).ok).toBe(true);
    expect(await receiver.open(again, senders.at(-1) as string)).toEqual({
      ok: false,
      reason: 'replayed',
    });
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'abc$def'],
    ['too short', encodeBase64Url(new Uint8Array([1, 0, 0]))],
    ['absurdly long', 'A'.repeat(2 * 1024 * 1024)],
  ])('calls a payload that is %s malformed', async (_, payload) => {
    expect(await sealerFor(bob).open(payload, alice)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses to seal what JSON cannot carry', async () => {
    await expect(sealerFor(alice).seal(undefined)).rejects.toThrow(TypeError);
  });

  it('seals and opens a signaling-sized payload quickly', async () => {
    const sender = sealerFor(alice);
    const receiver = sealerFor(bob);
    const sdp = {
      t: 'description',
      sdp: 'a=candidate:1 1 udp 2122260223 10.0.0.1 5000 typ host\r\n'.repeat(80),
    };
    const start = performance.now();
    for (let i = 0; i < 200; i++) {
      expect((await receiver.open(await sender.seal(sdp), alice)).ok).toBe(true);
    }
    // About 4 KiB each; generous so a slow CI machine stays green.
    expect((performance.now() - start) / 200).toBeLessThan(5);
  });
});

describe('Sealer across reloads', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refuses a payload opened before the receiver reloaded', async () => {
    const sender = sealerFor(alice);
    const hello = await sender.seal({ t: 'hello' });
    const clip = await sender.seal({ t: 'clip' });
    const bobStorage = storage();
    const before = sealerFor(bob, room, bobStorage);
    expect((await before.open(hello, alice)).ok).toBe(true);
    expect((await before.open(clip, alice)).ok).toBe(true);

    // The page reloads: a new Sealer reads what the old one left.
    const after = sealerFor(bob, room, bobStorage);
    expect(await after.open(clip, alice)).toEqual({ ok: false, reason: 'replayed' });
    expect(await after.open(hello, alice)).toEqual({ ok: false, reason: 'replayed' });
    // What the sender seals next still opens.
    expect(await after.open(await sender.seal('next'), alice)).toEqual({ ok: true, body: 'next' });
  });

  it('accepts a sender whose clock stepped back a year across its reload', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-06-01T12:00:00Z'));
    const aliceStorage = storage();
    const receiver = sealerFor(bob, room, storage());
    const first = sealerFor(alice, room, aliceStorage);
    expect((await receiver.open(await first.seal('before'), alice)).ok).toBe(true);

    vi.setSystemTime(new Date('2025-06-01T12:00:00Z'));
    const reloaded = sealerFor(alice, room, aliceStorage);
    expect(await receiver.open(await reloaded.seal('after'), alice)).toEqual({
      ok: true,
      body: 'after',
    });
  });

  it('never reuses a counter after a reload, even one reserved but unused', async () => {
    const aliceStorage = storage();
    const receiver = sealerFor(bob, room, storage());
    const first = sealerFor(alice, room, aliceStorage);
    for (let i = 0; i < COUNTER_BLOCK + 2; i++) await first.seal(i);
    const last = await first.seal('last');
    expect((await receiver.open(last, alice)).ok).toBe(true);
    const reloaded = sealerFor(alice, room, aliceStorage);
    expect((await receiver.open(await reloaded.seal('again'), alice)).ok).toBe(true);
    // One write at the start of each page and one per block crossed, not one per seal.
    expect(aliceStorage.writes).toBe(3);
  });

  it('starts afresh from storage it cannot read, and counts writes that fail', async () => {
    const broken: SealMemory = {
      read: () => '{"reserved":-5,"senders":[["x",1],["alice-device-01","9"],7]}',
      write: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const receiver = sealerFor(bob, room, broken);
    const payload = await sealerFor(alice).seal('hi');
    expect(await receiver.open(payload, alice)).toEqual({ ok: true, body: 'hi' });
    expect(receiver.saveFailures).toBe(2);
  });
});
