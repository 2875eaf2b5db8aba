// One RTCPeerConnection to one remote device, with the perfect negotiation
// pattern: both sides may offer at any time; the polite side yields on glare.

import type { IceServers } from './ice-servers';
import { type DirectPath, PathWatch, pathOfStats } from './link-path';
import type { Candidate, SessionDescription } from './protocol';

export type ConnectionState = 'connecting' | 'open' | 'failed' | 'closed';

export interface PeerOptions {
  remoteId: string;
  polite: boolean;
  iceServers: IceServers;
  /** Forces candidates through TURN only; with no TURN server no direct link can open. */
  forceRelay: boolean;
  sendDescription(description: SessionDescription): void;
  sendCandidate(candidate: Candidate): void;
  /** A text frame, or a binary one (an ArrayBuffer). */
  onMessage(data: string | ArrayBuffer): void;
  onState(state: ConnectionState): void;
  /** The way the link's packets go, each time it changes while the link is open. */
  onPath?(path: DirectPath): void;
}

/** What the mesh needs of a link to one device; Peer is the WebRTC one. */
export interface PeerLink {
  readonly isOpen: boolean;
  readonly maxMessageSize: number;
  handleDescription(description: SessionDescription): Promise<void>;
  handleCandidate(candidate: Candidate): Promise<void>;
  send(data: string | Uint8Array<ArrayBuffer>): Promise<void>;
  route(): Promise<DirectPath>;
  close(): void;
}

/** Above this many buffered bytes, senders wait for the channel to drain. */
const HIGH_WATER = 4 * 1024 * 1024;
const LOW_WATER = 1024 * 1024;
/** How long 'disconnected' may last before an ICE restart. */
const DISCONNECTED_GRACE_MS = 2_000;
/**
 * How long 'disconnected' may last before the link counts as failed, so the mesh sends
 * through the sealed fallback meanwhile; the restart goes on and takes clips back if it works.
 */
export const FAILOVER_MS = 5_000;
/** An offer still unanswered after this long is sent again: the first may have been lost. */
const OFFER_RESEND_MS = 5_000;
const MAX_EARLY_CANDIDATES = 64;

export class Peer implements PeerLink {
  readonly pc: RTCPeerConnection;
  readonly channel: RTCDataChannel;
  private makingOffer = false;
  private ignoreOffer = false;
  private settingAnswer = false;
  private state: ConnectionState = 'connecting';
  private disconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private failoverTimer: ReturnType<typeof setTimeout> | undefined;
  private resendTimer: ReturnType<typeof setTimeout> | undefined;
  /** Candidates that came before the description they belong to. */
  private early: Candidate[] = [];
  private markClosed: () => void = () => {};
  /** Settles on close(): Chromium never settles an operation the connection was closed under. */
  private readonly closing = new Promise<void>((resolve) => {
    this.markClosed = resolve;
  });
  /** Settles once the ICE servers are set: nothing is gathered before then. */
  private readonly iceReady: Promise<void>;
  private readonly pathWatch: PathWatch;

  constructor(private readonly options: PeerOptions) {
    const { iceServers } = options;
    this.pc = new RTCPeerConnection({
      iceServers: Array.isArray(iceServers) ? iceServers : [],
      iceTransportPolicy: options.forceRelay ? 'relay' : 'all',
    });
    this.iceReady = Array.isArray(iceServers) ? Promise.resolve() : this.useServers(iceServers);
    this.pathWatch = new PathWatch(this.pc, (path) => options.onPath?.(path));
    // Negotiated with a fixed id: both sides create it, so neither waits for ondatachannel.
    this.channel = this.pc.createDataChannel('clips', { negotiated: true, id: 0, ordered: true });
    this.channel.bufferedAmountLowThreshold = LOW_WATER;
    this.channel.binaryType = 'arraybuffer';
    this.channel.onopen = () => this.setState('open');
    this.channel.onclose = () => this.setState('closed');
    this.channel.onmessage = (event) => {
      const data: unknown = event.data;
      if (typeof data === 'string' || data instanceof ArrayBuffer) options.onMessage(data);
    };
    this.pc.onnegotiationneeded = () => void this.offer();
    this.pc.onicecandidate = ({ candidate }) => {
      if (candidate) options.sendCandidate(toCandidate(candidate));
    };
    this.pc.oniceconnectionstatechange = () => this.watchIce();
    this.pc.onconnectionstatechange = () => this.watchIce();
    this.pc.onsignalingstatechange = () => this.watchOffer();
  }

