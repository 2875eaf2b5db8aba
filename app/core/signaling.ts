// Signals between devices, sealed through a transport: sent one at a time in order, and
// received in order, opened and checked before the mesh sees them. What cannot be opened,
// read or sent is counted in the mesh's health; many failures to open mean tampering.

import { PROTOCOL_VERSION, parseSignal, peekVersion, type Signal } from './protocol';
import type { Sealer } from './sealed';
import type { Transport, TransportStatus } from './transport/types';

export interface MeshHealth {
  relay: TransportStatus;
  relayDetail?: string;
  tampering: boolean;
  newerVersion: boolean;
  dropped: number;
  /** Hellos and signals that could not be sent; each goes again on its own. */
  unsent: number;
}

const TAMPER_WINDOW_MS = 60_000;
const TAMPER_THRESHOLD = 3;

export interface SignalingOptions {
  selfId: string;
  transport: Transport;
  sealer: Sealer;
  health: MeshHealth;
  /** A signal from another device, opened, checked, and meant for this one. */
  onSignal(from: string, signal: Signal): Promise<void>;
  /** The health changed. */
  onChange(): void;
}

export class Signaling {
  private incoming: Promise<void> = Promise.resolve();
  private outgoing: Promise<void> = Promise.resolve();
  private readonly tamperTimes: number[] = [];

  constructor(private readonly options: SignalingOptions) {}

  /** A sealed payload from the transport; opening is async, so a chain keeps them in order. */
  receive(from: string, payload: string): void {
    this.incoming = this.incoming.then(() => this.open(from, payload));
  }

  /** Sends a signal whose loss nothing waits on: hellos and reconnects try again. */
  send(signal: Signal): Promise<void> {
    return this.enqueue(signal).catch(() => this.unsent());
  }

  /**
   * Signals leave one at a time, so a candidate never overtakes its description.
   * Rejects when the transport could not send this one.
   */
  enqueue(signal: Signal): Promise<void> {
    const sent = this.outgoing.then(() => this.publish(signal));
    // The queue moves on whatever became of this signal; its sender hears of a failure.
    this.outgoing = sent.then(ignore, ignore);
    return sent;
  }

  /** Something that could not be sent, and that nothing waits on, is counted. */
  unsent(): void {
    this.options.health.unsent += 1;
    this.options.onChange();
  }

  /** Something unreadable or invalid was dropped. */
  drop(): void {
    this.options.health.dropped += 1;
    this.options.onChange();
  }

  /** Another device speaks a newer protocol: named to the person, not counted as garbage. */
  newer(): void {
    this.options.health.newerVersion = true;
    this.options.onChange();
  }

  private async publish(signal: Signal): Promise<void> {
    const payload = await this.options.sealer.seal(signal);
    await this.options.transport.publish(payload, signal.to === '*' ? undefined : signal.to);
  }

  private async open(from: string, payload: string): Promise<void> {
    if (from === this.options.selfId) return;
    const opened = await this.options.sealer.open(payload, from);
    if (!opened.ok) {
      if (opened.reason === 'version') this.newer();
      else this.tampered();
      return;
    }
    const version = peekVersion(opened.body);
    if (version !== null && version > PROTOCOL_VERSION) {
      this.newer();
      return;
    }
    const signal = parseSignal(opened.body);
    if (!signal || (signal.to !== '*' && signal.to !== this.options.selfId)) {
      this.drop();
      return;
    }
    try {
      await this.options.onSignal(from, signal);
    } catch {
      this.drop();
    }
  }

  private tampered(): void {
    const now = Date.now();
    this.tamperTimes.push(now);
    while (this.tamperTimes.length && (this.tamperTimes[0] ?? now) < now - TAMPER_WINDOW_MS) {
      this.tamperTimes.shift();
    }
    if (this.tamperTimes.length >= TAMPER_THRESHOLD) this.options.health.tampering = true;
    this.drop();
  }
}

function ignore(): void {}
