import { describe, expect, it } from 'vitest';
import { parseRelayEvent, relayError, retryAfterMs } from './relay-wire';

describe('relay wire', () => {
  it('reads Retry-After as seconds or as a date', () => {
    const at = (value: string) =>
      retryAfterMs(new Response(null, { headers: { 'retry-after': value } }));
    expect(at('3')).toBe(3_000);
    expect(at('soon')).toBeUndefined();
    expect(at(new Date(Date.now() - 1_000).toUTCString())).toBe(0);
    expect(retryAfterMs(new Response(null))).toBeUndefined();
  });

  it('checks every relay event shape', () => {
    const ev = (event: string, data: string) => parseRelayEvent({ event, data, id: '1.1' });
    expect(ev('members', '{"devices":["device-b"],"resumed":true}')).toEqual({
      type: 'members',
      devices: ['device-b'],
      relays: [],
    });
    expect(ev('members', '{"devices":["bad id"]}')).toBe('members: bad devices');
    expect(ev('leave', '{"device":"device-b"}')).toEqual({ type: 'leave', device: 'device-b' });
    expect(ev('message', '{"from":"device-b","payload":7}')).toBe('message: bad from or payload');
    expect(ev('replaced', '{"reason":"takeover"}')).toEqual({ type: 'replaced' });
    // An array is not the object the contract sends, whatever it holds.
    expect(ev('join', '[]')).toBe('join: data is not an object');
  });
  it('reads the sibling relays a members event advertises, and drops odd ones', () => {
    const members = (relays: unknown) =>
      parseRelayEvent({
        event: 'members',
        id: '1.1',
        data: JSON.stringify({ devices: [], relays }),
      });
    expect(members(['https://r2.example', 'http://127.0.0.1:9'])).toEqual({
      type: 'members',
      devices: [],
      relays: ['https://r2.example', 'http://127.0.0.1:9'],
    });
    expect(members(['javascript:alert(1)'])).toBe('members: bad relays');
    expect(members('https://r2.example')).toBe('members: bad relays');
    expect(members(Array.from({ length: 9 }, (_, i) => `https://r${i}.example`))).toBe(
      'members: bad relays',
    );
    expect(members([`https://${'a'.repeat(200)}.example`])).toBe('members: bad relays');
  });

  it('reads the servers a members event names, leaving out what does not check out', () => {
    const members = (ice: unknown) =>
      parseRelayEvent({ event: 'members', id: '1.1', data: JSON.stringify({ devices: [], ice }) });
    const turn = { urls: ['turn:10.200.0.1:3478'], username: '99:dev', credential: 'pw' };
    expect(
      members({ iceServers: [{ urls: ['stun:10.200.0.1:3478'] }, turn], expiresAt: 99_000 }),
    ).toEqual({
      type: 'members',
      devices: [],
      relays: [],
      ice: { servers: [{ urls: ['stun:10.200.0.1:3478'] }, turn], expiresAt: 99_000 },
    });
    expect(members({ iceServers: [{ urls: ['http://evil.example'] }, { urls: 7 }] })).toEqual({
      type: 'members',
      devices: [],
      relays: [],
      ice: { servers: [] },
    });
    // Not an answer at all: the event still counts, and the device asks the relay itself.
    for (const odd of ['stun:x', [turn], null]) {
      expect(members(odd)).toEqual({ type: 'members', devices: [], relays: [] });
    }
  });

  it('reads the relay words from an error body, or names the status', async () => {
    const full = new Response('{"error":"room is full","code":"room_full"}', { status: 403 });
    expect(await relayError(full)).toEqual({ detail: 'room is full', full: true });
    // Another 403 that happens to say "full" is not taken for a full room: the code decides.
    const origin = new Response('{"error":"origin full of doubt","code":"origin_not_allowed"}', {
      status: 403,
    });
    expect(await relayError(origin)).toEqual({ detail: 'origin full of doubt', full: false });
    expect(await relayError(new Response('<html>', { status: 502 }))).toEqual({
      detail: 'the relay answered 502',
      full: false,
    });
  });
});