  get isOpen(): boolean {
    // Chromium leaves the channel open when ICE fails (the other device is gone or asleep):
    // it is no way to reach that device until ICE connects again.
    return this.channel.readyState === 'open' && this.state !== 'failed';
  }

  /** The largest message the remote end accepts. */
  get maxMessageSize(): number {
    return this.pc.sctp?.maxMessageSize || 65_536;
  }

  async handleDescription(description: SessionDescription): Promise<void> {
    const pc = this.pc;
    // An offer collides unless we are stable and not mid-offer (or applying an answer).
    const readyForOffer =
      !this.makingOffer && (pc.signalingState === 'stable' || this.settingAnswer);
    const collision = description.type === 'offer' && !readyForOffer;
    this.ignoreOffer = !this.options.polite && collision;
    if (this.ignoreOffer) return;
    // An offer with another DTLS certificate comes from a new connection of the other device
    // (it reloaded). Chromium may accept it and then never connect, so it is refused here.
    const current = pc.remoteDescription;
    if (
      description.type === 'offer' &&
      current &&
      fingerprint(current.sdp) !== fingerprint(description.sdp)
    ) {
      throw new Error('The offer comes from another connection.');
    }
    // A second answer to an offer sent twice: the first already settled it.
    if (description.type === 'answer' && pc.signalingState === 'stable') return;
    this.settingAnswer = description.type === 'answer';
    try {
      if (!(await this.whileOpen(pc.setRemoteDescription(description)))) return;
    } finally {
      this.settingAnswer = false;
    }
    for (const candidate of this.early.splice(0)) await this.handleCandidate(candidate);
    if (description.type === 'offer') {
      if (!(await this.whileOpen(this.iceReady))) return;
      if (!(await this.whileOpen(pc.setLocalDescription()))) return;
      this.sendLocalDescription();
    }
  }

  async handleCandidate(candidate: Candidate): Promise<void> {
    if (!this.pc.remoteDescription) {
      if (this.early.length < MAX_EARLY_CANDIDATES) this.early.push(candidate);
      return;
    }
    try {
      await this.whileOpen(this.pc.addIceCandidate(candidate));
    } catch (error) {
      // Candidates for an offer we ignored are expected to fail.
      if (!this.ignoreOffer) throw error;
    }
  }

  /** Sends one frame, waiting while the channel's buffer is full. */
  async send(data: string | Uint8Array<ArrayBuffer>): Promise<void> {
    // Checked again on each wake: a 'bufferedamountlow' queued before the buffer refilled is stale.
    while (this.channel.bufferedAmount > HIGH_WATER && this.channel.readyState === 'open') {
      await this.drained();
    }
    // Two calls, as TypeScript knows send() only by its overloads.
    if (typeof data === 'string') this.channel.send(data);
    else this.channel.send(data);
  }

  /** The way the selected candidate pair goes ('nat' until one is selected). */
  async route(): Promise<DirectPath> {
    return pathOfStats(await this.pc.getStats()) ?? 'nat';
  }

  restartIce(): void {
    if (this.pc.signalingState !== 'closed') this.pc.restartIce();
  }

  close(): void {
    this.pathWatch.stop();
    clearTimeout(this.disconnectTimer);
    clearTimeout(this.failoverTimer);
    clearTimeout(this.resendTimer);
    this.pc.onnegotiationneeded = null;
    this.pc.onsignalingstatechange = null;
    this.pc.onicecandidate = null;
    this.pc.oniceconnectionstatechange = null;
    this.pc.onconnectionstatechange = null;
    this.channel.onclose = null;
    this.channel.close();
    this.pc.close();
    this.markClosed();
    this.setState('closed');
  }

