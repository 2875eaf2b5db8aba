import { describe, expect, it } from 'vitest';
import { DEVICE_ID_PATTERN, DEVICE_KEY_PATTERN, ROOM_ID_PATTERN } from '../../relay/contract';
import { encodeBase64Url } from './base64url';
import { deriveRoomKeys, newDeviceIdentity } from './keys';

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
  });
});
