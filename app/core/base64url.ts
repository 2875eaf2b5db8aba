// base64url without padding (RFC 4648 §5): room codes, ids and sealed payloads.
// Table-driven rather than btoa/atob: several times faster on signaling-sized payloads.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const INVALID = 0xff;
const ENCODE = new TextEncoder().encode(ALPHABET);
const DECODE = new Uint8Array(256).fill(INVALID);
for (let i = 0; i < ENCODE.length; i++) DECODE[ENCODE[i] as number] = i;
const ascii = new TextDecoder();
const utf8 = new TextEncoder();

export class Base64UrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Base64UrlError';
  }
}

export function encodeBase64Url(bytes: Uint8Array): string {
  const n = bytes.length;
  const out = new Uint8Array(Math.ceil((n * 4) / 3));
  let o = 0;
  for (let i = 0; i < n; i += 3) {
    const left = n - i;
    const v = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out[o++] = ENCODE[v >> 18] as number;
    out[o++] = ENCODE[(v >> 12) & 63] as number;
    if (left > 1) out[o++] = ENCODE[(v >> 6) & 63] as number;
    if (left > 2) out[o++] = ENCODE[v & 63] as number;
  }
  return ascii.decode(out);
}

/** Throws Base64UrlError on characters outside the alphabet, padding, or an impossible length. */
export function decodeBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const tail = text.length % 4;
  if (tail === 1) throw new Base64UrlError('Not base64url: the length is impossible');
  const codes = utf8.encode(text);
  // Any non-ASCII character grows the UTF-8 form; its bytes also decode as INVALID.
  const n = codes.length;
  const out = new Uint8Array(Math.floor((n * 3) / 4));
  let seen = n === text.length ? 0 : INVALID;
  let o = 0;
  for (let i = 0; i < n; i += 4) {
    const a = DECODE[codes[i] as number] as number;
    const b = DECODE[codes[i + 1] as number] as number;
    const c = i + 2 < n ? (DECODE[codes[i + 2] as number] as number) : 0;
    const d = i + 3 < n ? (DECODE[codes[i + 3] as number] as number) : 0;
    seen |= a | b | c | d;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >> 16;
    if (i + 2 < n) out[o++] = (v >> 8) & 0xff;
    if (i + 3 < n) out[o++] = v & 0xff;
  }
  if (seen > 63) {
    throw new Base64UrlError('Not base64url: only letters, digits, - and _ are allowed');
  }
  // Unused low bits of the last character must be zero, so each byte string has one spelling.
  const last = DECODE[codes[n - 1] as number] as number;
  if (tail !== 0 && (last & (tail === 2 ? 0x0f : 0x03)) !== 0) {
    throw new Base64UrlError('Not base64url: the last character is not canonical');
  }
  return out;
}
