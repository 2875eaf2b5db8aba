import { describe, expect, it } from 'vitest';
import type { Clip, PeerMessage } from './protocol';
import { ClipSync } from './sync';
import { memoryClipStorage, network, settle, texts } from './sync.fixture';

describe('clip sync', () => {
  it('refuses empty and oversized clips with plain words', async () => {
    const net = network();
    const { sync } = await net.add('a');
    expect(await sync.send('')).toEqual({ ok: false, error: 'There is nothing to send.' });
    const huge = await sync.send('x'.repeat(16 * 1024 * 1024 + 1));
    expect(huge.ok).toBe(false);
    expect(!huge.ok && huge.error).toMatch(/too large/);
  });

  it('keeps a clip sent alone in a persisted outbox and delivers it when a device connects', async () => {
    const net = network();
    const a = await net.add('a');
    net.connect('a');
    await a.sync.send('alone');
    expect(a.sync.view()[0]).toMatchObject({ text: 'alone', pending: true });
    expect(a.storage.outbox.map((clip) => clip.text)).toEqual(['alone']);

    // A reload: a fresh ClipSync over the same storage still has it pending.
    const reloaded = network();
    const a2 = await reloaded.add('a', a.storage);
    const b = await reloaded.add('b');
    expect(a2.sync.view()[0]?.pending).toBe(true);
    reloaded.connect('a');
    reloaded.connect('b');
    await settle();
    expect(texts(b.sync)).toEqual(['alone']);
    expect(a2.sync.view()[0]).toMatchObject({ pending: false, holders: ['b'] });
    expect(a2.storage.outbox).toEqual([]);
  });

  it('a late joiner gets the recent history, de-duplicated and newest first', async () => {
    const net = network();
    const a = await net.add('a');
    const b = await net.add('b');
    net.connect('a');
    net.connect('b');
    await a.sync.send('one');
    await settle();
    await b.sync.send('two');
    await settle();
    const late = await net.add('late');
    net.connect('late');
    await settle();
    expect(texts(late.sync)).toEqual(['two', 'one']);
    expect(texts(a.sync)).toEqual(['two', 'one']);
  });

  it('a clip passed on by another device still tells its author who holds it', async () => {
    const net = network();
    const laptop = await net.add('laptop');
    const phone = await net.add('phone');
    const tablet = await net.add('tablet');
    for (const id of ['laptop', 'phone', 'tablet']) net.connect(id);
    await settle();
    // The tablet is away from the laptop: the phone takes the clip and ends its wait.
    net.cutLink('laptop', 'tablet');
    await laptop.sync.send('passed on');
    await settle();
    expect(laptop.sync.view()[0]).toMatchObject({ pending: false, holders: ['phone'] });
    // Back, the tablet asks the phone first; the laptop's offer comes once it holds the clip.
    net.mendLink('laptop', 'tablet');
    const id = laptop.sync.view()[0]?.id ?? '';
    phone.sync.onMessage('tablet', { t: 'want', ids: [id] });
    await settle();
    expect(texts(tablet.sync)).toEqual(['passed on']);
    tablet.sync.onMessage('laptop', { t: 'have', ids: [id] });
    await settle();
    expect(laptop.sync.view()[0]?.holders.sort()).toEqual(['phone', 'tablet']);
  });

  it('answers a want only with clips it really holds', async () => {
    const net = network();
    const a = await net.add('a');
    const b = await net.add('b');
    net.connect('a');
    net.connect('b');
    await settle();
    a.sync.onMessage('b', { t: 'want', ids: ['never-existed-1'] });
    await settle();
    expect(net.sent.filter((m) => m.message.t === 'clip')).toEqual([]);
    expect(texts(b.sync)).toEqual([]);
  });

  it('caps history and does not bring back a clip deleted here', async () => {
    const net = network();
    const a = await net.add('a');
    const b = await net.add('b');
    net.connect('a');
    net.connect('b');
    for (let i = 0; i < 7; i++) await a.sync.send(`clip ${i}`);
    await settle();
    expect(texts(b.sync)).toHaveLength(5);
    const newest = b.sync.view()[0];
    if (!newest) throw new Error('no clip');
    await b.sync.deleteClip(newest.id);
    b.sync.onMessage('a', { t: 'have', ids: [newest.id] });
    a.sync.onReachable('b');
    await settle();
    expect(texts(b.sync)).not.toContain(newest.text);
  });
});

