import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { idbStore, memoryStore, type Store } from './storage';

describe.each<[string, () => Store]>([
  ['idbStore', () => idbStore(`clipmesh-test-${Math.random()}`)],
  ['memoryStore', memoryStore],
])('%s', (_, make) => {
  it('round-trips values, lists keys and deletes', async () => {
    const store = make();
    const value = { text: 'héllo 👋', at: 1, nested: [1, null, { ok: true }] };
    expect(await store.get('missing')).toBeUndefined();
    await store.set('clip', value);
    await store.set('count', 3);
    expect(await store.get('clip')).toEqual(value);
    expect((await store.keys())?.sort()).toEqual(['clip', 'count']);
    await store.del('clip');
    expect(await store.get('clip')).toBeUndefined();
    expect(await store.keys()).toEqual(['count']);
  });

  it('stores a copy, so later changes to the value are not saved', async () => {
    const store = make();
    const value = { list: [1] };
    await store.set('v', value);
    value.list.push(2);
    const read = await store.get<{ list: number[] }>('v');
    read?.list.push(3);
    expect(await store.get('v')).toEqual({ list: [1] });
  });

  it('writes puts and deletes together, and reads many keys at once', async () => {
    const store = make();
    await store.set('old', 1);
    await store.write(
      [
        ['a', { n: 1 }],
        ['b', 2],
      ],
      ['old'],
    );
    expect(await store.getMany(['a', 'old', 'b'])).toEqual([{ n: 1 }, undefined, 2]);
  });
});

it('idbStore keeps values across two handles on the same database', async () => {
  const name = `clipmesh-test-${Math.random()}`;
  await idbStore(name).set('device', { id: 'device-AAAA' });
  expect(await idbStore(name).get('device')).toEqual({ id: 'device-AAAA' });
});
