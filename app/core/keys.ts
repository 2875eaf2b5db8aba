// What a room secret yields: the public room id the relay sees, and the key that seals
// signaling. HKDF with distinct `info` strings keeps the two independent. And what a device
// shows a relay: its id, and a key of its own for each relay origin.

import { decodeBase64Url, encodeBase64Url } from './base64url';
import { ROOM_SECRET_BYTES } from './link';

const SALT = new TextEncoder().encode('clipmesh v1');
const ROOM_ID_INFO = new TextEncoder().encode('clipmesh room id');
const SEAL_KEY_INFO = new TextEncoder().encode('clipmesh seal key');
const RELAY_KEY_LABEL = 'clipmesh relay key ';
/** base64url of 32 bytes. */
export const DEVICE_SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface RoomKeys {
  /** base64url of 16 derived bytes: what the relay knows the room by. */
  roomId: string;
  /** AES-GCM 256, non-extractable. */
  sealKey: CryptoKey;
}

export interface DeviceIdentity {
  /** base64url of 12 random bytes, matches DEVICE_ID_PATTERN. */
  id: string;
  /**
   * base64url of 24 random bytes, matches DEVICE_KEY_PATTERN. Versions before per-relay keys
   * showed it to every relay; now only the relays in `keyOrigins` get it, so theirs still match.
   */
  key: string;
  /** base64url of 32 random bytes, never sent: each relay's key is derived from it. */
  secret: string;
  /** Relay origins that already know `key`. */
  keyOrigins: string[];
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

const random = (n: number) => encodeBase64Url(crypto.getRandomValues(new Uint8Array(n)));

export function newDeviceIdentity(): DeviceIdentity {
  return { id: random(12), key: random(24), secret: newDeviceSecret(), keyOrigins: [] };
}

export const newDeviceSecret = (): string => random(32);

/** The origin a relay URL is reached at; relative URLs are read against the page's. */
export function relayOrigin(relayUrl: string): string {
  try {
    return new URL(relayUrl, globalThis.location?.href).origin;
  } catch {
    return relayUrl;
  }
}

/**
 * The key this device shows the relay at `relayUrl`: HMAC-SHA-256 of the relay's origin under the
 * device secret, so one relay never learns what another would accept. Relays that knew the key
 * of older versions keep getting that one, so the id they bound to it is not refused.
 */
export async function relayKey(identity: DeviceIdentity, relayUrl: string): Promise<string> {
  const origin = relayOrigin(relayUrl);
  if (identity.keyOrigins.includes(origin)) return identity.key;
  const secret = await crypto.subtle.importKey(
    'raw',
    decodeBase64Url(identity.secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const label = new TextEncoder().encode(`${RELAY_KEY_LABEL}${origin}`);
  const mac = await crypto.subtle.sign('HMAC', secret, label);
  return encodeBase64Url(new Uint8Array(mac).subarray(0, 24));
}
