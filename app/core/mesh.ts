// The mesh: one DeviceLink per remote device, signaling sealed through a transport,
// and a sealed fallback through the same transport when no direct link opens.

import { DeviceLink } from './device-link';
import { STREAM_TIMEOUT_MS } from './frames';
import type { IceServers } from './ice-servers';
import { Inbox } from './inbox';
import type { ConnectionEvents } from './link-state';
import { Outgoing, type Path } from './outgoing';
import { Peer, type PeerLink, type PeerOptions } from './peer';
import { type PeerMessage, PROTOCOL_VERSION, type Signal } from './protocol';
import { MAX_PEERS, Roster } from './roster';
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
    this.roster = new Roster(options.selfId, options.maxPeers ?? MAX_PEERS, (id) =>
      this.createLink(id),
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
    this.sayHello('*');
    for (const id of this.reachable()) this.sendHello(id);
  }

  /** Sends a message to one device, in pieces if needed. Rejects when it cannot be reached. */
  send(deviceId: string, message: PeerMessage): Promise<void> {
    const remote = this.roster.get(deviceId);
    if (!remote?.reachable) {
      return Promise.reject(new Error('That device is not connected.'));
    }
    const direct = remote.direct;
    const path: Path = direct
      ? { link: direct }
      : { relayMaxPayload: this.options.transport.maxPayload };
    return this.outgoing.send(deviceId, message, path);
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.sweepTimer);
    clearInterval(this.helloTimer);
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
        if (event.status === 'open') this.sayHello('*');
        break;
      case 'members':
        this.onMembers(event.devices);
        break;
      case 'join':
        this.roster.list(event.device);
        this.roster.admit(event.device)?.rejoined();
        break;
      case 'leave':
        this.roster.leave(event.device);
        break;
      case 'message':
        this.signaling.receive(event.from, event.payload);
        return;
    }
    this.options.onChange();
  }

  private onMembers(devices: string[]): void {
    this.roster.members(devices);
    for (const id of devices) this.roster.admit(id)?.listed();
  }

  /**
   * A hello lost to a tampering relay, or a device pushed out by made-up joins, would
   * otherwise never be heard from again: the first sealed hello that gets through connects.
   */
  private helloToUnproven(): void {
    if (this.health.relay === 'open' && this.roster.hasUnproven()) this.sayHello('*');
  }

  private createLink(id: string): DeviceLink {
    return new DeviceLink({
      id,
      initiator: this.options.selfId < id,
      fallbackAfterMs: this.options.fallbackAfterMs ?? 3_000,
      responderWaitMs: RESPONDER_WAIT_MS,
      connect: (events) => this.connect(id, events),
      onFrame: (data) => this.inbox.frame(id, data),
      onReachable: (direct) => {
        if (direct) this.sendHello(id);
        this.options.onReachable(id);
      },
      onChange: () => this.options.onChange(),
    });
  }

  /** A connection to one device; once its link has let it go, it sends no offers. */
  private connect(id: string, events: ConnectionEvents): PeerLink {
    const create = this.options.createPeer ?? ((options: PeerOptions) => new Peer(options));
    return create({
      remoteId: id,
      polite: this.options.selfId > id,
      iceServers: this.options.iceServers,
      forceRelay: this.options.forceRelay,
      sendDescription: (description) => {
        if (description.type === 'offer' && !events.isCurrent()) return;
        void this.signaling.send({ v: PROTOCOL_VERSION, t: 'description', to: id, description });
      },
      sendCandidate: (candidate) =>
        void this.signaling.send({ v: PROTOCOL_VERSION, t: 'candidate', to: id, candidate }),
      onMessage: events.onMessage,
      onState: events.onState,
      onPath: events.onPath,
    });
  }

  /** A signal opened and checked: its sender has proved it holds the room secret. */
  private async onSignalFrom(from: string, signal: Signal): Promise<void> {
    const remote = this.roster.admit(from);
    if (!remote) return;
    remote.heard();
    remote.prove();
    switch (signal.t) {
      case 'hello':
        remote.name = signal.name;
        if (signal.to === '*') this.sayHello(remote.id);
        this.options.onChange();
        return;
      case 'description':
        await remote.description(signal.description);
        return;
      case 'candidate':
        await remote.candidate(signal.candidate);
        return;
      case 'fallback':
        this.inbox.message(remote.id, signal.message);
        return;
    }
  }

  /** A whole message from a peer: hellos name it, the rest goes to sync. */
  private onPeerMessage(from: string, message: PeerMessage): void {
    if (message.t === 'hello') {
      if (message.v > PROTOCOL_VERSION) this.health.newerVersion = true;
      const remote = this.roster.get(from);
      if (remote) remote.name = message.name;
      // Only the current link: a new link may lead to another version of the app.
      const current = remote?.current;
      if (current && message.binary) this.outgoing.readsBinary(current);
      this.options.onChange();
      return;
    }
    this.options.onMessage(from, message);
  }

  /** A sealed hello through the relay, to one device or to all ('*'). */
  private sayHello(to: string): void {
    void this.signaling.send({ v: PROTOCOL_VERSION, t: 'hello', to, name: this.options.selfName });
  }

  /** A hello over the link; a lost one is counted, and the next connection says it again. */
  private sendHello(deviceId: string): void {
    this.send(deviceId, this.hello()).catch(() => this.signaling.unsent());
  }
}
