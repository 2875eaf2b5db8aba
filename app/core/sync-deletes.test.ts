import { describe, expect, it } from 'vitest';
import { memoryClipStorage, network, settle, texts } from './sync.fixture';
import { MAX_TOMBSTONES, Tombstones } from './tombstones';

/** Three devices of one room, each with its own storage, all connected. */
async function room() {
  const net = network();
  const devices = await Promise.all(['a', 'b', 'c'].map((id) => net.add(id)));
  for (const id of ['a', 'b', 'c']) net.connect(id);
  const [a, b, c] = devices as [(typeof devices)[0], (typeof devices)[0], (typeof devices)[0]];
  return { net, a, b, c };
}

/** Every device reloads from its own storage; only `online` connect, in that order. */
async function reload(storages: ReturnType<typeof memoryClipStorage>[], online: string[]) {
  const net = network();
  const ids = ['a', 'b', 'c'];
  const devices = await Promise.all(ids.map((id, i) => net.add(id, storages[i])));
  for (const id of online) net.connect(id);
  await settle();
  return devices.map((device) => texts(device.sync));
}

describe('deleting a clip', () => {
  it('deletes it on every device, and no reload of any device brings it back', async () => {
    const { net, a, b, c } = await room();
    await a.sync.send('a pasted password');
    await a.sync.send('a note');
    await settle();
    expect(texts(c.sync)).toContain('a pasted password');
    // c is away when a deletes it, and a is gone for good once c is back.
    net.disconnect('c');
    const id = a.sync.view().find((clip) => clip.text === 'a pasted password')?.id ?? '';
    await a.sync.deleteClip(id);
    await settle();
    expect(texts(b.sync)).toEqual(['a note']);
    expect(texts(c.sync)).toContain('a pasted password');

    const storages = [a.storage, b.storage, c.storage];
    // c meets only b, which learned of the delete from a.
    expect(await reload(storages, ['b', 'c'])).toEqual([['a note'], ['a note'], ['a note']]);
    // Then everyone, reloaded again: still gone everywhere.
    expect(await reload(storages, ['a', 'b', 'c'])).toEqual([['a note'], ['a note'], ['a note']]);
    expect(c.storage.history.map((clip) => clip.text)).toEqual(['a note']);
  });

  it('a device that still holds it, reloaded first, cannot bring it back to the one that deleted it', async () => {
    const { net, a, c } = await room();
    await c.sync.send('secret');
    await settle();
    net.disconnect('c');
    await a.sync.deleteClip(a.sync.view()[0]?.id ?? '');
    await settle();
    const storages = [a.storage, memoryClipStorage(), c.storage];
    expect(await reload(storages, ['c', 'a'])).toEqual([[], [], []]);
  });

  it('"Clear history" deletes every clip on every device, for good', async () => {
    const { a, b, c } = await room();
    for (const text of ['one', 'two', 'three']) await b.sync.send(text);
    await settle();
    await a.sync.clear();
    await settle();
    expect([texts(a.sync), texts(b.sync), texts(c.sync)]).toEqual([[], [], []]);
    expect(await reload([a.storage, b.storage, c.storage], ['c', 'b', 'a'])).toEqual([[], [], []]);
  });
});

describe('tombstones', () => {
  it('are bounded, forgetting the oldest first, and take only clip ids', () => {
    const ids = Array.from({ length: MAX_TOMBSTONES + 500 }, (_, i) => `clip-${i}-xxxx`);
    const tombstones = new Tombstones(['not an id!']);
    expect(tombstones.add(ids)).toHaveLength(ids.length);
    expect(tombstones.list()).toEqual(ids.slice(500));
    expect(tombstones.has('clip-0-xxxx')).toBe(false);
    expect(tombstones.add(['clip-600-xxxx'])).toEqual([]);
  });
});
