import { describe, expect, it } from 'vitest';
import { Base64UrlError, decodeBase64Url, encodeBase64Url } from './base64url';

describe('base64url', () => {
  it('encodes the RFC 4648 vectors without padding, using - and _', () => {
    const enc = (s: string) => encodeBase64Url(new TextEncoder().encode(s));
    expect(enc('')).toBe('');
    expect(enc('f')).toBe('Zg');
    expect(enc('fo')).toBe('Zm8');
    expect(enc('foo')).toBe('Zm9v');
    expect(enc('foobar')).toBe('Zm9vYmFy');
    expect(encodeBase64Url(new Uint8Array([0xfb, 0xff, 0xfe]))).toBe('-__-');
  });

  it('round-trips every length up to 40 and a buffer larger than one chunk', () => {
    for (let n = 0; n <= 40; n++) {
      const bytes = crypto.getRandomValues(new Uint8Array(n));
      expect(decodeBase64Url(encodeBase64Url(bytes))).toEqual(bytes);
    }
    const big = new Uint8Array(100_000).map((_, i) => i * 7);
    const back = decodeBase64Url(encodeBase64Url(big));
    // A plain loop: deep equality on 100k elements is slow and prints badly.
    expect(back.length).toBe(big.length);
    expect(back.findIndex((b, i) => b !== big[i])).toBe(-1);
  });

  it('rejects padding, standard base64 characters, whitespace and impossible lengths', () => {
    for (const bad of ['Zg==', 'ab+c', 'ab/c', 'ab c', 'Zm9v\n', 'abcde', 'abé', 'a\u0000cd']) {
      expect(() => decodeBase64Url(bad)).toThrow(Base64UrlError);
    }
  });

  it('rejects a non-canonical last character so each value has one spelling', () => {
    expect(decodeBase64Url('Zg')).toEqual(new Uint8Array([0x66]));
    expect(() => decodeBase64Url('Zh')).toThrow(/not canonical/);
    expect(() => decodeBase64Url('Zm9')).toThrow(/not canonical/);
  });
});
