import { afterEach, describe, expect, it, vi } from 'vitest';
import { RETRY_BASE_MS, RETRY_CAP_MS, retryDelay } from './delivery-retry';
import type { Clip, PeerMessage } from './protocol';
import type { SavedClips } from './saving';
import { ClipSync } from './sync';
import { PublishError } from './transport/types';

afterEach(() => {
  vi.useRealTimers();
});

describe('retryDelay', () => {
  it('doubles per attempt, keeps half to all of it with jitter, and never passes the cap', () => {
    expect(retryDelay(0, () => 0)).toBe(RETRY_BASE_MS / 2);
    expect(retryDelay(0, () => 0.999_999)).toBe(RETRY_BASE_MS);
    expect(retryDelay(3, () => 0)).toBe(4 * RETRY_BASE_MS);
    for (const attempt of [6, 20, 1_000]) {
      expect(retryDelay(attempt, () => 0.999_999)).toBeLessThanOrEqual(RETRY_CAP_MS);
      expect(retryDelay(attempt, () => 0)).toBe(RETRY_CAP_MS / 2);
    }
  });

  it('waits at least what the relay asked for, but no longer than the cap', () => {
    expect(retryDelay(0, () => 0, 5_000)).toBe(5_000);
    expect(retryDelay(0, () => 0, 3_600_000)).toBe(RETRY_CAP_MS);
  });
});

/** A device A whose link to B is up but refuses clips while `refusing` is true. */
function refusingLink() {
  const link = {
    refusing: true,
    reachable: ['device-bbbb'],
    tries: 0,
    delivered: [] as Clip[],
  };
  const saved: SavedClips = { history: [], outbox: [], deleted: [] };
  const sync = new ClipSync({
    selfId: 'device-aaaa',
    selfName: () => 'A',
    link: {
      reachable: () => link.reachable,
      send: async (_to, message: PeerMessage) => {
        if (message.t !== 'clip') return;
        link.tries += 1;
        if (link.refusing) throw new PublishError('too many messages, slow down', 429);
        link.delivered.push(message.clip);
      },
    },
    storage: {
      load: async () => saved,
      save: async (clips) => {
        Object.assign(saved, clips);
        const stored = new Set([...clips.history, ...clips.outbox].map((clip) => clip.id));
        return { stored, unsaved: 0, full: false };
      },
      text: async () => undefined,
    },
    onChange: () => {},
  });
  return { sync, link, saved };
}

async function sendNow(sync: ClipSync, text: string): Promise<string> {
  const sent = sync.send(text);
  await vi.advanceTimersByTimeAsync(100);
  const result = await sent;
  if (!result.ok) throw new Error(result.error);
  return result.id;
}

describe('a send the relay refused', () => {
  it('stays pending, is counted and shown, and is tried again with backoff until it goes', async () => {
    vi.useFakeTimers();
    const { sync, link, saved } = refusingLink();
    const id = await sendNow(sync, 'refused at first');
    expect(link.tries).toBe(1);
    expect(sync.view()[0]).toMatchObject({ id, pending: true });
    expect(saved.outbox.map((clip) => clip.id)).toEqual([id]);
    expect(sync.undelivered()).toEqual({
      waiting: 1,
      refused: 1,
      // A refused clip is waiting, not lost: it is not counted among the unsent messages.
      unsent: 0,
      detail: 'too many messages, slow down',
    });

    // Backoff: the second try within a second, the third within two more.
    await vi.advanceTimersByTimeAsync(RETRY_BASE_MS);
    expect(link.tries).toBe(2);
    await vi.advanceTimersByTimeAsync(2 * RETRY_BASE_MS);
    expect(link.tries).toBe(3);
    expect(sync.undelivered().refused).toBe(3);

    link.refusing = false;
    await vi.advanceTimersByTimeAsync(4 * RETRY_BASE_MS);
    expect(link.tries).toBe(4);
    expect(link.delivered.map((clip) => clip.id)).toEqual([id]);
    expect(sync.undelivered()).toEqual({ waiting: 0, refused: 3, unsent: 0, detail: undefined });
    // Sent, but pending until the receipt.
    expect(sync.view()[0]?.pending).toBe(true);
    sync.onMessage('device-bbbb', { t: 'ack', ids: [id] });
    expect(sync.view()[0]).toMatchObject({ pending: false, holders: ['device-bbbb'] });
    await vi.advanceTimersByTimeAsync(10 * RETRY_CAP_MS);
    expect(link.tries).toBe(4);
  });

  it('keeps trying, at most a minute apart, while the device stays and no receipt comes', async () => {
    vi.useFakeTimers();
    const { sync, link } = refusingLink();
    await sendNow(sync, 'refused for long');
    await vi.advanceTimersByTimeAsync(30 * RETRY_CAP_MS);
    // 1 s, 2 s, … 32 s, then at most 60 s apart: well over 30 tries in 30 minutes.
    expect(link.tries).toBeGreaterThanOrEqual(30);
    const before = link.tries;
    await vi.advanceTimersByTimeAsync(RETRY_CAP_MS);
    // Half a minute to a minute apart now: one or two more in a minute.
    expect(link.tries - before).toBeGreaterThanOrEqual(1);
    expect(link.tries - before).toBeLessThanOrEqual(2);
  });

  it('stops trying once the device goes away, and stops on a receipt', async () => {
    vi.useFakeTimers();
    const { sync, link } = refusingLink();
    const id = await sendNow(sync, 'to a device that leaves');
    link.reachable = [];
    await vi.advanceTimersByTimeAsync(10 * RETRY_CAP_MS);
    expect(link.tries).toBe(1);
    expect(sync.undelivered().waiting).toBe(0);
    expect(sync.view()[0]?.pending).toBe(true);

    // It comes back: the outbox is handed over again and refused again; then a receipt
    // arrives another way (history exchange) and ends the retries.
    link.reachable = ['device-bbbb'];
    sync.onReachable('device-bbbb');
    await vi.advanceTimersByTimeAsync(0);
    expect(link.tries).toBe(2);
    expect(sync.undelivered().waiting).toBe(1);
    sync.onMessage('device-bbbb', { t: 'ack', ids: [id] });
    expect(sync.undelivered().waiting).toBe(0);
    await vi.advanceTimersByTimeAsync(10 * RETRY_CAP_MS);
    expect(link.tries).toBe(2);
  });
});
