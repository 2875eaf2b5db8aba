// The mesh: one Peer per remote device, signaling sealed through a transport,
// and a sealed fallback through the same transport when no direct link opens.

import { STREAM_TIMEOUT_MS } from './frames';
import type { IceServers } from './ice-servers';
import { Inbox } from './inbox';
import { Outgoing, type Path } from './outgoing';
import { Peer, type PeerLink, type PeerOptions } from './peer';
import {
  type PeerMessage,
  PROTOCOL_VERSION,
  type SessionDescription,
  type Signal,
} from './protocol';
import { isReachable, MAX_PEERS, type Remote, Roster } from './roster';
import type { Sealer } from './sealed';
import type { DeviceView, TransferView } from './session-types';
import { type MeshHealth, Signaling } from './signaling';
import type { Transport, TransportEvent } from './transport/types';

export interface MeshOptions {
  selfId: string;
  selfName: string;
  transport: Transport;
  sealer: Sealer;
  iceServers: IceServers;
  forceRelay: boolean;
  /** Other devices held at most; by default as many as a relay room admits. */
  maxPeers?: number;
  /** A device with no open data channel after this long is reached through the relay. */
  fallbackAfterMs?: number;
  /** Streams of pieces idle this long are freed (tests shorten it). */
  partTimeoutMs?: number;
  /** Unit tests pass a link that never opens; the app uses WebRTC. */
  createPeer?(options: PeerOptions): PeerLink;
  onMessage(from: string, message: PeerMessage): void;
  /** A device became reachable (direct or through the fallback): time to sync. */
  onReachable(deviceId: string): void;
  /** Progress of a message moving in pieces, either way. */
  onTransfer(transfer: TransferView): void;
  /** Anything shown to a person changed. */
  onChange(): void;
}

/** How long the device with the larger id waits for the other's offer before offering itself. */
const RESPONDER_WAIT_MS = 2_000;
/** While the relay lists devices that never proved themselves, hello again this often. */
const HELLO_AGAIN_MS = 15_000;

export class Mesh {
  private readonly roster: Roster;
  private readonly inbox: Inbox;
  private readonly signaling: Signaling;
  private unsubscribe: () => void;
  private sweepTimer: ReturnType<typeof setInterval>;
  private helloTimer: ReturnType<typeof setInterval>;
  private readonly outgoing: Outgoing;
  readonly health: MeshHealth = {
    relay: 'connecting',
    tampering: false,
    newerVersion: false,
    dropped: 0,
    unsent: 0,
  };

  constructor(private readonly options: MeshOptions) {
    this.roster = new Roster(options.selfId, options.maxPeers ?? MAX_PEERS, (remote) =>
      this.forget(remote),
    );
    this.signaling = new Signaling({
      selfId: options.selfId,
      transport: options.transport,
      sealer: options.sealer,
      health: this.health,
      onSignal: (from, signal) => this.onSignalFrom(from, signal),
      onChange: () => this.options.onChange(),
    });
    const timeoutMs = options.partTimeoutMs ?? STREAM_TIMEOUT_MS;
    this.inbox = new Inbox(
      {
        deliver: (from, message) => this.onPeerMessage(from, message),
        drop: () => this.signaling.drop(),
        newer: () => this.signaling.newer(),
        transfer: (transfer) => this.options.onTransfer(transfer),
      },
      timeoutMs,
    );
    this.outgoing = new Outgoing({
      // Rejects with the relay's refusal, so the caller keeps the message and tries again.
      relay: (to, message) =>
        this.signaling.enqueue({ v: PROTOCOL_VERSION, t: 'fallback', to, message }),
      transfer: (transfer) => this.options.onTransfer(transfer),
    });
    this.unsubscribe = options.transport.subscribe((event) => this.onTransportEvent(event));
    this.sweepTimer = setInterval(() => this.sweep(), Math.min(5_000, timeoutMs));
    this.helloTimer = setInterval(() => this.helloToUnproven(), HELLO_AGAIN_MS);
  }

  devices(): DeviceView[] {
    return this.roster.devices();
  }

  /** Devices a message can reach now. */
  reachable(): string[] {
    return this.roster.reachable();
  }

  setName(name: string): void {
    this.options.selfName = name;
    void this.signaling.send({ v: PROTOCOL_VERSION, t: 'hello', to: '*', name });
    for (const id of this.reachable()) this.sendHello(id);
  }

