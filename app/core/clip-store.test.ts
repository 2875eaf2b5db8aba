import { describe, expect, it } from 'vitest';
import { forgetRoomClips, roomClipStorage } from './clip-store';
import { type HeldClip, held, PREVIEW_CHARS, thin } from './held-clip';
import type { SavedClips } from './saving';
import { memoryStore, type Store } from './storage';
import { smallDisk } from './sync.fixture';

const code = 'AAAAAAAAAAAAAAAAAAAAAA';
const self = 'device-SELF';
const BUDGET = 64 * 1024 * 1024;
const clip = (n: number, text = `text ${n}`): HeldClip =>
  held({
    id: `clip-${String(n).padStart(4, '0')}`,
    text,
    from: 'device-AAAA',
    fromName: 'Phone',
    at: n,
    stamp: n,
  });
const clips = (history: HeldClip[], outbox: HeldClip[] = [], deleted: string[] = []) =>
  ({ history, outbox, deleted }) satisfies SavedClips;
const EMPTY = clips([]);

/** A memory store that records each write's keys, and the size of every value it reads. */
function watchedStore(): Store & { writes: { puts: string[]; dels: string[] }[]; read: number[] } {
  const store = memoryStore();
  const writes: { puts: string[]; dels: string[] }[] = [];
  const read: number[] = [];
  const size = (value: unknown) => JSON.stringify(value ?? null).length;
  return {
    ...store,
    writes,
    read,
    get: async <T>(key: string) => {
      const value = await store.get<T>(key);
      read.push(size(value));
      return value;
    },
    getMany: async (keys) => {
      const values = await store.getMany(keys);
      read.push(...values.map(size));
      return values;
    },
    write: (puts, dels) => {
      writes.push({ puts: puts.map(([key]) => key), dels });
      return store.write(puts, dels);
    },
  };
}

