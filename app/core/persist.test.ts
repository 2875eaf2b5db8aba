import { describe, expect, it } from 'vitest';
import { roomClipStorage } from './clip-store';
import { type HeldClip, held } from './held-clip';
import { DEVICE_SECRET_PATTERN, relayKey } from './keys';
import {
  browserDeviceIds,
  forgetRoom,
  listRooms,
  loadDeviceIdentity,
  loadSettings,
  rememberRoom,
  rememberSiblings,
  renameRoom,
  saveDeviceName,
  saveSettings,
  setIdentitySlot,
} from './persist';
import { memoryStore } from './storage';

const code = 'AAAAAAAAAAAAAAAAAAAAAA';
const clip = (id: string, at = 1): HeldClip =>
  held({
    id: `clip-${id.padStart(4, '0')}`,
    text: `text ${id}`,
    from: 'device-AAAA',
    fromName: 'Phone',
    at,
    stamp: at,
  });

describe('device identity', () => {
  it('is created once and then loaded, name included', async () => {
    const store = memoryStore();
    const first = await loadDeviceIdentity('  Pixel 8  ', store);
    expect(first.name).toBe('Pixel 8');
    expect(await loadDeviceIdentity('Other', store)).toEqual(first);
    expect(await saveDeviceName('Work phone', store)).toEqual({ ...first, name: 'Work phone' });
    expect(await loadDeviceIdentity('Other', store)).toEqual({ ...first, name: 'Work phone' });
  });

  it('two calls at once agree on one identity', async () => {
    const store = memoryStore();
    const [a, b] = await Promise.all([
      loadDeviceIdentity('A', store),
      loadDeviceIdentity('B', store),
    ]);
    expect(b).toEqual(a);
  });

  it('keeps an identity from before per-relay keys, its key only for the relays that knew it', async () => {
    const store = memoryStore();
    const old = { id: 'device-AAAAAAAAAAAA', key: 'k'.repeat(32), name: 'Old phone' };
    await store.set('device', old);
    await saveSettings({ autoCopy: false, relayUrl: 'https://mine.example/relay' }, store);
    await rememberRoom({ code: 'room-a', relayUrl: 'https://friend.example' }, store);
    await rememberRoom({ code: 'room-b' }, store);
    const device = await loadDeviceIdentity('New', store);
    expect(device).toMatchObject(old);
    expect(device.secret).toMatch(DEVICE_SECRET_PATTERN);
    expect([...device.keyOrigins].sort()).toEqual([
      'https://friend.example',
      'https://mine.example',
    ]);
    expect(await relayKey(device, 'https://mine.example')).toBe(old.key);
    expect(await relayKey(device, 'https://friend.example/x')).toBe(old.key);
    expect(await relayKey(device, 'https://scanned.example')).not.toBe(old.key);
    // Saved: the next visit derives the same keys.
    expect(await loadDeviceIdentity('New', store)).toEqual(device);
    expect(await saveDeviceName('Renamed', store)).toEqual({ ...device, name: 'Renamed' });
  });

  it('refuses a saved list of origins that is not one', async () => {
    const store = memoryStore();
    const first = await loadDeviceIdentity('A', store);
    await store.set('device', { ...first, keyOrigins: 'https://a.example' });
    const again = await loadDeviceIdentity('A', store);
    expect(again.id).toBe(first.id);
    expect(again.keyOrigins).toEqual([]);
  });

  it('is made afresh when the saved one is damaged', async () => {
    const store = memoryStore();
    await store.set('device', { id: 'x', key: 'short', name: 'Old' });
    const device = await loadDeviceIdentity('New', store);
    expect(device.id).not.toBe('x');
    expect(device.name).toBe('New');
  });
});

