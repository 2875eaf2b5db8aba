// Two Peers over real WebRTC: node-datachannel's polyfill (libdatachannel), run by
// `npm run test:webrtc` inside a private network namespace.

import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DirectPath } from '../app/core/link-path';
import { type ConnectionState, fingerprint, Peer } from '../app/core/peer';
import type { Candidate, SessionDescription } from '../app/core/protocol';
import { installWebRtc } from './webrtc';

/** peer.ts's HIGH_WATER: a sender waits while the channel holds more than this. */
const HIGH_WATER = 4 * 1024 * 1024;
/** Links open in well under a second; the bound is for a loaded machine. */
const WAIT = { timeout: 10_000, interval: 5 };

type Signal = { description: SessionDescription } | { candidate: Candidate };
/** What the way between two ends does with a signal: passes it on, changes it, or drops it. */
type Wire = (signal: Signal) => Signal | null;

const peers: Peer[] = [];

/** One side of a link: its Peer, and what it sent and heard. */
class End {
  peer: Peer | undefined;
  other: End | undefined;
  wire: Wire = (signal) => signal;
  readonly sent: Signal[] = [];
  readonly states: ConnectionState[] = [];
  readonly paths: DirectPath[] = [];
  readonly received: (string | ArrayBuffer)[] = [];
  /** Signals from the other side that the Peer refused. */
  readonly errors: unknown[] = [];
  private applying = Promise.resolve();

  constructor(
    readonly id: string,
    private readonly polite: boolean,
  ) {}

  open(): Peer {
    const peer = new Peer({
      remoteId: this.other?.id ?? 'device-none',
      polite: this.polite,
      iceServers: [],
      forceRelay: false,
      sendDescription: (description) => this.post({ description }),
      sendCandidate: (candidate) => this.post({ candidate }),
      onMessage: (data) => this.received.push(data),
      onState: (state) => this.states.push(state),
      onPath: (path) => this.paths.push(path),
    });
    this.peer = peer;
    peers.push(peer);
    return peer;
  }

  /** Applies signals one at a time, in order, as the mesh does; the first makes the Peer. */
  receive(signal: Signal): void {
    this.applying = this.applying
      .then(() => {
        const peer = this.peer ?? this.open();
        return 'description' in signal
          ? peer.handleDescription(signal.description)
          : peer.handleCandidate(signal.candidate);
      })
      .catch((error: unknown) => {
        this.errors.push(error);
      });
  }

  /** The types of the descriptions it sent, in order. */
  descriptions(): string[] {
    return this.sent.flatMap((signal) =>
      'description' in signal ? [signal.description.type] : [],
    );
  }

  /** After a macrotask, so two ends made at once have both offered before either hears. */
  private post(signal: Signal): void {
    this.sent.push(signal);
    const passed = this.wire(signal);
    const other = this.other;
    if (passed && other) setTimeout(() => other.receive(passed), 0);
  }
}

/** A (impolite, the smaller id) and B (polite) wired to each other; neither has a Peer yet. */
function ends(): { a: End; b: End } {
  const a = new End('device-aaaa', false);
  const b = new End('device-bbbb', true);
  a.other = b;
  b.other = a;
  return { a, b };
}

interface Link {
  a: End;
  b: End;
  pa: Peer;
  pb: Peer;
}

/**
 * Waits for the link that `start` begins to open. libdatachannel gives the offerer's ICE agent
 * the answer before it keeps the answer's DTLS fingerprint, and a handshake that lands between
 * the two fails, so now and then a link closes unopened (paullouisageneau/libdatachannel#1612).
 * The mesh replaces such a link; here it is begun again, at most twice, with a warning.
 */
