// What a room secret yields: the public room id the relay sees, and the key that seals
// signaling. HKDF with distinct `info` strings keeps the two independent.

import { encodeBase64Url } from './base64url';
import { ROOM_SECRET_BYTES } from './link';

const SALT = new TextEncoder().encode('clipmesh v1');
const ROOM_ID_INFO = new TextEncoder().encode('clipmesh room id');
const SEAL_KEY_INFO = new TextEncoder().encode('clipmesh seal key');

export interface RoomKeys {
  /** base64url of 16 derived bytes: what the relay knows the room by. */
  roomId: string;
  /** AES-GCM 256, non-extractable. */
  sealKey: CryptoKey;
}

export interface DeviceIdentity {
  /** base64url of 12 random bytes, matches DEVICE_ID_PATTERN. */
  id: string;
  /** base64url of 24 random bytes, matches DEVICE_KEY_PATTERN; proves the id to the relay. */
  key: string;
}

export async function deriveRoomKeys(secret: Uint8Array): Promise<RoomKeys> {
  if (secret.length !== ROOM_SECRET_BYTES) {
    throw new RangeError(`A room secret is ${ROOM_SECRET_BYTES} bytes, got ${secret.length}`);
  }
  // A copy, so a view on a shared or larger buffer is never handed to WebCrypto.
  const master = await crypto.subtle.importKey('raw', new Uint8Array(secret), 'HKDF', false, [
    'deriveBits',
    'deriveKey',
  ]);
  const hkdf = (info: Uint8Array) => ({ name: 'HKDF', hash: 'SHA-256', salt: SALT, info });
  const [idBits, sealKey] = await Promise.all([
    crypto.subtle.deriveBits(hkdf(ROOM_ID_INFO), master, 128),
    crypto.subtle.deriveKey(hkdf(SEAL_KEY_INFO), master, { name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]),
  ]);
  return { roomId: encodeBase64Url(new Uint8Array(idBits)), sealKey };
}

export function newDeviceIdentity(): DeviceIdentity {
  const random = (n: number) => encodeBase64Url(crypto.getRandomValues(new Uint8Array(n)));
  return { id: random(12), key: random(24) };
}
