// One remote device and the one link to it: a state machine owning its WebRTC connection and
// every timer about it. The mesh tells it what happened; a person sees its state alone.

import { retryDelay } from './delivery-retry';
import type { DirectPath } from './link-path';
import { checkedMove, type DeviceLinkOptions, type LinkState, shownState } from './link-state';
import type { ConnectionState, PeerLink } from './peer';
import type { Candidate, SessionDescription } from './protocol';
import type { DeviceView } from './session-types';
import { Timer } from './timer';

/** A closed link is made again after 0.5 s, doubling to 30 s, so two devices do not race. */
const RECONNECT = { baseMs: 500, capMs: 30_000 };

export class DeviceLink {
  name = 'Unnamed device';
  lastSeen = Date.now();
  private linkState: LinkState = 'idle';
  private listedNow = false;
  private proven = false;
  private connection: PeerLink | undefined;
  private route: DirectPath = 'nat';
  private retries = 0;
  private readonly connectTimer = new Timer();
  private readonly fallbackTimer = new Timer();
  private closed = false;

  constructor(private readonly options: DeviceLinkOptions) {}

  get id(): string {
    return this.options.id;
  }

  get state(): LinkState {
    return this.linkState;
  }

  /** Listed by the relay right now. */
  get present(): boolean {
    return this.listedNow;
  }

  /** Something sealed from it opened: the relay alone cannot make a device appear. */
  get verified(): boolean {
    return this.proven;
  }

  get reachable(): boolean {
    return this.linkState === 'direct' || this.linkState === 'relayed';
  }

  /** The open connection, when clips go directly. */
  get direct(): PeerLink | undefined {
    return this.linkState === 'direct' ? this.connection : undefined;
  }

  /** The connection being made or in use, if any. */
  get current(): PeerLink | undefined {
    return this.connection;
  }

  view(): DeviceView {
    const { id, name, lastSeen } = this;
    return { id, name, lastSeen, ...shownState(this.linkState, this.route) };
  }

  /** Heard from it, by any path. */
  seen(): void {
    this.lastSeen = Date.now();
  }

  /** A signal from it opened and checked. */
  prove(): void {
    if (this.proven) return;
    this.proven = true;
    if (this.linkState !== 'direct' && this.linkState !== 'relayed') this.armFallback();
    this.options.onChange();
  }

  /** The relay lists it. */
  listed(): void {
    const arrived = !this.listedNow;
    this.listedNow = true;
    if (this.linkState === 'lost') this.move(this.connection ? 'signaling' : 'idle');
    if (!this.connection && !this.connectTimer.pending) this.connectLater(0);
    // The fallback wait may have ended before the relay listed it: it counts from now.
    else if (arrived && this.waiting()) this.armFallback();
  }

  /** The relay no longer lists it; a live data channel outlives the relay's view. */
  unlisted(): void {
    this.listedNow = false;
    if (this.linkState !== 'direct') this.move('lost');
  }

  /**
   * It joined the relay again (a new run of it, a reload): an unopened connection is let go,
   * since an offer made while it was away was lost, and a fresh one starts at once.
   */
  rejoined(): void {
    if (this.connection && this.linkState !== 'direct') {
      this.dropConnection();
      this.connectTimer.stop();
      if (this.linkState === 'signaling') this.move('idle');
    }
    this.listed();
  }

  /** A sealed signal came from it: a connection starts if none is under way. */
  heard(): void {
    this.seen();
    if (!this.connection && !this.connectTimer.pending && !this.closed) this.connectLater(0);
  }

  async description(description: SessionDescription): Promise<void> {
    if (this.closed) return;
    if (!this.connection && description.type === 'offer') this.connect();
    const connection = this.connection;
    if (!connection) return;
    try {
      await connection.handleDescription(description);
    } catch (error) {
      if (description.type !== 'offer') throw error;
      await this.replaceConnection(description);
    }
  }

  async candidate(candidate: Candidate): Promise<void> {
    await this.connection?.handleCandidate(candidate);
  }

  /** Lets go of everything: the link is not used again. */
  close(): void {
    this.closed = true;
    this.connectTimer.stop();
    this.fallbackTimer.stop();
    this.dropConnection();
  }

