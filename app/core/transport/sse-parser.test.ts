import { describe, expect, it } from 'vitest';
import { createSseParser, type SseEvent } from './sse-parser';

const bytes = (text: string) => new TextEncoder().encode(text);

function parse(
  chunks: Uint8Array[],
  maxEventChars = 1 << 20,
): { events: SseEvent[]; retries: number[]; oversize: number } {
  const events: SseEvent[] = [];
  const retries: number[] = [];
  let oversize = 0;
  const parser = createSseParser(
    {
      onEvent: (e) => events.push(e),
      onRetry: (ms) => retries.push(ms),
      onOversize: () => oversize++,
    },
    { maxEventChars },
  );
  for (const chunk of chunks) parser.push(chunk);
  parser.end();
  return { events, retries, oversize };
}

/** Every way to cut `data` in two, plus one byte at a time. */
function splits(data: Uint8Array): Uint8Array[][] {
  const ways: Uint8Array[][] = [];
  for (let i = 0; i <= data.length; i++) ways.push([data.slice(0, i), data.slice(i)]);
  ways.push(Array.from(data, (b) => Uint8Array.of(b)));
  return ways;
}

describe('sse parser', () => {
  it('reads event, data and id fields and defaults the event name to message', () => {
    const { events } = parse([bytes('event: join\ndata: {"device":"a"}\nid: 1.1\n\ndata: x\n\n')]);
    expect(events).toEqual([
      { event: 'join', data: '{"device":"a"}', id: '1.1' },
      { event: 'message', data: 'x', id: '1.1' },
    ]);
  });

  it('joins multi-line data with newlines and strips only one leading space', () => {
    const { events } = parse([bytes('data:a\ndata:  b\ndata\n\n')]);
    expect(events).toEqual([{ event: 'message', data: 'a\n b\n', id: '' }]);
  });

  it('ignores comments, unknown fields and a blank line with no data', () => {
    const { events } = parse([bytes(': keepalive\n\nevent: x\n\nfoo: bar\ndata: y\n\n')]);
    expect(events).toEqual([{ event: 'message', data: 'y', id: '' }]);
  });

  it('accepts CRLF, LF and CR line endings, mixed', () => {
    const { events } = parse([bytes('data: a\r\n\r\ndata: b\r\rdata: c\n\n')]);
    expect(events.map((e) => e.data)).toEqual(['a', 'b', 'c']);
  });

  it('reports a numeric retry and ignores one that is not', () => {
    const { retries } = parse([bytes('retry: 1500\nretry: 2s\nretry:\n\n')]);
    expect(retries).toEqual([1500]);
  });

  it('ignores an id containing NUL and keeps the previous one', () => {
    const { events } = parse([bytes('id: 7\ndata: a\n\nid: x\0y\ndata: b\n\n')]);
    expect(events.map((e) => e.id)).toEqual(['7', '7']);
  });

  it('discards an event the stream ends before closing', () => {
    const { events } = parse([bytes('data: done\n\ndata: cut')]);
    expect(events.map((e) => e.data)).toEqual(['done']);
  });

  it('gives the same events wherever the chunks are cut, even inside CRLF or a character', () => {
    const stream = bytes('\uFEFFevent: message\r\ndata: é€😀\r\nid: 3.4\r\n\r\n: c\rdata: z\r\r');
    const expected = [
      { event: 'message', data: 'é€😀', id: '3.4' },
      { event: 'message', data: 'z', id: '3.4' },
    ];
    for (const chunks of splits(stream)) expect(parse(chunks).events).toEqual(expected);
  });

  it('does not treat a lone CR at a chunk end followed by data as a blank line', () => {
    const { events } = parse([bytes('data: a\r'), bytes('\ndata: b\r'), bytes('\r')]);
    expect(events).toEqual([{ event: 'message', data: 'a\nb', id: '' }]);
  });

  it('drops an event whose data outgrows the limit and reads the next one', () => {
    const stream = bytes(
      `data: ok\n\ndata: ${'a'.repeat(60)}\ndata: ${'b'.repeat(60)}\n\ndata: next\n\n`,
    );
    const { events, oversize } = parse([stream], 100);
    expect(events.map((e) => e.data)).toEqual(['ok', 'next']);
    expect(oversize).toBe(1);
  });

  it('keeps an event exactly at the limit', () => {
    // Held at most: the line `data: ` plus 94 characters, then 95 characters of data.
    const { events, oversize } = parse([bytes(`data: ${'a'.repeat(94)}\n\n`)], 100);
    expect(events.map((e) => e.data.length)).toEqual([94]);
    expect(oversize).toBe(0);
  });

  it('drops a line with no end as it grows, without holding it, and resynchronises', () => {
    const events: SseEvent[] = [];
    let oversize = 0;
    const parser = createSseParser(
      { onEvent: (e) => events.push(e), onOversize: () => oversize++ },
      { maxEventChars: 1000 },
    );
    parser.push(bytes('data: '));
    // 10 MB of one line, fed as a hostile relay would: it must be thrown away as it comes.
    const chunk = bytes('x'.repeat(64 * 1024));
    for (let i = 0; i < 160; i++) parser.push(chunk);
    // A newline ends the long line; what follows up to the blank line belongs to the dropped event.
    parser.push(bytes('\ndata: still the dropped event\n\ndata: after\n\n'));
    parser.end();
    expect(events.map((e) => e.data)).toEqual(['after']);
    expect(oversize).toBe(1);
  });

  it('does not take the end of a dropped long line for a blank line, wherever chunks are cut', () => {
    const stream = bytes(`data: ${'y'.repeat(300)}\r\ndata: z\r\n\r\ndata: ok\r\n\r\n`);
    for (const chunks of splits(stream)) {
      expect(parse(chunks, 100).events.map((e) => e.data)).toEqual(['ok']);
    }
  });

  it('drops an event made of many short data lines', () => {
    const lines = 'data: 1234567\n'.repeat(50);
    const { events, oversize } = parse([bytes(`${lines}\ndata: fine\n\n`)], 200);
    expect(events.map((e) => e.data)).toEqual(['fine']);
    expect(oversize).toBe(1);
  });
});