describe('clip sync on disk', () => {
  it('writes a received clip moments after it arrives, so a reload shows it', async () => {
    const net = network();
    const a = await net.add('a');
    const b = await net.add('b');
    net.connect('a');
    net.connect('b');
    await a.sync.send('hello');
    await settle();
    expect(b.storage.history.map((clip) => clip.text)).toEqual(['hello']);
    const reloaded = await network().add('b', b.storage);
    expect(texts(reloaded.sync)).toEqual(['hello']);
  });

  it('writes changes made in one moment once, and every sender learns it is saved', async () => {
    const net = network();
    const a = await net.add('a');
    const results = await Promise.all([a.sync.send('1'), a.sync.send('2'), a.sync.send('3')]);
    expect(results.every((result) => result.ok)).toBe(true);
    expect(a.storage.saves).toBe(1);
    expect(a.storage.outbox.map((clip) => clip.text)).toEqual(['1', '2', '3']);
  });

  it('flush writes a waiting change at once', async () => {
    const net = network();
    const a = await net.add('a');
    const sent = a.sync.send('now');
    await a.sync.flush();
    expect(a.storage.outbox.map((clip) => clip.text)).toEqual(['now']);
    expect((await sent).ok).toBe(true);
    expect(a.storage.saves).toBe(1);
  });
});

describe('a hostile peer in sync', () => {
  it('gets one copy of a clip in flight however often it asks, and no receipts for clips it invents', async () => {
    const sends: PeerMessage[] = [];
    let release: () => void = () => {};
    const stalled = new Promise<void>((resolve) => {
      release = resolve;
    });
    const sync = new ClipSync({
      selfId: 'device-aaaa',
      selfName: () => 'A',
      link: {
        reachable: () => [],
        send: async (_to, message) => {
          sends.push(message);
          // A backed-up channel: clips stay in flight until released.
          if (message.t === 'clip') await stalled;
        },
      },
      storage: memoryClipStorage(),
      onChange: () => {},
    });
    const sent = await sync.send('mine');
    if (!sent.ok) throw new Error(sent.error);
    for (let i = 0; i < 1000; i++) sync.onMessage('device-evil', { t: 'want', ids: [sent.id] });
    sync.onMessage('device-evil', { t: 'have', ids: ['invented-0001', sent.id] });
    sync.onMessage('device-evil', { t: 'ack', ids: ['invented-0002'] });
    expect(sends.filter((message) => message.t === 'clip')).toHaveLength(1);
    expect(sync.view().map((clip) => clip.holders)).toEqual([['device-evil']]);
    release();
  });

  it('sends receipts a task after the change that shows their clips, one message per device', async () => {
    const sends: Array<{ to: string; message: PeerMessage }> = [];
    let changes = 0;
    const sync = new ClipSync({
      selfId: 'device-bbbb',
      selfName: () => 'B',
      link: {
        reachable: () => ['device-aaaa'],
        send: async (to, message) => {
          sends.push({ to, message });
        },
      },
      storage: memoryClipStorage(),
      cap: 1000,
      onChange: () => changes++,
    });
    await sync.load();
    const clip = (n: number): Clip => ({
      id: `clip-${String(n).padStart(4, '0')}`,
      text: `text ${n}`,
      from: 'device-aaaa',
      fromName: 'A',
      at: 1_000 + n,
      stamp: 1_000 + n,
    });
    for (let n = 0; n < 600; n++) sync.onMessage('device-aaaa', { t: 'clip', clip: clip(n) });
    expect(changes).toBeGreaterThan(0);
    expect(sends).toEqual([]);
    await settle();
    const acks = sends.map(({ to, message }) => ({ to, ...message }));
    expect(acks.map((ack) => ack.to)).toEqual(['device-aaaa', 'device-aaaa']);
    const ids = acks.flatMap((ack) => ('ids' in ack ? ack.ids : []));
    expect(acks.map((ack) => ('ids' in ack ? ack.ids.length : 0))).toEqual([500, 100]);
    expect(new Set(ids).size).toBe(600);
  });
});
