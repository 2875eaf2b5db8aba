// Frames too big for one message travel as numbered pieces (JSON `part` messages, or binary
// pieces on a direct link), cut by outgoing.ts and put back together here on arrival.
// Abandoned streams are freed by expire().

import { MAX_CLIP_CHARS } from './protocol';

/** The largest frame: a whole clip as JSON, where escaping can double the text, plus room. */
export const MAX_FRAME_CHARS = 2 * MAX_CLIP_CHARS + 64 * 1024;
/**
 * The memory a frame may take while it is put together: MAX_FRAME_CHARS of UTF-16, and also
 * room for a whole clip as UTF-8 (at most 3 bytes per UTF-16 unit).
 */
export const MAX_FRAME_BYTES = 2 * MAX_FRAME_CHARS;
export const MAX_STREAMS_PER_SENDER = 4;
export const STREAM_TIMEOUT_MS = 30_000;
/** Finished streams remembered at most, so a flood of tiny frames cannot grow memory. */
const MAX_CLOSED = 1024;

/** A piece of either kind: JSON `part` pieces carry text, binary ones bytes. */
export interface Piece {
  id: string;
  n: number;
  of: number;
  data: string | Uint8Array;
}

export type ReassemblyResult =
  /** A text frame whole, or a binary stream's pieces in order. */
  | { done: string | Uint8Array[] }
  | { progress: { id: string; received: number; of: number } }
  | { error: string };

/** Sizes are bytes of memory: 2 per character of text, 1 per byte. */
export interface ReassemblerOptions {
  maxFrameBytes?: number;
  maxStreamsPerSender?: number;
  /** All senders together; one large clip from each of two devices fits by default. */
  maxBufferedBytes?: number;
  timeoutMs?: number;
}

export interface ExpiredStream {
  from: string;
  id: string;
  received: number;
  of: number;
}

interface Stream {
  of: number;
  /** All pieces of a stream are of one kind, the kind of its first. */
  binary: boolean;
  pieces: (string | Uint8Array | undefined)[];
  received: number;
  bytes: number;
  touched: number;
}

/** Puts `part` streams back together, per sender, within memory and time limits. */
export class Reassembler {
  /** Parts and streams thrown away: duplicates, refusals, failures and expiries. */
  dropped = 0;
  private readonly maxFrameBytes: number;
  private readonly maxStreamsPerSender: number;
  private readonly maxBufferedBytes: number;
  private readonly timeoutMs: number;
  private readonly senders = new Map<string, Map<string, Stream>>();
  /** Streams finished or refused, by key, with when: late parts of them are refused. */
  private readonly closed = new Map<string, number>();
  private buffered = 0;

  constructor(options: ReassemblerOptions = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES;
    this.maxStreamsPerSender = options.maxStreamsPerSender ?? MAX_STREAMS_PER_SENDER;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 2 * this.maxFrameBytes;
    this.timeoutMs = options.timeoutMs ?? STREAM_TIMEOUT_MS;
  }

  accept(from: string, part: Piece, now: number): ReassemblyResult {
    const key = streamKey(from, part.id);
    if (this.closed.has(key)) return this.refuse('That piece belongs to a finished frame.');
    let streams = this.senders.get(from);
    let stream = streams?.get(part.id);
    if (!stream) {
      if (streams && streams.size >= this.maxStreamsPerSender) {
        return this.refuse('Too many large messages at once from that device.');
      }
      stream = {
        of: part.of,
        binary: typeof part.data !== 'string',
        pieces: new Array(part.of),
        received: 0,
        bytes: 0,
        touched: now,
      };
      streams ??= new Map();
      streams.set(part.id, stream);
      this.senders.set(from, streams);
    }
    if (part.of !== stream.of)
      return this.fail(from, part.id, now, 'Pieces disagree on their count.');
    if (stream.binary !== (typeof part.data !== 'string'))
      return this.fail(from, part.id, now, 'Pieces disagree on their kind.');
    if (stream.pieces[part.n] !== undefined) {
      this.dropped++;
      return { progress: { id: part.id, received: stream.received, of: stream.of } };
    }
    const bytes = typeof part.data === 'string' ? 2 * part.data.length : part.data.length;
    stream.bytes += bytes;
    this.buffered += bytes;
    if (stream.bytes > this.maxFrameBytes)
      return this.fail(from, part.id, now, 'That message is too large.');
    if (this.buffered > this.maxBufferedBytes) {
      return this.fail(from, part.id, now, 'Too much is arriving at once.');
    }
    stream.pieces[part.n] = part.data;
    stream.received++;
    stream.touched = now;
    if (stream.received < stream.of) {
      return { progress: { id: part.id, received: stream.received, of: stream.of } };
    }
    const done = stream.binary ? (stream.pieces as Uint8Array[]) : stream.pieces.join('');
    this.close(from, part.id, now);
    return { done };
  }

  /** Frees streams idle longer than the timeout; returns them, so their progress can end. */
  expire(now: number): ExpiredStream[] {
    const freed: ExpiredStream[] = [];
    for (const [from, streams] of this.senders) {
      for (const [id, stream] of streams) {
        if (now - stream.touched <= this.timeoutMs) continue;
        this.close(from, id, now);
        this.dropped++;
        freed.push({ from, id, received: stream.received, of: stream.of });
      }
    }
    // Insertion order is time order, so the stale ones lead.
    for (const [key, at] of this.closed) {
      if (now - at <= this.timeoutMs) break;
      this.closed.delete(key);
    }
    return freed;
  }

  /** Streams in progress, for tests and diagnostics. */
  get pending(): number {
    let count = 0;
    for (const streams of this.senders.values()) count += streams.size;
    return count;
  }

  private refuse(error: string): ReassemblyResult {
    this.dropped++;
    return { error };
  }

  private fail(from: string, id: string, now: number, error: string): ReassemblyResult {
    this.close(from, id, now);
    return this.refuse(error);
  }

  private close(from: string, id: string, now: number): void {
    const streams = this.senders.get(from);
    const stream = streams?.get(id);
    if (stream) this.buffered -= stream.bytes;
    streams?.delete(id);
    if (streams?.size === 0) this.senders.delete(from);
    const key = streamKey(from, id);
    this.closed.delete(key);
    this.closed.set(key, now);
    if (this.closed.size > MAX_CLOSED) {
      const oldest = this.closed.keys().next().value;
      if (oldest !== undefined) this.closed.delete(oldest);
    }
  }
}

function streamKey(from: string, id: string): string {
  return `${from}\n${id}`;
}
