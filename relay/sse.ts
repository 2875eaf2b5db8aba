// One subscriber's Server-Sent-Events stream: framing, and dropping it when it stops reading.
import type { ServerResponse } from 'node:http';
import { type RelayEventName, type RelayEvents, SSE_RETRY_MS } from './contract';
import type { HeaderSet } from './headers';
import type { Metrics } from './metrics';

/** Told of a stream's queue after each write and drain (the relay-wide Backlog). */
export interface QueueWatch {
  update(stream: EventStream): void;
}

export const SSE_HEADERS: HeaderSet = Object.freeze({
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache, no-transform',
  // Stops nginx and friends from buffering the stream.
  'X-Accel-Buffering': 'no',
  Connection: 'keep-alive',
});

export const KEEPALIVE_FRAME = ': keepalive\n\n';

/** JSON never contains a raw newline, so `data` always fits on one line. */
export function formatEvent<N extends RelayEventName>(
  id: string,
  name: N,
  data: RelayEvents[N],
): string {
  return `id: ${id}\nevent: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

export interface Frame {
  kind: string;
  frame: string;
}

export class EventStream {
  /** Events that arrive between joining and opening (a shared backend answers later). */
  private held: Frame[] | undefined = [];

  constructor(
    private readonly res: ServerResponse,
    readonly device: string,
    private readonly maxQueueBytes: number,
    private readonly metrics: Metrics,
    private readonly onStuck: (stream: EventStream) => void,
    private readonly watch: QueueWatch,
  ) {}

  /** Bytes written and not yet taken by the kernel. */
  get queued(): number {
    return this.res.writableLength;
  }

  /**
   * Writes the head (`headers` are the request's own, CORS, added to SSE_HEADERS), the `first`
   * frames (members, then what was missed), then the events held since joining.
   */
  open(headers: HeaderSet, first: Frame[]): void {
    this.res.writeHead(200, { ...SSE_HEADERS, ...headers });
    this.res.write(`retry: ${SSE_RETRY_MS}\n\n`);
    this.res.socket?.on('drain', () => this.watch.update(this));
    const held = this.held ?? [];
    this.held = undefined;
    for (const { kind, frame } of [...first, ...held]) this.write(kind, frame);
  }

  send(kind: string, frame: string): void {
    if (this.held) this.held.push({ kind, frame });
    else this.write(kind, frame);
  }

  private write(kind: string, frame: string): void {
    const res = this.res;
    if (res.destroyed || res.writableEnded) return;
    const bytes = Buffer.byteLength(frame);
    const socket = res.socket;
    // One socket write per frame, where res.write would queue four pieces (size, CRLF, frame,
    // CRLF) for a writev. res has flushed everything before to this socket, so order holds.
    if (socket?.writable && res.chunkedEncoding) {
      socket.write(`${bytes.toString(16)}\r\n${frame}\r\n`);
    } else {
      res.write(frame);
    }
    this.metrics.sent(kind, bytes);
    // A subscriber that stops reading must not hold memory or stall the others.
    if (res.writableLength > this.maxQueueBytes) {
      res.destroy();
      this.onStuck(this);
      return;
    }
    this.watch.update(this);
  }

  /** Cuts the connection at once, dropping whatever is still queued for it. */
  cut(): void {
    this.res.destroy();
  }

  /** Ends the stream and its connection, so the client's next attempt opens a fresh one. */
  end(frame?: string): void {
    if (frame) this.send('replaced', frame);
    this.res.end();
    this.res.socket?.end();
  }
}
