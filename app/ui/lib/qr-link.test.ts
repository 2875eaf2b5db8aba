import { describe, expect, it } from 'vitest';
import { makeJoinLink, newRoomSecret } from '../../core/link';
import { findRoomLink, NO_QR_FOUND, NOT_A_ROOM_LINK } from './qr-link';

const link = makeJoinLink('https://clip.example/', newRoomSecret());

describe('findRoomLink', () => {
  it('accepts a room link', () => {
    expect(findRoomLink([link])).toEqual({ ok: true, link });
  });

  it('accepts a room link that names its relay', () => {
    const withRelay = makeJoinLink('https://clip.example/', newRoomSecret(), 'https://r.example');
    expect(findRoomLink([withRelay])).toEqual({ ok: true, link: withRelay });
  });

  it('picks the room link among other codes in view', () => {
    expect(findRoomLink(['https://example.com/', link])).toEqual({ ok: true, link });
  });

  it.each([
    ['a random web address', 'https://example.com/'],
    ['a link with a broken room code', 'https://clip.example/#k=short'],
    ['plain words', 'hello world'],
    ['a word', 'hello'],
    ['a javascript: address', 'javascript:alert(1)//#k=AAAAAAAAAAAAAAAAAAAAAA'],
    ['Wi-Fi credentials', 'WIFI:S:home;T:WPA;P:secret;;'],
    ['an empty code', ''],
    ['a bare string shaped like a room code', 'AAAAAAAAAAAAAAAAAAAAAA'],
  ])('refuses %s', (_what, text) => {
    expect(findRoomLink([text])).toEqual({ ok: false, error: NOT_A_ROOM_LINK });
  });

  it('says so when no code was found at all', () => {
    expect(findRoomLink([])).toEqual({ ok: false, error: NO_QR_FOUND });
  });
});
