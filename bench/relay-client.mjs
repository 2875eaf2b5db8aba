// Raw HTTP/1.1 and SSE reading for the relay benchmark, over plain `node:net` sockets, so the
// load generator stays light and counts bytes exactly.
import net from 'node:net';

/**
 * Incremental HTTP/1.1 response reader over latin1 text (one char per byte), so chunk sizes
 * and Content-Length count correctly. Handles keep-alive: responses follow one another.
 */
export function responseReader({ onHead, onData, onEnd }) {
  let buffer = '';
  /** @type {'head' | 'sized' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailer' | 'until-close'} */
  let state = 'head';
  let left = 0;

  const takeLine = () => {
    const end = buffer.indexOf('\r\n');
    if (end < 0) return undefined;
    const line = buffer.slice(0, end);
    buffer = buffer.slice(end + 2);
    return line;
  };

  const readHead = () => {
    const end = buffer.indexOf('\r\n\r\n');
    if (end < 0) return false;
    const head = buffer.slice(0, end);
    buffer = buffer.slice(end + 4);
    onHead(Number(head.slice(9, 12)));
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    left = length ? Number(length[1]) : 0;
    if (/\r\ntransfer-encoding: *chunked/i.test(head)) state = 'chunk-size';
    else if (!length) state = 'until-close';
    else if (left > 0) state = 'sized';
    else onEnd();
    return true;
  };

  const readBody = () => {
    const take = Math.min(left, buffer.length);
    onData(buffer.slice(0, take));
    buffer = buffer.slice(take);
    left -= take;
    if (left > 0) return false;
    if (state === 'chunk-data') state = 'chunk-end';
    else {
      state = 'head';
      onEnd();
    }
    return true;
  };

  const readChunkLine = () => {
    const line = takeLine();
    if (line === undefined) return false;
    if (state === 'chunk-end') state = 'chunk-size';
    else if (state === 'chunk-size') {
      left = Number.parseInt(line, 16);
      state = left > 0 ? 'chunk-data' : 'trailer';
    } else if (line === '') {
      state = 'head';
      onEnd();
    }
    return true;
  };

  return (text) => {
    buffer += text;
    let progress = true;
    while (progress && buffer.length > 0) {
      if (state === 'head') progress = readHead();
      else if (state === 'sized' || state === 'chunk-data') progress = readBody();
      else if (state === 'until-close') {
        onData(buffer);
        buffer = '';
      } else progress = readChunkLine();
    }
  };
}

/** Minimal SSE parser: only `event:` and `data:` matter here; comments are keep-alives. */
export function sseReader(onEvent) {
  let buffer = '';
  return (text) => {
    buffer += text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data += line.slice(line[5] === ' ' ? 6 : 5);
      }
      if (data) onEvent(event, data);
    }
  };
}

/** GET one path on a fresh connection and resolve with the body text. */
export function fetchText(port, path) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.setEncoding('latin1');
    let text = '';
    socket.on(
      'data',
      responseReader({
        onHead: () => {},
        onData: (chunk) => {
          text += chunk;
        },
        onEnd: () => {
          socket.destroy();
          resolve(text);
        },
      }),
    );
    socket.on('error', reject);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
  });
}
