// What peers send, over a data channel or the relay fallback, read at the edge:
// each frame is validated, pieces are put back together, and anything bad is dropped.

import { readClipPieces, readPiece } from './binary-pieces';
import { type Piece, Reassembler } from './frames';
import { type PeerMessage, PROTOCOL_VERSION, parsePeerMessage, peekVersion } from './protocol';
import type { TransferView } from './session-types';

export interface InboxEvents {
  /** A whole, valid message (never a piece). */
  deliver(from: string, message: PeerMessage): void;
  /** Something unreadable or invalid came in and was dropped. */
  drop(): void;
  /** A frame from a newer clipmesh: named to the person, not counted as garbage. */
  newer(): void;
  transfer(transfer: TransferView): void;
}

export class Inbox {
  private readonly reassembler: Reassembler;

  constructor(
    private readonly events: InboxEvents,
    timeoutMs: number,
  ) {
    this.reassembler = new Reassembler({ timeoutMs });
  }

  /** A text or binary frame from a data channel, unchecked. */
  frame(from: string, data: string | ArrayBuffer): void {
    if (typeof data !== 'string') {
      const piece = readPiece(data);
      if (piece) this.piece(from, piece);
      else this.events.drop();
      return;
    }
    const message = this.read(data);
    if (message) this.message(from, message);
  }

  /** A message validated already (inside a sealed fallback signal); it may be a piece. */
  message(from: string, message: PeerMessage): void {
    if (message.t === 'part') this.piece(from, message);
    else this.events.deliver(from, message);
  }

  private piece(from: string, piece: Piece): void {
    const transfer = (done: number, total: number) =>
      this.events.transfer({ id: piece.id, direction: 'in', peer: from, done, total });
    const result = this.reassembler.accept(from, piece, Date.now());
    if ('error' in result) {
      this.events.drop();
      // A refused stream is gone: its progress must not linger on screen.
      transfer(1, 1);
    } else if ('progress' in result) {
      transfer(result.progress.received, result.progress.of);
    } else {
      transfer(piece.of, piece.of);
      const whole =
        typeof result.done === 'string' ? this.read(result.done) : this.readClip(result.done);
      if (whole?.t === 'part') this.events.drop();
      else if (whole) this.events.deliver(from, whole);
    }
  }

  /** Abandoned streams of pieces are freed, and their progress ends. */
  expire(now: number): void {
    for (const stream of this.reassembler.expire(now)) {
      this.events.transfer({
        id: stream.id,
        direction: 'in',
        peer: stream.from,
        done: stream.of,
        total: stream.of,
      });
    }
  }

  /** A binary stream carries a clip and nothing else; bytes that are not UTF-8 are dropped. */
  private readClip(pieces: Uint8Array[]): PeerMessage | null {
    let value: unknown;
    try {
      value = readClipPieces(pieces);
    } catch {
      this.events.drop();
      return null;
    }
    const message = this.check(value);
    if (message && message.t !== 'clip') {
      this.events.drop();
      return null;
    }
    return message;
  }

  private read(text: string): PeerMessage | null {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.events.drop();
      return null;
    }
    return this.check(value);
  }

  private check(value: unknown): PeerMessage | null {
    const version = peekVersion(value);
    if (version !== null && version > PROTOCOL_VERSION) {
      this.events.newer();
      return null;
    }
    const message = parsePeerMessage(value);
    if (!message) this.events.drop();
    return message;
  }
}
