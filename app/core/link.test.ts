import { describe, expect, it } from 'vitest';
import {
  LINK_ERRORS,
  makeJoinLink,
  newRoomSecret,
  parseJoinInput,
  parseLocationHash,
  ROOM_CODE_LENGTH,
  roomCode,
} from './link';

const secret = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
const code = roomCode(secret);
const relay = 'https://relay.example:8443/base?x=1&y=a+b';

function secretOf(text: string, appUrl?: string) {
  const result = parseJoinInput(text, appUrl);
  if (!result.ok) throw new Error(result.error);
  return result;
}

function errorOf(text: string, appUrl?: string): string {
  const result = parseJoinInput(text, appUrl);
  if (result.ok) throw new Error(`accepted ${JSON.stringify(text)}`);
  return result.error;
}

describe('room secrets and codes', () => {
  it('a new secret is 16 random bytes and its code 22 base64url characters', () => {
    const a = newRoomSecret();
    expect(a.length).toBe(16);
    expect(roomCode(a)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(ROOM_CODE_LENGTH).toBe(22);
    expect(roomCode(newRoomSecret())).not.toBe(roomCode(a));
  });

  it('refuses a secret of the wrong size', () => {
    expect(() => roomCode(new Uint8Array(15))).toThrow(RangeError);
  });
});

describe('makeJoinLink', () => {
  it('puts the code in the fragment and replaces any existing fragment', () => {
    expect(makeJoinLink('https://clip.example/app/?src=pwa#old', secret)).toBe(
      `https://clip.example/app/?src=pwa#k=${code}`,
    );
  });

  it('adds an encoded relay address after the code', () => {
    const link = makeJoinLink('https://clip.example/', secret, relay);
    expect(link).toBe(`https://clip.example/#k=${code}&relay=${encodeURIComponent(relay)}`);
    // The secret never reaches the parts a browser sends to a server.
    const url = new URL(link);
    expect(url.origin + url.pathname + url.search).not.toContain(code);
  });

  it('refuses a relay that is not http(s)', () => {
    expect(() => makeJoinLink('https://clip.example/', secret, 'javascript:alert(1)')).toThrow(
      LINK_ERRORS.badRelay,
    );
  });
});

describe('parseJoinInput accepts', () => {
  const link = makeJoinLink('https://clip.example/app/', secret, relay);

  it.each([
    ['a full https link', `https://clip.example/#k=${code}`],
    ['an http link on another host and port', `http://192.168.1.20:5173/x/?q=1#k=${code}`],
    ['an upper-case scheme', `HTTPS://clip.example/#k=${code}`],
    ['a link without scheme', `example.com/#k=${code}`],
    ['localhost with a port and no scheme', `localhost:8787/#k=${code}`],
    ['the bare room code', code],
    ['a bare fragment', `#k=${code}`],
    ['a link with other fragment parameters first', `https://a.example/#x=1&k=${code}`],
    ['surrounding whitespace and newlines', `\n\t  https://clip.example/#k=${code}  \r\n`],
    ['a bare code with a trailing newline', `${code}\n`],
  ])('%s', (_, text) => {
    const result = secretOf(text);
    expect(result.secret).toEqual(secret);
    expect(result.relayUrl).toBeUndefined();
  });

  it('a link made by makeJoinLink, relay included', () => {
    expect(secretOf(link)).toEqual({ ok: true, secret, relayUrl: relay });
  });

  it('a link relative to the app when the app URL is known', () => {
    expect(secretOf(`/#k=${code}`, 'https://clip.example/app/').secret).toEqual(secret);
  });
});

describe('parseJoinInput rejects', () => {
  it.each([
    ['empty input', '', LINK_ERRORS.empty],
    ['only whitespace', ' \n\t ', LINK_ERRORS.empty],
    ['a link without a code', 'https://clip.example/app/', LINK_ERRORS.noCode],
    [
      'a fragment without k',
      'https://clip.example/#relay=https%3A%2F%2Fr.example',
      LINK_ERRORS.noCode,
    ],
    [
      'a code in the query instead of the fragment',
      `https://clip.example/?k=${code}`,
      LINK_ERRORS.noCode,
    ],
    ['a code one character short', code.slice(1), LINK_ERRORS.badCode],
    ['a code one character long', `${code}A`, LINK_ERRORS.badCode],
    ['a code with a foreign character', `${code.slice(1)}+`, LINK_ERRORS.badCode],
    ['a code with a space inside', `${code.slice(0, 10)} ${code.slice(10)}`, LINK_ERRORS.notLink],
    ['a link with a short code', `https://clip.example/#k=${code.slice(2)}`, LINK_ERRORS.badCode],
    ['a code whose last character is not canonical', `${code.slice(0, 21)}B`, LINK_ERRORS.badCode],
    ['a javascript: link', `javascript:alert(1)//#k=${code}`, LINK_ERRORS.badScheme],
    ['a data: link', `data:text/html,hi#k=${code}`, LINK_ERRORS.badScheme],
    ['a file: link', `file:///etc/passwd#k=${code}`, LINK_ERRORS.badScheme],
    ['an ftp link', `ftp://clip.example/#k=${code}`, LINK_ERRORS.badScheme],
    ['a relative link without an app URL', `/#k=${code}`, LINK_ERRORS.notLink],
    ['prose', 'hello there, join my room', LINK_ERRORS.notLink],
    ['a huge paste', `https://a.example/#k=${code}${'x'.repeat(5000)}`, LINK_ERRORS.tooLong],
  ])('%s', (_, text, error) => {
    expect(errorOf(text)).toBe(error);
  });

  it.each([
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:text/plain,x'],
    ['relative', '/relay'],
    ['scheme without slashes', 'http:relay.example'],
    ['broken percent-encoding', '%E0%A4%A'],
    ['empty', ''],
  ])('a relay address that is %s', (_, relayUrl) => {
    const text = `https://clip.example/#k=${code}&relay=${relayUrl.startsWith('%') ? relayUrl : encodeURIComponent(relayUrl)}`;
    expect(errorOf(text)).toBe(LINK_ERRORS.badRelay);
  });
});

describe('parseLocationHash', () => {
  it('is null when the hash names no room', () => {
    expect(parseLocationHash('')).toBeNull();
    expect(parseLocationHash('#')).toBeNull();
    expect(parseLocationHash('#settings')).toBeNull();
  });

  it('reads the code and relay, and reports a bad code', () => {
    const hash = new URL(makeJoinLink('https://clip.example/', secret, relay)).hash;
    expect(parseLocationHash(hash)).toEqual({ ok: true, secret, relayUrl: relay });
    expect(parseLocationHash('#k=short')).toEqual({ ok: false, error: LINK_ERRORS.badCode });
  });
});
