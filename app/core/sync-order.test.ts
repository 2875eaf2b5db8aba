import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { roomClipStorage } from './clip-store';
import { FUTURE_BOUND_MS } from './clock';
import { held } from './held-clip';
import { type Clip, MAX_STAMP, MAX_TIME, type PeerMessage } from './protocol';
import { memoryStore } from './storage';
import { ClipSync } from './sync';
import { memoryClipStorage, network, settle, texts } from './sync.fixture';

const NOW = Date.UTC(2026, 11, 1, 9);
const YEAR = 365.25 * 24 * 60 * 60 * 1000;
/** What Date.now reads: each test sets it before a device sends, as that device's clock. */
let clock = NOW;
beforeEach(() => {
  clock = NOW;
  vi.spyOn(Date, 'now').mockImplementation(() => clock);
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** One ClipSync whose receipts the test sees. */
async function lone(cap = 5) {
  const sends: Array<{ to: string; message: PeerMessage }> = [];
  const storage = memoryClipStorage();
  const sync = new ClipSync({
    selfId: 'device-bbbb',
    selfName: () => 'B',
    link: { reachable: () => [], send: async (to, message) => void sends.push({ to, message }) },
    storage,
    cap,
    onChange: () => {},
  });
  await sync.load();
  const acked = () => sends.flatMap(({ message }) => (message.t === 'ack' ? message.ids : []));
  return { sync, storage, acked };
}

const peerClip = (n: number, stamp: number, at = NOW): Clip => ({
  id: `clip-${String(n).padStart(4, '0')}`,
  text: `peer ${n}`,
  from: 'device-aaaa',
  fromName: 'A',
  at,
  stamp,
});

describe('clips ordered by causal stamp', () => {
  it('a clip sent after others were seen is newest everywhere, though its clock says 1970', async () => {
    const net = network();
    const a = await net.add('a');
    const old = await net.add('old');
    net.connect('a');
    net.connect('old');
    for (let i = 0; i < 5; i++) await a.sync.send(`a ${i}`);
    await settle();
    clock = 5_000;
    await old.sync.send('from 1970');
    await settle();
    // The history is full (cap 5): the clip from 1970 is kept on top, not cut at once.
    expect(texts(a.sync)).toEqual(['from 1970', 'a 4', 'a 3', 'a 2', 'a 1']);
    expect(texts(old.sync)).toEqual(texts(a.sync));
    expect(old.storage.outbox).toEqual([]);
    expect(a.storage.history.map((clip) => clip.text)).toContain('from 1970');
  });

  it('a clock a year ahead does not pin its clips above the clips sent after them', async () => {
    const net = network();
    const a = await net.add('a');
    const ahead = await net.add('ahead');
    net.connect('a');
    net.connect('ahead');
    clock = NOW + YEAR;
    await ahead.sync.send('from next year');
    await settle();
    clock = NOW;
    await a.sync.send('after it');
    await settle();
    expect(texts(a.sync)).toEqual(['after it', 'from next year']);
    expect(texts(ahead.sync)).toEqual(['after it', 'from next year']);
    // The sender's clock is still what each clip shows.
    expect(a.sync.view().map((clip) => clip.at)).toEqual([NOW, NOW + YEAR]);
  });

  it('a clock that jumps back keeps each new clip on top', async () => {
    const { sync } = await lone(5);
    await sync.send('first');
    clock = NOW - 3_600_000;
    await sync.send('second, an hour back');
    await sync.send('third, same reading');
    expect(texts(sync)).toEqual(['third, same reading', 'second, an hour back', 'first']);
    const stamps = sync.view().map((clip) => clip.stamp);
    expect(stamps).toEqual([NOW + 3, NOW + 2, NOW + 1]);
  });

  it('a clock reading no time stamps after what it has seen, and shows a time in range', async () => {
    const readings = [NaN, 9e15, -5, Number.POSITIVE_INFINITY];
    const { sync } = await lone(10);
    await sync.send('sane');
    for (const [i, value] of readings.entries()) {
      clock = value;
      await sync.send(`odd ${i}`);
    }
    expect(texts(sync)).toEqual(['odd 3', 'odd 2', 'odd 1', 'odd 0', 'sane']);
    const view = sync.view();
    expect(view.map((clip) => clip.stamp)).toEqual([NOW + 5, NOW + 4, NOW + 3, NOW + 2, NOW + 1]);
    expect(view.map((clip) => clip.at)).toEqual([MAX_TIME, 0, MAX_TIME, 0, NOW]);
  });

  it('takes in saved clips, stamped or from before stamps, and stamps after them', async () => {
    const storage = memoryClipStorage();
    storage.history = [held(peerClip(1, NOW + YEAR))];
    const sync = new ClipSync({
      selfId: 'device-bbbb',
      selfName: () => 'B',
      link: { reachable: () => [], send: async () => {} },
      storage,
      onChange: () => {},
    });
    await sync.load();
    await sync.send('after a reload');
    expect(texts(sync)).toEqual(['after a reload', 'peer 1']);
    expect(sync.view()[0]?.stamp).toBe(NOW + YEAR + 1);
  });
});

describe('clips saved by a version before stamps', () => {
  it('load ordered by their time, and a clip sent after them sorts above', async () => {
    const store = memoryStore();
    const code = 'AAAAAAAAAAAAAAAAAAAAAA';
    const saved = [1, 2, 3].map((n) => ({
      id: `clip-000${n}`,
      text: `saved ${n}`,
      from: 'device-aaaa',
      fromName: 'A',
      at: NOW - 10_000 * n,
    }));
    await store.write(
      [
        [`clips/${code}`, { history: ['clip-0003', 'clip-0001', 'clip-0002'], outbox: [] }],
        ...saved.map((clip): [string, unknown] => [`clip/${code}/${clip.id}`, clip]),
      ],
      [],
    );
    clock = NOW - YEAR;
    const sync = new ClipSync({
      selfId: 'device-bbbb',
      selfName: () => 'B',
      link: { reachable: () => [], send: async () => {} },
      storage: roomClipStorage(code, 'device-bbbb', store),
      onChange: () => {},
    });
    await sync.load();
    await sync.send('sent a year back');
    expect(texts(sync)).toEqual(['sent a year back', 'saved 1', 'saved 2', 'saved 3']);
    expect(sync.view()[0]?.stamp).toBe(NOW - 10_000 + 1);
  });
});

describe('clips far in the future', () => {
  it('are refused unacknowledged and counted, push out nothing, and move no clock', async () => {
    const { sync, acked } = await lone(5);
    for (let n = 0; n < 5; n++)
      sync.onMessage('device-aaaa', { t: 'clip', clip: peerClip(n, NOW + n) });
    const far = [MAX_STAMP, MAX_TIME, NOW + FUTURE_BOUND_MS + 10 * YEAR];
    for (let n = 0; n < 200; n++) {
      const clip = peerClip(100 + n, far[n % far.length] as number, MAX_TIME);
      sync.onMessage('device-evil', { t: 'clip', clip });
    }
    await settle();
    expect(texts(sync)).toEqual(['peer 4', 'peer 3', 'peer 2', 'peer 1', 'peer 0']);
    expect(sync.refused).toBe(200);
    expect(acked()).toHaveLength(5);
    await sync.send('mine');
    expect(texts(sync)[0]).toBe('mine');
    expect(sync.view()[0]?.stamp).toBeLessThan(NOW + 1_000);
  });

  it('within the bound, are taken in, and what is sent after them still sorts above', async () => {
    const { sync } = await lone(5);
    const soon = NOW + FUTURE_BOUND_MS - YEAR;
    sync.onMessage('device-aaaa', { t: 'clip', clip: peerClip(1, soon) });
    await settle();
    await sync.send('mine');
    expect(texts(sync)).toEqual(['mine', 'peer 1']);
    expect(sync.refused).toBe(0);
  });
});

describe('receipts and the cap', () => {
  it('a clip cut by the cap at once gets no receipt, so its sender keeps it waiting', async () => {
    const { sync, acked } = await lone(3);
    for (let n = 0; n < 3; n++)
      sync.onMessage('device-aaaa', { t: 'clip', clip: peerClip(n, NOW + n) });
    // Sent by a device that had seen none of them, stamped before them all.
    sync.onMessage('device-aaaa', { t: 'clip', clip: peerClip(9, 5) });
    await settle();
    expect(texts(sync)).toEqual(['peer 2', 'peer 1', 'peer 0']);
    expect(acked()).toEqual(['clip-0000', 'clip-0001', 'clip-0002']);
  });

  it('clips kept past the cap while waiting are cut once received, so the cap holds', async () => {
    const net = network();
    const a = await net.add('a');
    const b = await net.add('b');
    for (let i = 0; i < 7; i++) await a.sync.send(`a ${i}`);
    expect(texts(a.sync)).toHaveLength(7);
    net.connect('a');
    net.connect('b');
    await settle();
    expect(texts(a.sync)).toEqual(['a 6', 'a 5', 'a 4', 'a 3', 'a 2']);
    expect(texts(b.sync)).toEqual(texts(a.sync));
    expect(a.storage.history.map((clip) => clip.text)).toEqual(texts(a.sync));
  });

  it('the sender keeps a clip no device kept in its outbox, and shows it waiting', async () => {
    const net = network();
    const a = await net.add('a');
    const old = await net.add('old');
    net.connect('a');
    for (let i = 0; i < 5; i++) await a.sync.send(`a ${i}`);
    clock = 5_000;
    // Sent while apart, so it knows nothing newer: a's full history outranks it.
    await old.sync.send('offline in 1970');
    net.connect('old');
    await settle();
    expect(texts(a.sync)).not.toContain('offline in 1970');
    expect(old.storage.outbox.map((clip) => clip.text)).toEqual(['offline in 1970']);
    expect(old.sync.view().find((clip) => clip.text === 'offline in 1970')?.pending).toBe(true);
  });
});