describe('rooms', () => {
  it('are listed most recently used first, and renamed and forgotten', async () => {
    const store = memoryStore();
    await rememberRoom({ code: 'room-a', name: 'Home', lastUsed: 1 }, store);
    await rememberRoom(
      { code: 'room-b', name: 'Work', relayUrl: 'https://r.example', lastUsed: 3 },
      store,
    );
    await rememberRoom({ code: 'room-c', name: 'Trip', lastUsed: 2 }, store);
    expect((await listRooms(store)).map((r) => r.code)).toEqual(['room-b', 'room-c', 'room-a']);

    // Opening a room again moves it to the top and keeps its name and relay.
    await rememberRoom({ code: 'room-b', lastUsed: 0 }, store);
    await rememberRoom({ code: 'room-a', lastUsed: 9 }, store);
    const rooms = await listRooms(store);
    expect(rooms[0]).toEqual({ code: 'room-a', name: 'Home', lastUsed: 9 });
    expect(rooms.find((r) => r.code === 'room-b')).toEqual({
      code: 'room-b',
      name: 'Work',
      relayUrl: 'https://r.example',
      lastUsed: 0,
    });

    await renameRoom('room-c', 'Holiday', store);
    await forgetRoom('room-a', store);
    expect((await listRooms(store)).map((r) => [r.code, r.name])).toEqual([
      ['room-c', 'Holiday'],
      ['room-b', 'Work'],
    ]);
  });

  it('remember the siblings their relay advertised through being opened again', async () => {
    const store = memoryStore();
    await rememberRoom({ code: 'room-a', name: 'Home', lastUsed: 1 }, store);
    await rememberSiblings('room-a', 'https://r1.example', ['https://r2.example'], store);
    await rememberRoom({ code: 'room-a', lastUsed: 2 }, store);
    expect((await listRooms(store))[0]).toEqual({
      code: 'room-a',
      name: 'Home',
      lastUsed: 2,
      siblings: { relay: 'https://r1.example', urls: ['https://r2.example'] },
    });
  });

  it('forget siblings that do not check out, never the room', async () => {
    const store = memoryStore();
    const room = { code: 'room-a', name: 'Home', lastUsed: 1 };
    for (const siblings of [
      { relay: 'https://r1.example', urls: ['javascript:alert(1)'] },
      { relay: 'https://r1.example', urls: 'https://r2.example' },
      { relay: 7, urls: ['https://r2.example'] },
      { relay: 'https://r1.example', urls: [] },
      'https://r2.example',
    ]) {
      await store.set('rooms', [{ ...room, siblings }]);
      expect(await listRooms(store)).toEqual([room]);
    }
  });

  it('lose no change when several happen at once', async () => {
    const store = memoryStore();
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => rememberRoom({ code: `room-${i}`, lastUsed: i }, store)),
    );
    expect(await listRooms(store)).toHaveLength(10);
  });

  it('forgetting a room deletes its clips, and only its own', async () => {
    const store = memoryStore();
    const other = 'BBBBBBBBBBBBBBBBBBBBBB';
    await rememberRoom({ code, name: 'Home' }, store);
    const save = (room: string, self: string, history: HeldClip[], outbox: HeldClip[] = []) =>
      roomClipStorage(room, self, store).save({ history, outbox, deleted: [] }, 1e6);
    await save(code, 'device-AAAA', [clip('1')], [clip('2')]);
    await save(code, 'device-BBBB', [clip('4')]);
    await save(other, 'device-AAAA', [clip('3')]);
    await forgetRoom(code, store);
    for (const self of ['device-AAAA', 'device-BBBB']) {
      expect(await roomClipStorage(code, self, store).load()).toEqual({
        history: [],
        outbox: [],
        deleted: [],
      });
    }
    expect((await roomClipStorage(other, 'device-AAAA', store).load()).history).toEqual([
      clip('3'),
    ]);
    expect((await store.keys()).filter((key) => key.includes(code))).toEqual([]);
  });
});

describe('settings', () => {
  it('default to no auto-copy, and round-trip', async () => {
    const store = memoryStore();
    expect(await loadSettings(store)).toEqual({ autoCopy: false });
    const settings = {
      autoCopy: true,
      relayUrl: 'https://relay.example',
      iceServers: [{ urls: 'stun:stun.example:3478' }],
      forceRelay: true,
      roomSpaceMiB: 5,
    };
    await saveSettings(settings, store);
    expect(await loadSettings(store)).toEqual(settings);
  });

  it('ignore fields of the wrong type', async () => {
    const store = memoryStore();
    await store.set('settings', { autoCopy: 'yes', relayUrl: 5, iceServers: 'x' });
    expect(await loadSettings(store)).toEqual({ autoCopy: false });
    for (const roomSpaceMiB of [0, 1.5, '5', 1e9, Number.NaN]) {
      await store.set('settings', { autoCopy: true, roomSpaceMiB });
      expect(await loadSettings(store)).toEqual({ autoCopy: true });
    }
  });
});

describe('identity slots', () => {
  it("list this browser's devices, one per slot used", async () => {
    const store = memoryStore();
    try {
      const ids: string[] = [];
      for (const slot of [0, 2]) {
        setIdentitySlot(slot);
        ids.push((await loadDeviceIdentity('Laptop', store)).id);
      }
      await store.set('device/3', { id: 'not valid' });
      expect(await browserDeviceIds(store)).toEqual(ids);
    } finally {
      setIdentitySlot(0);
    }
  });

  it('gives each tab slot its own identity, and slot 0 stays the browser identity', async () => {
    const store = memoryStore();
    try {
      setIdentitySlot(0);
      const main = await loadDeviceIdentity('Laptop', store);
      setIdentitySlot(1);
      const second = await loadDeviceIdentity('Laptop (tab 2)', store);
      expect(second.id).not.toBe(main.id);
      expect(second.name).toBe('Laptop (tab 2)');
      expect(await loadDeviceIdentity('ignored', store)).toEqual(second);
      setIdentitySlot(0);
      expect(await loadDeviceIdentity('ignored', store)).toEqual(main);
    } finally {
      setIdentitySlot(0);
    }
  });
});
