import { describe, expect, it } from 'vitest';
import { forgetRoomClips, roomClipStorage } from './clip-store';
import type { Clip } from './protocol';
import { memoryStore, type Store } from './storage';

const code = 'AAAAAAAAAAAAAAAAAAAAAA';
const clip = (n: number, text = `text ${n}`): Clip => ({
  id: `clip-${String(n).padStart(4, '0')}`,
  text,
  from: 'device-AAAA',
  fromName: 'Phone',
  at: n,
  stamp: n,
});

/** A memory store that records each write's keys. */
function watchedStore(): Store & { writes: { puts: string[]; dels: string[] }[] } {
  const store = memoryStore();
  const writes: { puts: string[]; dels: string[] }[] = [];
  return {
    ...store,
    writes,
    write: (puts, dels) => {
      writes.push({ puts: puts.map(([key]) => key), dels });
      return store.write(puts, dels);
    },
  };
}

describe('a room clip storage', () => {
  it('survives a reload with its history and outbox in order', async () => {
    const store = memoryStore();
    const saved = { history: [clip(3), clip(2), clip(1)], outbox: [clip(1), clip(3)] };
    await roomClipStorage(code, store).save(saved);
    expect(await roomClipStorage(code, store).load()).toEqual(saved);
    expect(await roomClipStorage('another-room', store).load()).toEqual({
      history: [],
      outbox: [],
    });
  });

  it('writes a clip once, then only the ids, however large the history', async () => {
    const store = watchedStore();
    const storage = roomClipStorage(code, store);
    const big = clip(1, 'x'.repeat(100_000));
    await storage.save({ history: [big], outbox: [big] });
    await storage.save({ history: [clip(2), big], outbox: [big] });
    await storage.save({ history: [clip(2), big], outbox: [] });
    expect(store.writes).toEqual([
      {
        puts: [`clip/${code}/clip-0001`, `clips/${code}`],
        dels: [],
      },
      { puts: [`clip/${code}/clip-0002`, `clips/${code}`], dels: [] },
      { puts: [`clips/${code}`], dels: [] },
    ]);
  });

  it('keeps a clip still in the outbox after history dropped it, and deletes it once acknowledged', async () => {
    const store = watchedStore();
    const storage = roomClipStorage(code, store);
    await storage.save({ history: [clip(1)], outbox: [clip(1)] });
    await storage.save({ history: [clip(2)], outbox: [clip(1)] });
    expect(await roomClipStorage(code, store).load()).toEqual({
      history: [clip(2)],
      outbox: [clip(1)],
    });
    await storage.save({ history: [clip(2)], outbox: [] });
    expect(store.writes.at(-1)?.dels).toEqual([`clip/${code}/clip-0001`]);
    expect(await store.get(`clip/${code}/clip-0001`)).toBeUndefined();
  });

  it('after a reload, deletes what it no longer holds and writes no clip twice', async () => {
    const store = watchedStore();
    await roomClipStorage(code, store).save({ history: [clip(2), clip(1)], outbox: [] });
    const reloaded = roomClipStorage(code, store);
    await reloaded.load();
    await reloaded.save({ history: [clip(3), clip(2)], outbox: [] });
    expect(store.writes.at(-1)).toEqual({
      puts: [`clip/${code}/clip-0003`, `clips/${code}`],
      dels: [`clip/${code}/clip-0001`],
    });
  });

  it('reads the lists an older version kept whole, skipping damaged entries, and replaces them', async () => {
    const store = memoryStore();
    await store.set(`history/${code}`, [clip(2), { id: 'x' }, null, 'junk', clip(1)]);
    await store.set(`outbox/${code}`, [clip(2)]);
    const storage = roomClipStorage(code, store);
    const loaded = await storage.load();
    expect(loaded).toEqual({ history: [clip(2), clip(1)], outbox: [clip(2)] });
    await storage.save(loaded);
    expect(await store.get(`history/${code}`)).toBeUndefined();
    expect(await store.get(`outbox/${code}`)).toBeUndefined();
    expect(await roomClipStorage(code, store).load()).toEqual(loaded);
  });

  it('skips a damaged record or index, keeping the rest', async () => {
    const store = memoryStore();
    await roomClipStorage(code, store).save({ history: [clip(2), clip(1)], outbox: [] });
    await store.set(`clip/${code}/clip-0002`, { id: 'clip-0002', text: 7 });
    expect((await roomClipStorage(code, store).load()).history).toEqual([clip(1)]);
    await store.set(`clips/${code}`, 'not an index');
    expect(await roomClipStorage(code, store).load()).toEqual({ history: [], outbox: [] });
  });

  it('writes every clip again after a write failed', async () => {
    const store = watchedStore();
    const storage = roomClipStorage(code, store);
    const write = store.write;
    store.write = async () => {
      throw new Error('disk full');
    };
    await expect(storage.save({ history: [clip(1)], outbox: [] })).rejects.toThrow('disk full');
    store.write = write;
    await storage.save({ history: [clip(2), clip(1)], outbox: [] });
    expect(await roomClipStorage(code, store).load()).toEqual({
      history: [clip(2), clip(1)],
      outbox: [],
    });
  });

  it('is deleted whole when the room is forgotten, unlisted records too', async () => {
    const store = memoryStore();
    await roomClipStorage(code, store).save({ history: [clip(1)], outbox: [clip(2)] });
    await store.set(`clip/${code}/clip-0009`, clip(9));
    await store.set(`history/${code}`, [clip(8)]);
    await forgetRoomClips(code, store);
    expect(await store.keys()).toEqual([]);
  });
});
