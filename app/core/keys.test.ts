import { describe, expect, it } from 'vitest';
import { DEVICE_ID_PATTERN, DEVICE_KEY_PATTERN, ROOM_ID_PATTERN } from '../../relay/contract';
import { encodeBase64Url } from './base64url';
import {
  DEVICE_SECRET_PATTERN,
  deriveRoomKeys,
  newDeviceIdentity,
  relayKey,
  relayOrigin,
} from './keys';

const secretA = new Uint8Array(16).fill(1);
const secretB = new Uint8Array(16).fill(2);

describe('deriveRoomKeys', () => {
  it('derives the same room id from the same secret, matching the relay pattern', async () => {
    const first = await deriveRoomKeys(secretA);
    const again = await deriveRoomKeys(Uint8Array.from(secretA));
    expect(first.roomId).toBe(again.roomId);
    expect(first.roomId).toMatch(ROOM_ID_PATTERN);
    expect(first.roomId).toHaveLength(22);
  });

  it('derives different room ids from different secrets', async () => {
    const [a, b] = await Promise.all([deriveRoomKeys(secretA), deriveRoomKeys(secretB)]);
    expect(a.roomId).not.toBe(b.roomId);
  });

  it('the room id does not reveal the secret', async () => {
    const { roomId } = await deriveRoomKeys(secretA);
    expect(roomId).not.toBe(encodeBase64Url(secretA));
  });

  it('gives a non-extractable AES-GCM 256 key for encrypt and decrypt', async () => {
    const { sealKey } = await deriveRoomKeys(secretA);
    expect(sealKey.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
    expect(sealKey.extractable).toBe(false);
    expect([...sealKey.usages].sort()).toEqual(['decrypt', 'encrypt']);
    await expect(crypto.subtle.exportKey('raw', sealKey)).rejects.toThrow();
  });

  it('keys from the same secret decrypt each other; from another secret they do not', async () => {
    const iv = new Uint8Array(12);
    const [a1, a2, b] = await Promise.all([
      deriveRoomKeys(secretA),
      deriveRoomKeys(secretA),
      deriveRoomKeys(secretB),
    ]);
    const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, a1.sealKey, secretB);
    const opened = await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, a2.sealKey, sealed);
    expect(new Uint8Array(opened)).toEqual(secretB);
    await expect(
      crypto.subtle.decrypt({ name: 'AES-GCM', iv }, b.sealKey, sealed),
    ).rejects.toThrow();
  });

  it('refuses a secret of the wrong size', async () => {
    await expect(deriveRoomKeys(new Uint8Array(8))).rejects.toThrow(RangeError);
  });
});

describe('newDeviceIdentity', () => {
  it('makes a fresh id and key matching the relay contract', () => {
    const a = newDeviceIdentity();
    const b = newDeviceIdentity();
    expect(a.id).toMatch(DEVICE_ID_PATTERN);
    expect(a.id).toHaveLength(16);
    expect(a.key).toMatch(DEVICE_KEY_PATTERN);
    expect(a.key).toHaveLength(32);
    expect(b.id).not.toBe(a.id);
    expect(b.key).not.toBe(a.key);
    expect(a.secret).toMatch(DEVICE_SECRET_PATTERN);
    expect(b.secret).not.toBe(a.secret);
    expect(a.keyOrigins).toEqual([]);
  });
});

describe('relayKey', () => {
  it('gives each relay origin its own key, matching the relay contract', async () => {
    const device = newDeviceIdentity();
    const a = await relayKey(device, 'https://a.example');
    expect(a).toMatch(DEVICE_KEY_PATTERN);
    expect(a).toHaveLength(32);
    expect(await relayKey(device, 'https://a.example/some/path?x=1')).toBe(a);
    expect(await relayKey(device, 'https://a.example:8443')).not.toBe(a);
    expect(await relayKey(device, 'http://a.example')).not.toBe(a);
    expect(await relayKey(device, 'https://b.example')).not.toBe(a);
    expect(await relayKey(newDeviceIdentity(), 'https://a.example')).not.toBe(a);
  });

  it('never shows the stored key to a relay that did not already know it', async () => {
    const device = { ...newDeviceIdentity(), keyOrigins: ['https://old.example'] };
    expect(await relayKey(device, 'https://old.example/relay')).toBe(device.key);
    expect(await relayKey(device, 'https://new.example')).not.toBe(device.key);
    expect(await relayKey(newDeviceIdentity(), 'https://old.example')).toMatch(DEVICE_KEY_PATTERN);
  });

  it('reads a relay URL as an origin', () => {
    expect(relayOrigin('https://relay.example:8443/prefix/')).toBe('https://relay.example:8443');
    expect(relayOrigin('not a url')).toBe('not a url');
  });
});
