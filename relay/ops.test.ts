import { afterEach, describe, expect, it } from 'vitest';
import {
  closeAll,
  deviceId,
  deviceKey,
  join,
  post,
  roomId,
  startRelay,
  subscribe,
} from './harness';

afterEach(closeAll);

describe('operations', () => {
  it('answers /healthz', async () => {
    const { url } = await startRelay();
    const answer = await fetch(`${url}/healthz`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ ok: true, rooms: 0, subscribers: 0 });
  });

  it('exposes every metric family in Prometheus text', async () => {
    const { url } = await startRelay();
    const room = roomId();
    const a = await join(url, room);
    await join(url, room);
    await a.send('sealed');
    await post(url, room, '{}', 'text/plain');
    const answer = await fetch(`${url}/metrics`);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await answer.text();
    for (const line of [
      '# TYPE clipmesh_relay_rooms gauge',
      'clipmesh_relay_rooms 1',
      'clipmesh_relay_subscribers 2',
      'clipmesh_relay_publishes_total 1',
      '# TYPE clipmesh_relay_events_sent_total counter',
      'clipmesh_relay_events_sent_total{kind="members"} 2',
      'clipmesh_relay_events_sent_total{kind="join"} 1',
      'clipmesh_relay_events_sent_total{kind="message"} 1',
      'clipmesh_relay_bytes_sent_total{kind="message"}',
      'clipmesh_relay_rejections_total{reason="unsupported_type"} 1',
      '# TYPE clipmesh_relay_subscribers_dropped_total counter',
      '# TYPE clipmesh_relay_fanout_seconds histogram',
      'clipmesh_relay_fanout_seconds_bucket{le="+Inf"} 1',
      'clipmesh_relay_fanout_seconds_count 1',
    ]) {
      expect(text).toContain(line);
    }
  });

  it('answers CORS preflight for allowed origins only', async () => {
    const { url } = await startRelay({ origins: ['https://app.example'] });
    const path = `${url}/v1/rooms/${roomId()}/messages`;
    const preflight = await fetch(path, {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    expect(preflight.headers.get('access-control-allow-headers')).toBe(
      'Content-Type, Last-Event-ID',
    );
    const stranger = await fetch(path, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example' },
    });
    expect(stranger.status).toBe(403);
    const refused = await subscribe(url, roomId(), deviceId(), deviceKey(), {
      Origin: 'https://evil.example',
    });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toEqual({
      error: 'origin is not allowed',
      code: 'origin_not_allowed',
    });
    // The app served by the relay itself is same-origin.
    const own = await subscribe(url, roomId(), deviceId(), deviceKey(), { Origin: url });
    expect(own.status).toBe(200);
    expect(own.headers['access-control-allow-origin']).toBe(url);
  });

  it('allows any origin by default and lets it read Retry-After', async () => {
    const { url } = await startRelay();
    const answer = await fetch(`${url}/healthz`, { headers: { Origin: 'https://any.example' } });
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-expose-headers')).toBe('Retry-After');
  });

  it('gives API answers and streams nosniff and CORS, but not the page policies', async () => {
    const { url } = await startRelay();
    const room = roomId();
    const origin = { Origin: 'https://app.example' };
    const stream = await subscribe(url, room, deviceId(), deviceKey(), origin);
    expect(stream.headers['x-content-type-options']).toBe('nosniff');
    expect(stream.headers['access-control-allow-origin']).toBe('*');
    expect(stream.headers['content-security-policy']).toBeUndefined();
    const a = await join(url, room);
    const publish = (body: unknown) =>
      fetch(`${url}/v1/rooms/${room}/messages`, {
        method: 'POST',
        headers: { ...origin, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const answers = [
      await publish({ device: a.device, key: a.key, payload: 'sealed' }),
      await publish({}),
      await fetch(`${url}/healthz`, { headers: origin }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([202, 400, 200]);
    for (const answer of answers) {
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('access-control-allow-origin')).toBe('*');
      expect(answer.headers.get('content-security-policy')).toBeNull();
    }
  });

  it('never logs a payload or a key', async () => {
    const { url, logs } = await startRelay({ publishBurst: 1, publishRate: 0.001 });
    const room = roomId();
    const a = await join(url, room);
    const b = await join(url, room);
    await a.send('PAYLOAD-one');
    await a.send('PAYLOAD-two');
    await post(url, room, { device: a.device, key: b.key, payload: 'PAYLOAD-three' });
    await post(url, room, { device: a.device, key: a.key, payload: 'PAYLOAD-four', extra: 1 });
    await subscribe(url, room, a.device, deviceKey());
    b.stream.close();
    await a.stream.next('leave');
    const text = JSON.stringify(logs);
    expect(logs.length).toBeGreaterThan(5);
    expect(text).not.toContain('PAYLOAD');
    for (const secret of [a.key, b.key, room]) expect(text).not.toContain(secret);
    expect(text).toContain(room.slice(0, 6));
  });

  it('shows the tap every byte in and out', async () => {
    const taps: { in: Buffer[]; out: Buffer[] } = { in: [], out: [] };
    const { url } = await startRelay({ tap: (direction, bytes) => taps[direction].push(bytes) });
    const room = roomId();
    const a = await join(url, room);
    const b = await join(url, room);
    await a.send('sealed-ciphertext');
    await b.stream.next('message');
    const received = Buffer.concat(taps.in).toString();
    const sent = Buffer.concat(taps.out).toString();
    expect(received).toContain(`POST /v1/rooms/${room}/messages HTTP/1.1`);
    expect(received).toContain('"payload":"sealed-ciphertext"');
    expect(sent).toContain('HTTP/1.1 202 Accepted');
    expect(sent).toContain(`data: {"from":"${a.device}","payload":"sealed-ciphertext"}`);
  });
});
