import { describe, expect, it } from 'vitest';
import { roomClipStorage } from './clip-store';
import { AUTO_FETCH_CHARS, PREVIEW_CHARS } from './held-clip';
import { memoryStore, type Store } from './storage';
import { memoryClipStorage, network, settle, smallDisk, texts } from './sync.fixture';

const code = 'AAAAAAAAAAAAAAAAAAAAAA';

/** A store whose writes are refused as out of space while `full` is set. */
function fillableStore(): Store & { full: boolean } {
  const store = memoryStore();
  const fillable = {
    ...store,
    full: false,
    write: async (puts: [string, unknown][], dels: string[]) => {
      if (fillable.full && puts.length > 0) {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      await store.write(puts, dels);
    },
  };
  return fillable;
}

describe('large clips', () => {
  it('are offered, not pulled, by history exchange, and come whole when the person fetches one', async () => {
    const net = network();
    const a = await net.add('a');
    // c takes both as they are sent, so a's outbox is empty when b comes.
    await net.add('c');
    net.connect('a');
    net.connect('c');
    const big = `${'x'.repeat(AUTO_FETCH_CHARS)}!`;
    await a.sync.send(big);
    await a.sync.send('small');
    await settle();
    expect(a.storage.outbox).toEqual([]);
    const b = await net.add('b');
    net.connect('b');
    await settle();
    expect(texts(b.sync)).toEqual(['small']);
    const [offer] = b.sync.offersView();
    expect(offer).toMatchObject({ size: big.length, fromName: 'a name', fetching: false });
    expect(await b.sync.fetch(offer?.id ?? '')).toBeNull();
    await settle();
    expect(b.sync.view().map((clip) => clip.size)).toEqual([5, big.length]);
    expect(await b.sync.clipText(offer?.id ?? '')).toBe(big);
    expect(b.sync.offersView()).toEqual([]);
  });

  it('keep only their start in memory once on disk, and are read whole to copy or send', async () => {
    const store = memoryStore();
    const net = network();
    const a = await net.add('device-a', roomClipStorage(code, 'device-a', store));
    const big = `${'y'.repeat(100_000)}end`;
    await a.sync.send(big);
    expect(a.sync.view()[0]?.text).toHaveLength(PREVIEW_CHARS);
    // A reload reads only its start, and it still goes whole to a device that connects.
    const again = network();
    const a2 = await again.add('device-a', roomClipStorage(code, 'device-a', store));
    expect(a2.sync.view()[0]).toMatchObject({ size: big.length, pending: true });
    expect(a2.sync.view()[0]?.text).toHaveLength(PREVIEW_CHARS);
    expect(await a2.sync.clipText(a2.sync.view()[0]?.id ?? '')).toBe(big);
    const b = await again.add('b');
    again.connect('device-a');
    again.connect('b');
    await settle();
    expect(await b.sync.clipText(b.sync.view()[0]?.id ?? '')).toBe(big);
  });
});

describe('the storage budget', () => {
  it('drops the oldest clips first but never one still waiting to be sent, and refuses a clip larger than itself', async () => {
    const net = network();
    const a = await net.add('a', undefined, { budget: 1_000 });
    const b = await net.add('b');
    net.connect('a');
    net.connect('b');
    const clip = (n: string, size = 300) => n.repeat(size);
    for (const n of ['1', '2', '3', '4']) await b.sync.send(clip(n));
    await settle();
    expect(texts(a.sync)).toEqual([clip('4'), clip('3'), clip('2')]);
    net.disconnect('a');
    await a.sync.send(clip('m', 400));
    expect(texts(a.sync)).toEqual([clip('m', 400), clip('4'), clip('3')]);
    const refused = await a.sync.send(clip('z', 1_001));
    expect(refused).toEqual({
      ok: false,
      error:
        'That clip is larger than the space this room may use on this device (0 MiB). You can change it in Settings.',
    });
    await a.sync.setBudget(700);
    expect(texts(a.sync)).toEqual([clip('m', 400), clip('4')]);
  });

  it('keeps what is waiting to be sent even when it alone fills the budget', async () => {
    const net = network();
    const a = await net.add('a', undefined, { budget: 1_000 });
    await a.sync.send('1'.repeat(600));
    await a.sync.send('2'.repeat(600));
    expect(texts(a.sync)).toEqual(['2'.repeat(600), '1'.repeat(600)]);
    expect(a.sync.view().every((clip) => clip.pending)).toBe(true);
  });
});

describe('a device out of space', () => {
  it('says how many clips were not saved, keeps showing them, and saves them once writes work again', async () => {
    const store = fillableStore();
    const net = network();
    const a = await net.add('device-a', roomClipStorage(code, 'device-a', store));
    const b = await net.add('device-b');
    net.connect('device-a');
    net.connect('device-b');
    await b.sync.send('saved before');
    await settle();
    store.full = true;
    for (const text of ['one', 'two', 'three']) await b.sync.send(text);
    await settle();
    expect(a.sync.storageView()).toEqual({ unsaved: 3, full: true });
    expect(texts(a.sync)).toEqual(['three', 'two', 'one', 'saved before']);
    store.full = false;
    await b.sync.send('four');
    await settle();
    expect(a.sync.storageView()).toEqual({ unsaved: 0, full: false });
    const reloaded = await network().add('device-a', roomClipStorage(code, 'device-a', store));
    expect(texts(reloaded.sync)).toEqual(['four', 'three', 'two', 'one', 'saved before']);
  });

  it('saves again once the person deletes clips, losing nothing saved before', async () => {
    // Room for three of these clips and the index.
    const disk = smallDisk(1_200);
    const net = network();
    const a = await net.add('device-a', roomClipStorage(code, 'device-a', disk));
    const b = await net.add('device-b');
    net.connect('device-a');
    net.connect('device-b');
    for (const n of [1, 2, 3, 4, 5]) await b.sync.send(`${n}`.repeat(200));
    await settle();
    const problem = a.sync.storageView();
    expect(problem).toEqual({ unsaved: 2, full: true });
    // The newest were written first; deleting them frees space for the rest.
    const newest = a.sync.view().slice(0, 2);
    for (const clip of newest) await a.sync.deleteClip(clip.id);
    expect(a.sync.storageView()).toEqual({ unsaved: 0, full: false });
    const reloaded = await network().add('device-a', roomClipStorage(code, 'device-a', disk));
    expect(texts(reloaded.sync)).toEqual(['3', '2', '1'].map((n) => n.repeat(200)));
  });
});

describe('two tabs of one browser', () => {
  it('a receipt from the other tab leaves the clip waiting; one from another device delivers it', async () => {
    const net = network();
    const tab = await net.add('tab1', memoryClipStorage(), { sameBrowser: (id) => id === 'tab2' });
    await net.add('tab2');
    net.connect('tab1');
    net.connect('tab2');
    await tab.sync.send('from tab 1');
    await settle();
    expect(tab.sync.view()[0]).toMatchObject({ pending: true, holders: ['tab2'] });
    expect(tab.storage.outbox).toHaveLength(1);
    await net.add('phone');
    net.connect('phone');
    await settle();
    expect(tab.sync.view()[0]).toMatchObject({ pending: false });
    expect(tab.storage.outbox).toEqual([]);
  });
});
