import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, deviceId, deviceKey, join, post, roomId, startRelay } from './harness';
import { parsePublish } from './publish';

afterEach(closeAll);

const body = (value: unknown) => Buffer.from(JSON.stringify(value));
const valid = { device: 'devAAAAA1', key: 'k'.repeat(16), payload: 'sealed' };

describe('parsePublish', () => {
  it('accepts exactly the contract fields', () => {
    expect(parsePublish(body(valid))).toEqual(valid);
    expect(parsePublish(body({ ...valid, to: 'devBBBBB2' }))).toEqual({
      ...valid,
      to: 'devBBBBB2',
    });
  });

  it.each([
    ['not JSON', Buffer.from('{"device":'), 'body is not valid JSON'],
    ['an array', body([valid]), 'body must be a JSON object'],
    ['null', body(null), 'body must be a JSON object'],
    ['a forged from', body({ ...valid, from: 'devBBBBB2' }), 'unknown field "from"'],
    ['a __proto__ field', Buffer.from('{"__proto__":{}}'), 'unknown field "__proto__"'],
    ['a short device', body({ ...valid, device: 'x' }), 'device must be a device id'],
    ['a numeric key', body({ ...valid, key: 1234 }), 'key must be a device key'],
    ['a null to', body({ ...valid, to: null }), 'to must be a device id'],
    ['an empty payload', body({ ...valid, payload: '' }), 'payload must be a non-empty string'],
    ['an object payload', body({ ...valid, payload: {} }), 'payload must be a non-empty string'],
  ])('refuses %s', (_name, bytes, message) => {
    expect(() => parsePublish(bytes)).toThrow(message);
  });
});

/** A chunked POST that keeps sending; resolves with the status the relay answered. */
function postChunked(url: string, room: string, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/rooms/${room}/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      agent: false,
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.write(`{"payload":"${'x'.repeat(bytes)}`);
  });
}

describe('publish', () => {
  it('fans out a broadcast, stamping the sender, and answers 202 with id and count', async () => {
    const { url } = await startRelay();
    const room = roomId();
    const [a, b, c] = [await join(url, room), await join(url, room), await join(url, room)];
    const answer = await a.send('sealed-box');
    expect(answer.status).toBe(202);
    expect(answer.json).toEqual({ id: expect.stringMatching(/\.\d+$/), delivered: 2 });
    for (const other of [b, c]) {
      const message = await other.stream.next('message');
      expect(message.json).toEqual({ from: a.device, payload: 'sealed-box' });
      expect(message.id).toBe(answer.json.id);
    }
    await b.send('reply');
    expect((await a.stream.next('message')).json.from).toBe(b.device);
    // A device never hears its own broadcast.
    expect(a.stream.events.filter((e) => e.event === 'message')).toHaveLength(1);
  });

  it('delivers a targeted message to its target only', async () => {
    const { url } = await startRelay();
    const room = roomId();
    const [a, b, c] = [await join(url, room), await join(url, room), await join(url, room)];
    expect((await a.send('for b', b.device)).json.delivered).toBe(1);
    await c.send('for all');
    expect((await b.stream.next('message')).json.payload).toBe('for b');
    expect((await b.stream.next('message')).json.payload).toBe('for all');
    expect((await a.stream.next('message')).json.payload).toBe('for all');
  });

  it('refuses a forged from, a wrong key, an unbound device and unknown rooms or targets', async () => {
    const { url, relay } = await startRelay();
    const room = roomId();
    const a = await join(url, room);
    const b = await join(url, room);
    const forged = await post(url, room, {
      device: a.device,
      key: a.key,
      from: b.device,
      payload: 'x',
    });
    expect(forged).toMatchObject({
      status: 400,
      json: { error: 'unknown field "from"', code: 'bad_body' },
    });
    const wrongKey = await post(url, room, { device: b.device, key: a.key, payload: 'x' });
    expect(wrongKey).toMatchObject({ status: 403, json: { code: 'wrong_key' } });
    expect(wrongKey.json.error).toMatch(/not bound to this key/);
    const stranger = await post(url, room, { device: deviceId(), key: deviceKey(), payload: 'x' });
    expect(stranger).toMatchObject({ status: 403, json: { code: 'not_bound' } });
    const nowhere = await post(url, roomId(), { device: a.device, key: a.key, payload: 'x' });
    expect(nowhere).toMatchObject({
      status: 404,
      json: { error: 'no such room; subscribe first', code: 'unknown_room' },
    });
    const ghost = await a.send('x', deviceId());
    expect(ghost).toMatchObject({
      status: 404,
      json: { error: 'unknown target device', code: 'unknown_target' },
    });
    expect((await a.send('x', a.device)).status).toBe(404);
    expect(relay.metrics.rejections('wrong_key')).toBe(1);
    expect(relay.metrics.rejections('not_bound')).toBe(1);
    expect(relay.metrics.rejections('unknown_target')).toBe(2);
    expect(b.stream.events.filter((e) => e.event === 'message')).toHaveLength(0);
  });

  it('keeps a device bound after it disconnects, so its key still proves it', async () => {
    const { url } = await startRelay();
    const room = roomId();
    const a = await join(url, room);
    const b = await join(url, room);
    b.stream.close();
    await a.stream.next('leave');
    expect((await b.send('from outside')).status).toBe(202);
    expect((await a.stream.next('message')).json.from).toBe(b.device);
  });

  it('refuses other content types with 415 and bad bodies with 400', async () => {
    const { url, relay } = await startRelay();
    const room = roomId();
    const a = await join(url, room);
    const sealed = JSON.stringify({ device: a.device, key: a.key, payload: 'x' });
    expect((await post(url, room, sealed, 'text/plain')).status).toBe(415);
    expect((await post(url, room, sealed, 'application/jsonp')).status).toBe(415);
    expect((await post(url, room, sealed, 'application/json; charset=utf-8')).status).toBe(202);
    expect((await post(url, room, '{"device":', 'application/json')).status).toBe(400);
    expect((await post(url, room, '', 'application/json')).status).toBe(400);
    const get = await fetch(`${url}/v1/rooms/${room}/messages`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(relay.metrics.rejections('unsupported_type')).toBe(2);
  });

  it('refuses an oversized body with 413 without reading it all', async () => {
    const { url, relay } = await startRelay({ maxBodyBytes: 1024 });
    const room = roomId();
    const a = await join(url, room);
    const big = await post(url, room, { device: a.device, key: a.key, payload: 'x'.repeat(2000) });
    expect(big).toMatchObject({
      status: 413,
      json: { error: 'body is larger than 1024 bytes', code: 'too_large' },
    });
    expect(await postChunked(url, room, 4096)).toBe(413);
    expect(relay.metrics.rejections('too_large')).toBe(2);
    expect((await a.send('y'.repeat(900))).status).toBe(202);
  });

  it('rate limits each device with 429 and Retry-After in seconds', async () => {
    const { url, relay, clock } = await startRelay({ publishRate: 0.5, publishBurst: 2 });
    const room = roomId();
    const a = await join(url, room);
    const b = await join(url, room);
    expect((await a.send('1')).status).toBe(202);
    expect((await a.send('2')).status).toBe(202);
    const limited = await a.send('3');
    expect(limited).toMatchObject({
      status: 429,
      json: { error: 'too many messages; slow down', code: 'rate_limited' },
    });
    expect(limited.headers.get('retry-after')).toBe('2');
    expect((await b.send('other device')).status).toBe(202);
    clock.advance(2000);
    expect((await a.send('4')).status).toBe(202);
    expect(relay.metrics.rejections('rate_limited')).toBe(1);
  });
});
