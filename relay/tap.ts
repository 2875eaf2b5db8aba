// Sees every byte the relay receives and sends on its HTTP sockets, to prove it stays blind.
import { createWriteStream } from 'node:fs';
import type { Socket } from 'node:net';

export type Tap = (direction: 'in' | 'out', bytes: Buffer) => void;

type Chunk = string | Uint8Array;

function toBuffer(chunk: Chunk, encoding: unknown): Buffer {
  if (typeof chunk !== 'string')
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
}

export function tapSocket(socket: Socket, tap: Tap): void {
  // Adding a 'data' listener makes Node's HTTP parser read through JS, so this sees every byte.
  socket.on('data', (chunk: Buffer) => tap('in', chunk));
  const write = socket.write.bind(socket) as (chunk: Chunk, ...rest: unknown[]) => boolean;
  socket.write = ((chunk: Chunk, ...rest: unknown[]) => {
    tap('out', toBuffer(chunk, rest[0]));
    return write(chunk, ...rest);
  }) as Socket['write'];
  const end = socket.end.bind(socket) as (...args: unknown[]) => Socket;
  socket.end = ((...args: unknown[]) => {
    const [chunk, encoding] = args;
    if (typeof chunk === 'string' || chunk instanceof Uint8Array)
      tap('out', toBuffer(chunk, encoding));
    return end(...args);
  }) as Socket['end'];
}

/** A tap that appends the raw bytes of both directions to a file. */
export function fileTap(path: string): Tap {
  const file = createWriteStream(path, { flags: 'a' });
  return (_direction, bytes) => {
    file.write(bytes);
  };
}