  /** Sends a message to one device, in pieces if needed. Rejects when it cannot be reached. */
  send(deviceId: string, message: PeerMessage): Promise<void> {
    const remote = this.roster.get(deviceId);
    if (!remote || !isReachable(remote)) {
      return Promise.reject(new Error('That device is not connected.'));
    }
    const path: Path = remote.peer?.isOpen
      ? { link: remote.peer }
      : { relayMaxPayload: this.options.transport.maxPayload };
    return this.outgoing.send(deviceId, message, path);
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.sweepTimer);
    clearInterval(this.helloTimer);
    for (const remote of this.roster.all()) this.forget(remote);
    this.roster.clear();
  }

  private sweep(): void {
    const now = Date.now();
    this.inbox.expire(now);
    const before = this.roster.all().length;
    this.roster.prune(now);
    if (this.roster.all().length !== before) this.options.onChange();
  }

  private hello(): PeerMessage {
    return { t: 'hello', v: PROTOCOL_VERSION, name: this.options.selfName, binary: true };
  }

  private onTransportEvent(event: TransportEvent): void {
    switch (event.type) {
      case 'status':
        this.health.relay = event.status;
        this.health.relayDetail = event.detail;
        if (event.status === 'open') {
          void this.signaling.send({
            v: PROTOCOL_VERSION,
            t: 'hello',
            to: '*',
            name: this.options.selfName,
          });
        }
        break;
      case 'members':
        this.onMembers(event.devices);
        break;
      case 'join':
        this.roster.list(event.device);
        this.dropStaleLink(event.device);
        this.touch(event.device, true);
        break;
      case 'leave':
        this.onLeave(event.device);
        break;
      case 'message':
        this.signaling.receive(event.from, event.payload);
        return;
    }
    this.options.onChange();
  }

  private onMembers(devices: string[]): void {
    this.roster.members(devices);
    for (const id of devices) this.touch(id, true);
  }

  private onLeave(id: string): void {
    const remote = this.roster.leave(id);
    // A live data channel outlives the relay's view of the device.
    if (remote && !remote.peer?.isOpen) remote.fallback = false;
  }

  /**
   * A device that joins again (a new run of it, a reload) under the same id gets a fresh link:
   * an offer the old, unopened link made while it was away was lost, and sent again only later.
   */
  private dropStaleLink(id: string): void {
    const remote = this.roster.get(id);
    if (!remote?.peer || remote.peer.isOpen) return;
    dropPeer(remote);
    clearTimeout(remote.retryTimer);
    remote.retryTimer = undefined;
  }

  /**
   * A hello lost to a tampering relay, or a device pushed out by made-up joins, would
   * otherwise never be heard from again: the first sealed hello that gets through connects.
   */
  private helloToUnproven(): void {
    if (this.health.relay === 'open' && this.roster.hasUnproven()) {
      void this.signaling.send({
        v: PROTOCOL_VERSION,
        t: 'hello',
        to: '*',
        name: this.options.selfName,
      });
    }
  }

  /** Learns of a device, creating its peer connection if needed. */
  private touch(id: string, present: boolean): Remote | undefined {
    const remote = this.roster.admit(id);
    if (!remote) return undefined;
    const arrived = present && !remote.present;
    if (present) remote.present = true;
    remote.lastSeen = Date.now();
    if (!remote.peer && !remote.retryTimer) this.connectLater(remote, 0);
    // The fallback wait may have ended before the relay listed it: it counts from now.
    else if (arrived && !remote.peer?.isOpen && !remote.fallback) this.armFallback(remote);
    return remote;
  }

  /**
   * The device with the smaller id offers first; the other waits a moment for that offer.
   * Two simultaneous offers are settled by perfect negotiation, but avoiding them saves a
   * rollback, after which Chromium may never send the candidates of the rolled-back offer.
   */
  private connectLater(remote: Remote, delay: number): void {
    const initiator = this.options.selfId < remote.id;
    const wait = initiator ? delay : delay + RESPONDER_WAIT_MS;
    clearTimeout(remote.retryTimer);
    if (wait === 0) {
      this.connect(remote);
      return;
    }
    remote.retryTimer = setTimeout(() => {
      remote.retryTimer = undefined;
      if (!remote.peer && this.roster.get(remote.id) === remote) this.connect(remote);
    }, wait);
    this.armFallback(remote);
  }

  /** With no open data channel by then, the device is reached through the relay. */
  private armFallback(remote: Remote): void {
    clearTimeout(remote.fallbackTimer);
    remote.fallbackTimer = setTimeout(() => {
      if (remote.peer?.isOpen || !remote.present || remote.fallback || !remote.verified) return;
      remote.fallback = true;
      this.options.onReachable(remote.id);
      this.options.onChange();
    }, this.options.fallbackAfterMs ?? 3_000);
  }

  private connect(remote: Remote): void {
    dropPeer(remote);
    clearTimeout(remote.retryTimer);
    remote.retryTimer = undefined;
    remote.peer = this.createLink(remote);
    if (!remote.fallback) this.armFallback(remote);
  }

  /** A link to `remote`; until it is the remote's current one, it sends no offers. */
  private createLink(remote: Remote): PeerLink {
    const create = this.options.createPeer ?? ((options: PeerOptions) => new Peer(options));
    const peer: PeerLink = create({
      remoteId: remote.id,
      polite: this.options.selfId > remote.id,
      iceServers: this.options.iceServers,
      forceRelay: this.options.forceRelay,
      sendDescription: (description) => {
        if (description.type === 'offer' && remote.peer !== peer) return;
        void this.signaling.send({
          v: PROTOCOL_VERSION,
          t: 'description',
          to: remote.id,
          description,
        });
      },
      sendCandidate: (candidate) =>
        void this.signaling.send({ v: PROTOCOL_VERSION, t: 'candidate', to: remote.id, candidate }),
      onMessage: (data) => {
        this.heardFrom(remote.id);
        this.inbox.frame(remote.id, data);
      },
      onState: (state) => this.onLinkState(remote, peer, state),
      onPath: (path) => {
        if (remote.peer !== peer) return;
        remote.route = path;
        this.options.onChange();
      },
    });
    return peer;
  }

  private onLinkState(remote: Remote, peer: PeerLink, state: string): void {
    if (remote.peer !== peer) return;
    if (state === 'open') {
      remote.verified = true;
      remote.retries = 0;
      remote.fallback = false;
      remote.lastSeen = Date.now();
      this.sendHello(remote.id);
      void peer.route().then((route) => {
        remote.route = route;
        this.options.onChange();
      });
      this.options.onReachable(remote.id);
    } else if (state === 'closed') {
      this.reconnectLater(remote);
    } else if (state === 'failed' && remote.present) {
      remote.fallback = true;
      this.options.onReachable(remote.id);
    }
    this.options.onChange();
  }

  /** A closed link is replaced after a backoff, so two devices do not race each other. */
  private reconnectLater(remote: Remote): void {
    dropPeer(remote);
    if (remote.present) remote.fallback = true;
    const delay = Math.min(30_000, 500 * 2 ** remote.retries) * (0.5 + Math.random() / 2);
    remote.retries += 1;
    this.connectLater(remote, Math.max(1, delay));
  }

  private forget(remote: Remote): void {
    clearTimeout(remote.fallbackTimer);
    clearTimeout(remote.retryTimer);
    remote.retryTimer = undefined;
    dropPeer(remote);
  }

  /** A signal opened and checked: its sender has proved it holds the room secret. */
  private async onSignalFrom(from: string, signal: Signal): Promise<void> {
    const remote = this.touch(from, false);
    if (!remote) return;
    if (!remote.verified) {
      remote.verified = true;
      if (!remote.peer?.isOpen && !remote.fallback) this.armFallback(remote);
      this.options.onChange();
    }
    await this.onSignal(remote, signal);
  }

  private async onSignal(remote: Remote, signal: Signal): Promise<void> {
    switch (signal.t) {
      case 'hello':
        remote.name = signal.name;
        if (signal.to === '*') {
          void this.signaling.send({
            v: PROTOCOL_VERSION,
            t: 'hello',
            to: remote.id,
            name: this.options.selfName,
          });
        }
        this.options.onChange();
        return;
      case 'description':
        await this.applyDescription(remote, signal.description);
        return;
      case 'candidate':
        await remote.peer?.handleCandidate(signal.candidate);
        return;
      case 'fallback':
        this.heardFrom(remote.id);
        this.inbox.message(remote.id, signal.message);
        return;
    }
  }

  private async applyDescription(remote: Remote, description: SessionDescription): Promise<void> {
    if (!remote.peer && description.type === 'offer') this.connect(remote);
    const peer = remote.peer;
    if (!peer) return;
    try {
      await peer.handleDescription(description);
    } catch (error) {
      if (description.type !== 'offer') throw error;
      await this.replaceLink(remote, description);
    }
  }

  /**
   * An offer the current link cannot take may come from the other device's new connection
   * (it reloaded): a fresh link answers it. The old link goes only once the fresh one has
   * taken the offer, so an offer that is simply bad never cuts a working link.
   */
  private async replaceLink(remote: Remote, offer: SessionDescription): Promise<void> {
    const fresh = this.createLink(remote);
    try {
      await fresh.handleDescription(offer);
    } catch (error) {
      fresh.close();
      throw error;
    }
    if (this.roster.get(remote.id) !== remote) {
      fresh.close();
      return;
    }
    this.forget(remote);
    remote.peer = fresh;
    if (!remote.fallback) this.armFallback(remote);
  }

  private heardFrom(id: string): void {
    const remote = this.roster.get(id);
    if (remote) remote.lastSeen = Date.now();
  }

  /** A whole message from a peer: hellos name it, the rest goes to sync. */
  private onPeerMessage(from: string, message: PeerMessage): void {
    if (message.t === 'hello') {
      if (message.v > PROTOCOL_VERSION) this.health.newerVersion = true;
      const remote = this.roster.get(from);
      if (remote) remote.name = message.name;
      // Only the current link: a new link may lead to another version of the app.
      if (remote?.peer && message.binary) this.outgoing.readsBinary(remote.peer);
      this.options.onChange();
      return;
    }
    this.options.onMessage(from, message);
  }

  /** A hello over the link; a lost one is counted, and the next connection says it again. */
  private sendHello(deviceId: string): void {
    this.send(deviceId, this.hello()).catch(() => this.signaling.unsent());
  }
}

/** Detaches first, so the old link's 'closed' is not taken for a new failure. */
function dropPeer(remote: Remote): void {
  const old = remote.peer;
  remote.peer = undefined;
  old?.close();
}