  /**
   * Waits for an operation on the connection, or for close(): whoever awaits a link (the mesh's
   * one queue of incoming signals) is never stuck on one closed under it. False once closed.
   */
  private async whileOpen(operation: Promise<void>): Promise<boolean> {
    const closed = await Promise.race([operation.then(() => false), this.closing.then(() => true)]);
    return !closed;
  }

  private async offer(): Promise<void> {
    try {
      this.makingOffer = true;
      if (!(await this.whileOpen(this.iceReady))) return;
      if (await this.whileOpen(this.pc.setLocalDescription())) this.sendLocalDescription();
    } finally {
      this.makingOffer = false;
    }
  }

  private sendLocalDescription(): void {
    const local = this.pc.localDescription;
    if (local && (local.type === 'offer' || local.type === 'answer')) {
      this.options.sendDescription({ type: local.type, sdp: local.sdp });
    }
  }

  /**
   * An offer sent while the other device slept is lost with its stream, and the other
   * side's own offer then collides with it forever; sent again, it gets through.
   * The local description carries the candidates gathered so far.
   */
  private watchOffer(): void {
    clearTimeout(this.resendTimer);
    if (this.pc.signalingState !== 'have-local-offer') return;
    this.resendTimer = setTimeout(() => {
      this.sendLocalDescription();
      this.watchOffer();
    }, OFFER_RESEND_MS);
  }

  private watchIce(): void {
    const ice = this.pc.iceConnectionState;
    clearTimeout(this.disconnectTimer);
    // Chromium may report a lost device on connectionState alone, with ICE left 'disconnected'.
    if (ice === 'failed' || this.pc.connectionState === 'failed') {
      this.setState('failed');
      this.restartIce();
    } else if (ice === 'disconnected') {
      this.disconnectTimer = setTimeout(() => this.restartIce(), DISCONNECTED_GRACE_MS);
      this.failoverTimer ??= setTimeout(() => this.setState('failed'), FAILOVER_MS);
    } else if ((ice === 'connected' || ice === 'completed') && this.channel.readyState === 'open') {
      this.setState('open');
    }
    if (ice === 'connected' || ice === 'completed' || ice === 'failed') {
      clearTimeout(this.failoverTimer);
      this.failoverTimer = undefined;
    }
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.channel.removeEventListener('bufferedamountlow', done);
        this.channel.removeEventListener('close', done);
        resolve();
      };
      this.channel.addEventListener('bufferedamountlow', done);
      this.channel.addEventListener('close', done);
    });
  }

  /** Sets the servers a source names before the first offer or answer gathers candidates. */
  private async useServers(source: () => Promise<RTCIceServer[]>): Promise<void> {
    const iceServers = await source();
    if (this.pc.signalingState === 'closed') return;
    try {
      this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers });
    } catch {
      // The sources check every address first; if the browser still refuses one, the link
      // goes on with host addresses, and the sealed fallback covers what they cannot reach.
    }
  }

  private setState(state: ConnectionState): void {
    if (state === this.state || this.state === 'closed') return;
    this.state = state;
    if (state === 'open') this.pathWatch.start();
    else this.pathWatch.stop();
    this.options.onState(state);
  }
}

/** The DTLS certificate fingerprint a description carries, if any. */
export function fingerprint(sdp: string): string | null {
  return /^a=fingerprint:([^\r\n]+)/m.exec(sdp)?.[1]?.trim() ?? null;
}

function toCandidate(candidate: RTCIceCandidate): Candidate {
  return {
    candidate: candidate.candidate,
    sdpMid: candidate.sdpMid,
    sdpMLineIndex: candidate.sdpMLineIndex,
    usernameFragment: candidate.usernameFragment,
  };
}