  /**
   * The device with the smaller id offers first; the other waits a moment for that offer.
   * Two offers at once are settled by perfect negotiation, but avoiding them saves a
   * rollback, after which Chromium may never send the candidates of the rolled-back offer.
   */
  private connectLater(delay: number): void {
    const wait = this.options.initiator ? delay : delay + this.options.responderWaitMs;
    this.connectTimer.stop();
    if (wait === 0) {
      this.connect();
      return;
    }
    this.connectTimer.set(wait, () => {
      if (!this.connection && !this.closed) this.connect();
    });
    this.armFallback();
  }

  private connect(): void {
    if (this.closed) return;
    this.dropConnection();
    this.connectTimer.stop();
    this.connection = this.makeConnection();
    if (this.linkState === 'idle') this.move('signaling');
    if (this.linkState !== 'relayed') this.armFallback();
  }

  private makeConnection(): PeerLink {
    const connection: PeerLink = this.options.connect({
      onState: (state) => {
        if (this.connection === connection) this.onConnectionState(connection, state);
      },
      onPath: (path) => {
        if (this.connection === connection) this.setRoute(path);
      },
      onMessage: (data) => {
        this.seen();
        this.options.onFrame(data);
      },
      isCurrent: () => this.connection === connection,
    });
    return connection;
  }

  /**
   * An offer the current connection cannot take may come from the device's new connection
   * (it reloaded): a fresh one answers it. The old one goes only once the fresh one has taken
   * the offer, so an offer that is simply bad never cuts a working link.
   */
  private async replaceConnection(offer: SessionDescription): Promise<void> {
    const fresh = this.makeConnection();
    try {
      await fresh.handleDescription(offer);
    } catch (error) {
      fresh.close();
      throw error;
    }
    if (this.closed) {
      fresh.close();
      return;
    }
    this.connectTimer.stop();
    this.dropConnection();
    this.connection = fresh;
    if (this.linkState === 'direct') this.move(this.listedNow ? 'signaling' : 'lost');
    else if (this.linkState === 'idle') this.move('signaling');
    if (this.linkState !== 'relayed') this.armFallback();
  }

  private onConnectionState(connection: PeerLink, state: ConnectionState): void {
    if (state === 'open') this.opened(connection);
    else if (state === 'failed') this.withoutDirectPath();
    else if (state === 'closed') this.reconnectLater();
    this.options.onChange();
  }

  private opened(connection: PeerLink): void {
    this.proven = true;
    this.retries = 0;
    this.seen();
    this.fallbackTimer.stop();
    this.move('direct');
    // Stats fail only on a connection closed since; its 'closed' moves the link on.
    connection.route().then(
      (route) => this.setRoute(route),
      () => undefined,
    );
    this.options.onReachable(true);
  }

  /** The connection failed or closed: the relay carries clips if it can, else the device is lost. */
  private withoutDirectPath(): void {
    // A connection opens only for a proven device: a listed one here is proven or never opened.
    if (!this.listedNow) this.move('lost');
    else if (this.proven && this.linkState !== 'relayed') this.relay();
  }

  private setRoute(route: DirectPath): void {
    this.route = route;
    this.options.onChange();
  }

  private relay(): void {
    this.move('relayed');
    this.options.onReachable(false);
  }

  /** A closed connection is made again after a backoff; meanwhile the relay carries clips. */
  private reconnectLater(): void {
    this.dropConnection();
    if (this.linkState === 'signaling' && !this.proven) this.move('idle');
    this.withoutDirectPath();
    this.connectLater(retryDelay(this.retries++, Math.random, 1, RECONNECT));
  }

  /** With no direct path by then, a listed and proven device is reached through the relay. */
  private armFallback(): void {
    this.fallbackTimer.set(this.options.fallbackAfterMs, () => {
      if (!this.waiting() || !this.listedNow || !this.proven) return;
      this.relay();
      this.options.onChange();
    });
  }

  /** Neither direct nor relayed, and not lost: clips wait for a path. */
  private waiting(): boolean {
    return this.linkState === 'idle' || this.linkState === 'signaling';
  }

  private move(next: LinkState): void {
    this.linkState = checkedMove(this.linkState, next);
  }

  /** Detaches first, so the old connection's 'closed' is not taken for a new failure. */
  private dropConnection(): void {
    const old = this.connection;
    this.connection = undefined;
    old?.close();
  }
}