async function opened(
  start: () => Promise<{ a: End; b: End }> | { a: End; b: End },
): Promise<Link> {
  for (let attempt = 1; ; attempt++) {
    const { a, b } = await start();
    await vi.waitFor(() => {
      if (a.states.includes('closed') || b.states.includes('closed')) return;
      expect([a.peer?.isOpen, b.peer?.isOpen]).toEqual([true, true]);
    }, WAIT);
    if (a.peer?.isOpen && b.peer?.isOpen) return { a, b, pa: a.peer, pb: b.peer };
    const closed = `The link closed before it opened (A ${a.states}, B ${b.states}; ${a.errors})`;
    if (attempt === 3) throw new Error(`${closed}, three times.`);
    console.warn(`${closed}; beginning it again.`);
  }
}

/** A link opened as the mesh opens one: A offers, B's Peer is made by that offer. */
function openLink(): Promise<Link> {
  return opened(() => {
    const link = ends();
    link.a.open();
    return link;
  });
}

function bytes(length: number, seed: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

/** Frames as strings, binary ones in base64: comparing them byte by byte takes seconds. */
function contents(frames: (string | ArrayBuffer | Uint8Array<ArrayBuffer>)[]): string[] {
  return frames.map((frame) =>
    typeof frame === 'string'
      ? `text ${frame}`
      : `binary ${Buffer.from(new Uint8Array(frame)).toString('base64')}`,
  );
}

function firstDescription(end: End): SessionDescription {
  for (const signal of end.sent) if ('description' in signal) return signal.description;
  throw new Error(`${end.id} sent no description`);
}

function withoutCandidates(description: SessionDescription): SessionDescription {
  return { ...description, sdp: description.sdp.replace(/^a=candidate:.*\r?\n/gm, '') };
}

beforeAll(installWebRtc);

afterEach(() => {
  for (const peer of peers.splice(0)) peer.close();
});

describe('Peer over real WebRTC', () => {
  it('opens with one offer and one answer, and carries frames both ways', async () => {
    const { a, b, pa, pb } = await openLink();
    expect(a.descriptions()).toEqual(['offer']);
    expect(b.descriptions()).toEqual(['answer']);
    expect([a.states, b.states]).toEqual([['open'], ['open']]);
    await pa.send('from A');
    await pb.send('from B');
    await vi.waitFor(
      () => expect([a.received, b.received]).toEqual([['from B'], ['from A']]),
      WAIT,
    );
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it('delivers text and binary frames intact and in order', async () => {
    const { b, pa } = await openLink();
    const frames = Array.from({ length: 300 }, (_, n) =>
      n % 3 === 0 ? bytes(1 + n * 97, n) : `frame ${n}: ✂ 𝄞 ${'é'.repeat(n)}`,
    );
    for (const frame of frames) await pa.send(frame);
    await vi.waitFor(() => expect(b.received).toHaveLength(frames.length), WAIT);
    expect(contents(b.received)).toEqual(contents(frames));
  });

  it('delivers a text and a binary message as large as the link accepts', async () => {
    const { b, pa } = await openLink();
    const size = pa.maxMessageSize;
    expect(size).toBeGreaterThanOrEqual(65_536);
    const text = 'x'.repeat(size - 1).concat('!');
    const binary = bytes(size, 7);
    await pa.send(text);
    await pa.send(binary);
    await vi.waitFor(() => expect(b.received).toHaveLength(2), WAIT);
    expect(contents(b.received)).toEqual(contents([text, binary]));
  });

  it('buffers at most one frame above the high-water mark, and every byte arrives', async () => {
    const { b, pa } = await openLink();
    const frameBytes = 64 * 1024;
    const frameCount = (32 * 1024 * 1024) / frameBytes;
    let most = 0;
    for (let n = 0; n < frameCount; n++) {
      const frame = new Uint8Array(frameBytes).fill(n & 0xff);
      new DataView(frame.buffer).setUint32(0, n);
      await pa.send(frame);
      most = Math.max(most, pa.channel.bufferedAmount);
    }
    // The buffer filled, so the sender did wait for it to drain.
    expect(most).toBeGreaterThan(HIGH_WATER);
    expect(most).toBeLessThanOrEqual(HIGH_WATER + frameBytes);
    await vi.waitFor(() => expect(b.received).toHaveLength(frameCount), {
      ...WAIT,
      timeout: 30_000,
    });
    const order = b.received.map((frame) => new DataView(frame as ArrayBuffer).getUint32(0));
    expect(order).toEqual(Array.from({ length: frameCount }, (_, n) => n));
    const total = b.received.reduce((sum, frame) => sum + (frame as ArrayBuffer).byteLength, 0);
    expect(total).toBe(32 * 1024 * 1024);
  }, 60_000);

  it('opens when both sides offer at once: the polite one yields', async () => {
    const { a, b, pa } = await opened(() => {
      const link = ends();
      link.a.open();
      link.b.open();
      return link;
    });
    expect(a.descriptions()).toEqual(['offer']);
    expect(b.descriptions()).toEqual(['offer', 'answer']);
    expect([...a.errors, ...b.errors]).toEqual([]);
    await pa.send('after glare');
    await vi.waitFor(() => expect(b.received).toEqual(['after glare']), WAIT);
  });

  it('keeps candidates that come before their offer, and connects through them', async () => {
    const { b } = await opened(async () => {
      const { a, b } = ends();
      // A's signals are held; B's candidates never reach A, and no description carries any:
      // only A's early candidates tell B where A is.
      a.wire = () => null;
      b.wire = (signal) =>
        'candidate' in signal ? null : { description: withoutCandidates(signal.description) };
      const pa = a.open();
      const candidates = (): Candidate[] =>
        a.sent.flatMap((signal) => ('candidate' in signal ? [signal.candidate] : []));
      // Gathering may read complete before the last candidate's event has run: wait for all.
      await vi.waitFor(() => {
        expect(pa.pc.iceGatheringState).toBe('complete');
        const gathered = pa.pc.localDescription?.sdp.match(/^a=candidate:/gm)?.length;
        expect(candidates()).toHaveLength(gathered ?? 0);
      }, WAIT);
      expect(candidates().length).toBeGreaterThan(0);
      const pb = b.open();
      // In one turn, so B has its description before it would make an offer of its own.
      const early = candidates().map((candidate) => pb.handleCandidate(candidate));
      const answering = pb.handleDescription(withoutCandidates(firstDescription(a)));
      await Promise.all([...early, answering]);
      return { a, b };
    });
    expect(b.descriptions()).toEqual(['answer']);
  });

  it('reports closed on both sides when one side closes', async () => {
    const { a, b, pa, pb } = await openLink();
    pa.close();
    expect(a.states).toEqual(['open', 'closed']);
    await vi.waitFor(() => expect(b.states).toEqual(['open', 'closed']), WAIT);
    expect(pb.isOpen).toBe(false);
  });

  it('refuses an offer from a new connection of the other side; the link stays open', async () => {
    const { a, b, pa, pb } = await openLink();
    const again = new End(a.id, false);
    again.other = b;
    again.wire = () => null;
    again.open();
    await vi.waitFor(() => expect(again.descriptions()).toEqual(['offer']), WAIT);
    const offer = firstDescription(again);
    expect(fingerprint(offer.sdp)).not.toBe(fingerprint(firstDescription(a).sdp));
    await expect(pb.handleDescription(offer)).rejects.toThrow('another connection');
    await pa.send('still linked');
    await vi.waitFor(() => expect(b.received).toEqual(['still linked']), WAIT);
    expect(pb.isOpen).toBe(true);
    expect(b.states).toEqual(['open']);
  });

  it('reports the same network for a link between host candidates', async () => {
    const { a, b, pa, pb } = await openLink();
    // A check may come before the candidate it is from: until that candidate is signaled, the
    // pair reads as through NAT.
    await vi.waitFor(async () => {
      expect([await pa.route(), await pb.route()]).toEqual(['lan', 'lan']);
      expect([a.paths.at(-1), b.paths.at(-1)]).toEqual(['lan', 'lan']);
    }, WAIT);
  });
});
