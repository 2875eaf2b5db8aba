import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { roomClipStorage } from '../app/core/clip-store';
import { held } from '../app/core/held-clip';
import { listRooms, loadDeviceIdentity, rememberRoom } from '../app/core/persist';
import { fileNameOf, fileStore, keyOfFileName } from './file-store';

const dirs: string[] = [];
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'clipmesh-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('fileStore', () => {
  it('round-trips values, lists keys and deletes, across two handles', async () => {
    const dir = folder();
    const store = fileStore(dir);
    const value = { text: 'héllo 👋', at: 1, nested: [1, null, { ok: true }] };
    expect(await store.get('missing')).toBeUndefined();
    await store.set('clip/ROOM/id-1', value);
    await store.set('count', 3);
    expect(await fileStore(dir).get('clip/ROOM/id-1')).toEqual(value);
    expect((await store.keys()).sort()).toEqual(['clip/ROOM/id-1', 'count']);
    await store.del('clip/ROOM/id-1');
    expect(await store.get('clip/ROOM/id-1')).toBeUndefined();
    expect(await store.keys()).toEqual(['count']);
  });

  it('writes puts and deletes together, and reads many keys at once', async () => {
    const store = fileStore(folder());
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

  it('keeps its folder and files to this user: they hold room secrets', async () => {
    const dir = join(folder(), 'nested', 'clipmesh');
    const store = fileStore(dir);
    await store.set('rooms', [{ code: 'secret' }]);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, fileNameOf('rooms'))).mode & 0o777).toBe(0o600);
  });

  it('escapes keys into safe file names and reads them back', () => {
    for (const key of ['..', 'clip/a/b', 'ü 1', 'device/2', '%2f']) {
      const name = fileNameOf(key);
      expect(name).toMatch(/^[A-Za-z0-9_%-]+\.json$/);
      expect(keyOfFileName(name)).toBe(key);
    }
  });

  it('reads a file that is not JSON as missing, and counts it', async () => {
    const dir = folder();
    writeFileSync(join(dir, fileNameOf('settings')), '{"autoCopy": tru');
    const store = fileStore(dir);
    expect(await store.get('settings')).toBeUndefined();
    expect(store.unreadable).toBe(1);
  });

  it('finishes a write a dead process left in its journal, and drops its torn files', async () => {
    const dir = folder();
    await fileStore(dir).set('old', 1);
    // A pid far above any the system hands out: that process is gone.
    const journal = {
      puts: [
        ['index', { ids: ['a'] }],
        ['clip/a', { text: 'x' }],
      ],
      dels: ['old'],
    };
    writeFileSync(join(dir, 'journal-99999999-0.json'), JSON.stringify(journal));
    writeFileSync(join(dir, `${fileNameOf('index')}.99999999-ab12.tmp`), '{"ids":');
    writeFileSync(join(dir, 'journal-99999998-1.json'), '{"puts": [["torn"');
    const store = fileStore(dir);
    expect(await store.getMany(['index', 'clip/a', 'old'])).toEqual([
      { ids: ['a'] },
      { text: 'x' },
      undefined,
    ]);
    expect(readdirSync(dir).sort()).toEqual([fileNameOf('clip/a'), fileNameOf('index')].sort());
  });

  it('holds what the app core keeps: identity, rooms and a room’s clips', async () => {
    const dir = folder();
    const store = fileStore(dir);
    const device = await loadDeviceIdentity('terminal', store);
    expect(await loadDeviceIdentity('other', fileStore(dir))).toEqual(device);
    await rememberRoom({ code: 'ROOM', relayUrl: 'http://127.0.0.1:1' }, store);
    expect((await listRooms(fileStore(dir)))[0]).toMatchObject({ relayUrl: 'http://127.0.0.1:1' });

    const clip = held({
      id: 'clip-0001',
      text: 'saved',
      from: device.id,
      fromName: 'x',
      at: 5,
      stamp: 5,
    });
    const clips = { history: [clip], outbox: [clip], deleted: [] };
    await roomClipStorage('ROOM', device.id, store).save(clips, 1_000_000);
    expect(await roomClipStorage('ROOM', device.id, fileStore(dir)).load()).toEqual(clips);
    expect(
      readFileSync(join(dir, fileNameOf(`clip/ROOM/${device.id}/clip-0001`)), 'utf8'),
    ).toContain('saved');
  });
});
