import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, join, roomId, startRelay } from './harness';

afterEach(closeAll);

/** A seeded generator, so a failing case can be replayed. */
function random(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const bytes = (size: number) =>
    Buffer.from(Array.from({ length: size }, () => Math.floor(next() * 256)));
  return { next, pick, bytes };
}

/**
 * Writes the bytes and hangs up once a status line is back, the relay closes, or 500 ms
 * pass (a request cut short may get no answer at all). Waiting for the answer, not a fixed
 * moment, keeps a busy machine from turning slow answers into missing ones.
 */
function fling(port: number, chunks: Buffer[], cut: boolean): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(done, 500);
    socket.on('data', (data) => {
      answer += data.toString('latin1');
      if (answer.includes('\r\n')) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    for (const chunk of chunks) socket.write(chunk);
    if (cut) socket.destroy();
  });
}

describe('garbage', () => {
  it('survives random methods, paths, headers, bodies and cut requests', async () => {
    const { url, relay } = await startRelay();
    const port = Number(new URL(url).port);
    const room = roomId();
    const a = await join(url, room);
    const b = await join(url, room);
    const rng = random(20_261_122);
    const methods = [
      'GET',
      'POST',
      'PUT',
      'DELETE',
      'HEAD',
      'OPTIONS',
      'PATCH',
      'BREW',
      'G\0T',
      '',
    ];
    const paths = [
      `/v1/rooms/${room}/events?device=${a.device}&key=${a.key}`,
      `/v1/rooms/${room}/events?device=${a.device}&key=${b.key}`,
      `/v1/rooms/${room}/messages`,
      `/v1/rooms/${'x'.repeat(3000)}/messages`,
      '/v1/rooms//events',
      '/v1/rooms/%00%00/events?device=%ff',
      '/healthz',
      '/metrics?x',
      '/',
      '/../../etc/passwd',
      '/%2e%2e%2f',
      '*',
      'http://evil.example/',
      '/?'.repeat(500),
    ];
    const headers = [
      'Content-Type: application/json',
      'Content-Type: text/plain',
      'Content-Length: 5',
      'Content-Length: -1',
      'Content-Length: 99999999999',
      'Transfer-Encoding: chunked',
      'Last-Event-ID: ....',
      `Last-Event-ID: ${'9'.repeat(400)}`,
      'Origin: null',
      `X-Long: ${'a'.repeat(20_000)}`,
      'Bad Header',
    ];
    const bodies = [
      JSON.stringify({ device: a.device, key: a.key, payload: 'fuzz' }),
      JSON.stringify({ device: a.device, key: a.key, to: b.device, payload: 'fuzz', from: 'x' }),
      '{"device":',
      '[]',
      'null',
      'zz\r\n0\r\n\r\n',
      '5\r\nhello\r\n0\r\n\r\n',
    ];
    const cases: Promise<string>[] = [];
    for (let i = 0; i < 300; i += 1) {
      const chunks: Buffer[] = [];
      if (rng.next() < 0.1) {
        chunks.push(rng.bytes(Math.floor(rng.next() * 2000)));
      } else {
        const lines = [
          `${rng.pick(methods)} ${rng.pick(paths)} ${rng.pick(['HTTP/1.1', 'HTTP/1.0', 'HTTP/9', ''])}`,
        ];
        lines.push('Host: 127.0.0.1');
        for (let h = Math.floor(rng.next() * 4); h > 0; h -= 1) lines.push(rng.pick(headers));
        const request = Buffer.from(`${lines.join('\r\n')}\r\n\r\n${rng.pick(bodies)}`);
        const keep = rng.next() < 0.3 ? Math.floor(rng.next() * request.length) : request.length;
        chunks.push(request.subarray(0, keep));
        if (rng.next() < 0.2) chunks.push(rng.bytes(100));
      }
      cases.push(fling(port, chunks, rng.next() < 0.2));
      if (cases.length % 25 === 0) await Promise.all(cases.slice(-25));
    }
    const answers = await Promise.all(cases);
    expect(answers.some((answer) => answer.startsWith('HTTP/1.1 400'))).toBe(true);
    expect(answers.every((answer) => !answer.startsWith('HTTP/1.1 500'))).toBe(true);
    expect(relay.metrics.rejections('internal')).toBe(0);

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true });
    const c = await join(url, room);
    await c.send('still relaying');
    let message = await b.stream.next('message');
    while (message.json.from !== c.device) message = await b.stream.next('message');
    expect(message.json.payload).toBe('still relaying');
  });
});
