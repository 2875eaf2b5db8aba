import { describe, expect, it } from 'vitest';
import { iceServerError, iceUrlError, parseIceResponse } from './ice-servers';

describe('iceUrlError', () => {
  it.each([
    'stun:stun.example.com',
    'stun:10.200.0.1:3478',
    'stun:[fd00::1]:3478',
    'turn:turn.example.com:3478?transport=tcp',
    'turns:turn.example.com:5349',
    ' TURN:Turn.Example.com ',
  ])('takes %s', (url) => {
    expect(iceUrlError(url)).toBeNull();
  });

  it.each([
    ['', 'Enter a server address, like stun:stun.example.com:3478.'],
    ['https://turn.example.com', 'A server address starts with stun:, turn: or turns:.'],
    ['turn.example.com:3478', 'A server address starts with stun:, turn: or turns:.'],
    ['stun://stun.example.com', 'Leave out the // after the colon: stun:host:port.'],
    ['turn:user@turn.example.com', 'After the colon comes a host name or address, then :port.'],
    ['stun:stun.example.com:99999', 'The port must be a number from 1 to 65535.'],
    ['stun:stun.example.com?transport=udp', 'The only option a TURN address may have is'],
    ['turn:turn.example.com?transport=sctp', 'The only option a TURN address may have is'],
    ['javascript:alert(1)', 'A server address starts with stun:, turn: or turns:.'],
  ])('refuses %j in plain words', (url, words) => {
    expect(iceUrlError(url)).toContain(words);
  });
});

describe('iceServerError', () => {
  it('asks for the user name and password of a TURN server, not of a STUN one', () => {
    expect(iceServerError({ urls: 'turn:t.example' })).toBe(
      'A TURN server needs the user name and password its owner gave you.',
    );
    expect(iceServerError({ urls: 'turn:t.example', username: 'u', credential: 'p' })).toBeNull();
    expect(iceServerError({ urls: ['stun:s.example', 'stun:s2.example'] })).toBeNull();
  });
});

describe('parseIceResponse', () => {
  it('keeps well-formed entries and the expiry', () => {
    const turn = { urls: ['turn:10.200.0.1:3478'], username: '1:dev', credential: 'c2VjcmV0' };
    const body = { iceServers: [{ urls: ['stun:10.200.0.1:3478'] }, turn], expiresAt: 1000 };
    expect(parseIceResponse(body)).toEqual({
      servers: [{ urls: ['stun:10.200.0.1:3478'] }, turn],
      expiresAt: 1000,
    });
  });

  it('drops what a relay should not send, and survives any shape', () => {
    const body = {
      iceServers: [
        { urls: ['http://tracker.example'] },
        { urls: ['turn:10.200.0.1'] },
        { urls: 'stun:10.200.0.1' },
        { urls: ['turn:10.200.0.1'], username: 'u', credential: 'x'.repeat(600) },
        null,
        { urls: ['stun:10.200.0.1'] },
      ],
      expiresAt: 'soon',
    };
    expect(parseIceResponse(body)).toEqual({ servers: [{ urls: ['stun:10.200.0.1'] }] });
    for (const junk of [null, 1, 'text', [], { iceServers: {} }]) {
      expect(parseIceResponse(junk)).toEqual({ servers: [] });
    }
  });
});
