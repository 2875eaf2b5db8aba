// WebRTC for Node: node-datachannel's polyfill over libdatachannel, made to negotiate as a
// browser does where the core's Peer relies on it, installed as the global the core uses.

import { cleanup, type IceServer, PeerConnection } from 'node-datachannel';
import { RTCPeerConnection as PolyfillPeerConnection } from 'node-datachannel/polyfill';

let created = 0;

/**
 * The polyfill's RTCPeerConnection, with libdatachannel's own negotiation turned off so the
 * core's perfect negotiation leads, as in a browser:
 * - creating a data channel fires `negotiationneeded` (the polyfill never does);
 * - `setLocalDescription()` with no argument makes an offer when stable and an answer after
 *   an offer (the polyfill acts on an explicit offer only);
 * - descriptions not set yet read as null, not as an empty description;
 * - `restartIce()` does nothing instead of throwing inside an event handler, which would end
 *   the process: libdatachannel cannot restart ICE, so a failed link goes through the relay
 *   and a closed one is replaced, as the mesh does for any link;
 * - `getStats()` lists candidates with their `address`, and the signaled remote ones too, as a
 *   browser does: link-path.ts needs both to tell a peer-reflexive candidate (its first check
 *   came before the signal) from a host one, or a link on one network reads as through NAT.
 */
export class NodePeerConnection extends PolyfillPeerConnection {
  private readonly native: PeerConnection;

  constructor(config: RTCConfiguration = {}) {
    const native = new PeerConnection(`clipmesh-${++created}`, {
      iceServers: (config.iceServers ?? []).flatMap(iceUrls),
      iceTransportPolicy: config.iceTransportPolicy === 'relay' ? 'relay' : 'all',
      disableAutoNegotiation: true,
    });
    super({ ...config, peerConnection: native });
    this.native = native;
  }

  override createDataChannel(
    label: string,
    init?: RTCDataChannelInit,
  ): ReturnType<PolyfillPeerConnection['createDataChannel']> {
    const channel = super.createDataChannel(label, init);
    queueMicrotask(() => {
      if (this.signalingState === 'stable') this.dispatchEvent(new Event('negotiationneeded'));
    });
    return channel;
  }

  override async setLocalDescription(description?: RTCSessionDescriptionInit): Promise<void> {
    const type = description?.type ?? implicitType(this.signalingState);
    if (type) this.native.setLocalDescription(type);
  }

  override get localDescription(): RTCSessionDescription {
    return this.native.localDescription() ? super.localDescription : (null as never);
  }

  override get remoteDescription(): RTCSessionDescription {
    return this.native.remoteDescription() ? super.remoteDescription : (null as never);
  }

  override async restartIce(): Promise<void> {}

  override async getStats(): Promise<RTCStatsReport> {
    const report: Map<string, Record<string, unknown>> = await super.getStats();
    for (const entry of report.values()) {
      if (entry.type === 'local-candidate' || entry.type === 'remote-candidate') {
        entry.address = entry.ip;
      }
    }
    this.ext_remoteCandidates.forEach(({ type, address, port }, index) => {
      const id = `RTCIceCandidate_signaled_${index}`;
      report.set(id, { id, type: 'remote-candidate', candidateType: type, address, port });
    });
    return report as RTCStatsReport;
  }
}

function implicitType(state: RTCSignalingState): 'offer' | 'answer' | undefined {
  if (state === 'stable' || state === 'have-local-offer') return 'offer';
  if (state === 'have-remote-offer') return 'answer';
  return undefined;
}

/** libdatachannel takes TURN credentials inside the URL. */
function iceUrls(server: RTCIceServer): (string | IceServer)[] {
  const urls = Array.isArray(server.urls) ? server.urls : [server.urls];
  return urls.map((url) => {
    if (!server.username || typeof server.credential !== 'string') return url;
    const [scheme, rest] = url.split(/:(.*)/s);
    const user = encodeURIComponent(server.username);
    return `${scheme}:${user}:${encodeURIComponent(server.credential)}@${rest}`;
  });
}

/** Gives the core (app/core/peer.ts) the RTCPeerConnection it expects as a global. */
export function installWebRtc(): void {
  Object.assign(globalThis, { RTCPeerConnection: NodePeerConnection });
}

/**
 * Lets libdatachannel finish closing every connection (it sends the other end its goodbye on
 * threads of its own) before the process exits: otherwise the other device believes the
 * link open until ICE gives up on it, and offers nothing to this device's next run.
 */
export function closeWebRtc(): void {
  cleanup();
}
