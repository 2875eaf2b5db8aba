import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from './config';
import type { IceResponse } from './contract';
import { closeAll, deviceKey, join, roomId, startRelay } from './harness';
import { iceAnswer, iceOptionsError, mintTurnCredential, parseIceRequest } from './ice';

afterEach(closeAll);

const TURN = {
  stun: ['stun:turn.example:3478'],
  turn: ['turn:turn.example:3478', 'turn:turn.example:3478?transport=tcp'],
  turnSecret: 'north-wind',
};

function askIce(url: string, room: string, body: unknown) {
  return fetch(`${url}/v1/rooms/${room}/ice`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('TURN credentials', () => {
  it('are coturn REST-API credentials: expiry:device and base64 HMAC-SHA1 of it', () => {
    // The vector comes from `printf '1700086400:devAAAAA1' | openssl dgst -sha1 -hmac north-wind -binary | base64`.
    expect(mintTurnCredential('north-wind', 'devAAAAA1', 1_700_086_400)).toEqual({
      username: '1700086400:devAAAAA1',
      credential: 'xNWX9u4ZaZ1ehwtqsaDc3LdzzME=',
    });
  });

  it('expire after the configured lifetime and differ per device', () => {
    const now = 1_700_000_000_500;
    const a = iceAnswer({ ...TURN, turnTtl: 600 }, 'devAAAAA1', now);
    const b = iceAnswer({ ...TURN, turnTtl: 600 }, 'devBBBBB2', now);
    expect(a.expiresAt).toBe(1_700_000_600_000);
    expect(a.iceServers).toEqual([
      { urls: TURN.stun },
      { urls: TURN.turn, username: '1700000600:devAAAAA1', credential: expect.any(String) },
    ]);
    expect(b.iceServers[1]?.credential).not.toBe(a.iceServers[1]?.credential);
  });

  it('are absent without --turn: only STUN, or nothing', () => {
    expect(iceAnswer({ stun: TURN.stun }, 'devAAAAA1', 0)).toEqual({
      iceServers: [{ urls: TURN.stun }],
    });
    expect(iceAnswer({}, 'devAAAAA1', 0)).toEqual({ iceServers: [] });
  });
});

describe('ICE flags', () => {
  it('read lists of URLs and the secret from flags or env', () => {
    const config = parseConfig(
      ['--stun', 'stun:10.0.0.1:3478', '--turn', 'turn:10.0.0.1,turns:turn.example:5349'],
      { CLIPMESH_TURN_SECRET: 's3cret', CLIPMESH_TURN_TTL: '3600' },
    );
    expect(config).toMatchObject({
      stun: ['stun:10.0.0.1:3478'],
      turn: ['turn:10.0.0.1', 'turns:turn.example:5349'],
      turnSecret: 's3cret',
      turnTtl: 3600,
    });
  });

  it.each([
    [{ stun: ['http://turn.example'] }, '--stun: "http://turn.example" is not a stun:'],
    [{ turn: ['stun:a'], turnSecret: 's' }, '--turn: "stun:a" is not a turn:'],
    [{ turn: ['turn:a?transport=sctp'], turnSecret: 's' }, 'is not a turn:'],
    [{ turn: ['turn:user@a'], turnSecret: 's' }, 'is not a turn:'],
    [{ turn: ['turn:a'] }, '--turn needs --turn-secret'],
    [{ turnSecret: 's' }, '--turn-secret needs --turn'],
  ])('refuse %j', (options, message) => {
    expect(iceOptionsError(options)).toContain(message);
  });

  it('accept STUN alone, and TURN with its secret', () => {
    expect(iceOptionsError({ stun: ['stun:[fd00::1]:3478'] })).toBeUndefined();
    expect(iceOptionsError(TURN)).toBeUndefined();
  });
});

describe('parseIceRequest', () => {
  const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));
  it('takes exactly a device and its key', () => {
    const valid = { device: 'devAAAAA1', key: 'k'.repeat(16) };
    expect(parseIceRequest(bytes(valid))).toEqual(valid);
    expect(() => parseIceRequest(bytes({ ...valid, ttl: 1 }))).toThrow('unknown field "ttl"');
    expect(() => parseIceRequest(bytes({ ...valid, key: 'short' }))).toThrow('key must be');
    expect(() => parseIceRequest(Buffer.from('{'))).toThrow('not valid JSON');
  });
});

describe('the ICE route', () => {
  it('hands a bound device its servers, uncached', async () => {
    const { url } = await startRelay({ ...TURN, turnTtl: 60 });
    const room = roomId();
    const a = await join(url, room);
    const response = await askIce(url, room, { device: a.device, key: a.key });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const answer = (await response.json()) as IceResponse;
    expect(answer.iceServers[1]?.username).toBe(`${1_700_000_060}:${a.device}`);
    expect(answer.expiresAt).toBe(1_700_000_060_000);
  });

  it('hands the same servers in the first event of the stream, so the first link need not ask', async () => {
    const { url } = await startRelay({ ...TURN, turnTtl: 60 });
    const a = await join(url, roomId());
    const [members] = a.stream.events;
    expect(members?.event).toBe('members');
    const { ice } = JSON.parse(members?.data ?? '{}') as { ice: IceResponse };
    expect(ice).toEqual(iceAnswer({ ...TURN, turnTtl: 60 }, a.device, 1_700_000_000_000));
    expect(ice.iceServers[1]?.username).toBe(`${1_700_000_060}:${a.device}`);
  });

  it('refuses a device that cannot prove its binding, in JSON', async () => {
    const { url } = await startRelay(TURN);
    const room = roomId();
    const a = await join(url, room);
    const cases = [
      [room, { device: a.device, key: deviceKey() }, 403, 'wrong_key'],
      [room, { device: 'devNOBODY9', key: deviceKey() }, 403, 'not_bound'],
      [roomId(), { device: a.device, key: a.key }, 404, 'unknown_room'],
      [room, { device: a.device }, 400, 'bad_body'],
    ] as const;
    for (const [where, body, status, code] of cases) {
      const response = await askIce(url, where, body);
      expect(response.status).toBe(status);
      expect(await response.json()).toEqual({ error: expect.any(String), code });
    }
    const get = await fetch(`${url}/v1/rooms/${room}/ice`);
    expect(get.status).toBe(405);
  });
});