describe('a room clip storage', () => {
  it('survives a reload with its history, outbox and deleted ids in order', async () => {
    const store = memoryStore();
    const saved = clips([clip(3), clip(2), clip(1)], [clip(1), clip(3)], ['clip-0009']);
    await roomClipStorage(code, self, store).save(saved, BUDGET);
    expect(await roomClipStorage(code, self, store).load()).toEqual(saved);
    expect(await roomClipStorage('another-room', self, store).load()).toEqual(EMPTY);
  });

  it('keeps each device of a browser (each tab) apart: one saving never overwrites the other', async () => {
    const store = memoryStore();
    const tab1 = roomClipStorage(code, 'device-TAB1', store);
    const tab2 = roomClipStorage(code, 'device-TAB2', store);
    await Promise.all([tab1.load(), tab2.load()]);
    await tab1.save(clips([clip(1)], [clip(1)]), BUDGET);
    await tab2.save(clips([clip(2)]), BUDGET);
    await tab1.save(clips([clip(3), clip(1)], [clip(1)]), BUDGET);
    expect(await roomClipStorage(code, 'device-TAB1', store).load()).toEqual(
      clips([clip(3), clip(1)], [clip(1)]),
    );
    expect(await roomClipStorage(code, 'device-TAB2', store).load()).toEqual(clips([clip(2)]));
  });

  it('writes a clip once, then only the index, however large the history', async () => {
    const store = watchedStore();
    const storage = roomClipStorage(code, self, store);
    const index = `clips/${code}/${self}`;
    const record = (n: number) => `clip/${code}/${self}/clip-000${n}`;
    await storage.save(clips([clip(1)], [clip(1)]), BUDGET);
    await storage.save(clips([clip(2), clip(1)], [clip(1)]), BUDGET);
    await storage.save(clips([clip(2), clip(1)]), BUDGET);
    expect(store.writes).toEqual([
      { puts: [record(1)], dels: [] },
      { puts: [index], dels: [] },
      { puts: [record(2)], dels: [] },
      { puts: [index], dels: [] },
      { puts: [index], dels: [] },
    ]);
  });

  it('keeps a clip still in the outbox after history dropped it, and deletes it once acknowledged', async () => {
    const store = memoryStore();
    const storage = roomClipStorage(code, self, store);
    await storage.save(clips([clip(1)], [clip(1)]), BUDGET);
    await storage.save(clips([clip(2)], [clip(1)]), BUDGET);
    expect(await roomClipStorage(code, self, store).load()).toEqual(clips([clip(2)], [clip(1)]));
    await storage.save(clips([clip(2)]), BUDGET);
    expect(await store.get(`clip/${code}/${self}/clip-0001`)).toBeUndefined();
  });

  it('after a reload, deletes what it no longer holds and records left unlisted', async () => {
    const store = watchedStore();
    await roomClipStorage(code, self, store).save(clips([clip(2), clip(1)]), BUDGET);
    await store.set(`clip/${code}/${self}/clip-0009`, clip(9));
    const reloaded = roomClipStorage(code, self, store);
    await reloaded.load();
    await reloaded.save(clips([clip(3), clip(2)]), BUDGET);
    expect(store.writes.at(-3)?.dels.sort()).toEqual(
      [
        `clip/${code}/${self}/clip-0001`,
        `text/${code}/${self}/clip-0001`,
        `clip/${code}/${self}/clip-0009`,
        `text/${code}/${self}/clip-0009`,
      ].sort(),
    );
    expect(store.writes.at(-2)?.puts).toEqual([`clip/${code}/${self}/clip-0003`]);
    expect(await roomClipStorage(code, self, store).load()).toEqual(clips([clip(3), clip(2)]));
  });

  it('keeps only the start of a large clip in its record: start-up reads no whole text', async () => {
    const store = watchedStore();
    const big = clip(1, `${'x'.repeat(5_000_000)}end`);
    await roomClipStorage(code, self, store).save(clips([big, clip(2)]), BUDGET);
    const reloaded = roomClipStorage(code, self, store);
    const loaded = await reloaded.load();
    expect(loaded.history.map((c) => [c.text.length, c.size])).toEqual([
      [PREVIEW_CHARS, 5_000_003],
      [6, 6],
    ]);
    expect(loaded.history[0]).toEqual(thin(big));
    expect(Math.max(...store.read)).toBeLessThan(10_000);
    expect(await reloaded.text(big.id)).toBe(big.text);
  });

  it('takes over the index an earlier version kept for every tab, and the lists before it', async () => {
    const store = memoryStore();
    await store.set(`clips/${code}`, {
      history: ['clip-0002', 'clip-0001'],
      outbox: ['clip-0002'],
    });
    const { size: _, ...plain } = clip(2);
    await store.set(`clip/${code}/clip-0002`, plain);
    await store.set(`clip/${code}/clip-0001`, { id: 'damaged' });
    const storage = roomClipStorage(code, self, store);
    const loaded = await storage.load();
    expect(loaded).toEqual(clips([clip(2)], [clip(2)]));
    await storage.save(loaded, BUDGET);
    expect(await store.get(`clips/${code}`)).toBeUndefined();
    expect(await store.get(`clip/${code}/clip-0002`)).toBeUndefined();
    expect(await roomClipStorage(code, self, store).load()).toEqual(loaded);

    const older = memoryStore();
    await older.set(`history/${code}`, [clip(2), { id: 'x' }, null, 'junk', clip(1)]);
    await older.set(`outbox/${code}`, [clip(2)]);
    const fromLists = roomClipStorage(code, self, older);
    expect(await fromLists.load()).toEqual(clips([clip(2), clip(1)], [clip(2)]));
    await fromLists.save(clips([clip(2), clip(1)], [clip(2)]), BUDGET);
    expect(await older.get(`history/${code}`)).toBeUndefined();
  });

  it('skips a damaged record or index, keeping the rest', async () => {
    const store = memoryStore();
    await roomClipStorage(code, self, store).save(clips([clip(2), clip(1)]), BUDGET);
    await store.set(`clip/${code}/${self}/clip-0002`, { id: 'clip-0002', text: 7 });
    expect((await roomClipStorage(code, self, store).load()).history).toEqual([clip(1)]);
    await store.set(`clips/${code}/${self}`, 'not an index');
    expect(await roomClipStorage(code, self, store).load()).toEqual(EMPTY);
  });

  it('out of space, saves what fits, says how many are not saved, and saves the rest once space is freed', async () => {
    const disk = smallDisk(1_000);
    const storage = roomClipStorage(code, self, disk);
    await storage.load();
    const text = (n: number) => clip(n, `${n}`.repeat(200));
    expect(await storage.save(clips([text(1)]), BUDGET)).toMatchObject({ unsaved: 0, full: false });
    const report = await storage.save(clips([text(5), text(4), text(3), text(2), text(1)]), BUDGET);
    expect(report).toMatchObject({ unsaved: 2, full: true });
    // What was saved before stays saved, and so does what fitted now, newest first.
    const reload = async () => (await roomClipStorage(code, self, disk).load()).history;
    expect((await reload()).map((c) => c.at)).toEqual([5, 4, 1]);
    // Still full: the next save fails again, and says so, without losing anything.
    expect(
      await storage.save(clips([text(5), text(4), text(3), text(2), text(1)]), BUDGET),
    ).toMatchObject({
      unsaved: 2,
    });
    // Deleting clips frees their space: saves resume.
    const after = await storage.save(clips([text(5), text(4), text(3)]), BUDGET);
    expect(after).toMatchObject({ unsaved: 0, full: false });
    expect((await reload()).map((c) => c.at)).toEqual([5, 4, 3]);
  });

  it('whatever the device allows, keeps within the budget it is given', async () => {
    const storage = roomClipStorage(code, self, memoryStore());
    const report = await storage.save(
      clips([clip(2, 'x'.repeat(600)), clip(1, 'y'.repeat(600))]),
      1_000,
    );
    expect(report).toMatchObject({ unsaved: 1, full: true });
    expect([...report.stored]).toEqual(['clip-0002']);
  });

  it('is deleted whole when the room is forgotten: every tab, every older layout', async () => {
    const store = memoryStore();
    await roomClipStorage(code, self, store).save(
      clips([clip(1, 'x'.repeat(50_000))], [clip(2)]),
      BUDGET,
    );
    await roomClipStorage(code, 'device-TAB2', store).save(clips([clip(3)]), BUDGET);
    await store.set(`clip/${code}/${self}/clip-0009`, clip(9));
    await store.set(`clips/${code}`, { history: [], outbox: [] });
    await store.set(`history/${code}`, [clip(8)]);
    await forgetRoomClips(code, store);
    expect(await store.keys()).toEqual([]);
  });
});
