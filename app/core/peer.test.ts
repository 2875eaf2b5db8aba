import { afterEach, describe, expect, it, vi } from 'vitest';
import { Peer, type PeerOptions } from './peer';

/**
 * The part of Chromium's RTCPeerConnection this test needs, with its behaviour once closed
 * (checked against Chromium 156): an operation pending when close() is called never settles.
 */
class NeverSettlingConnection {
  signalingState = 'stable';
  remoteDescription = null;
  localDescription = null;
  createDataChannel() {
    return { readyState: 'connecting', close() {}, addEventListener() {} };
  }
  setRemoteDescription(): Promise<void> {
    return new Promise(() => {});
  }
  setLocalDescription(): Promise<void> {
    return new Promise(() => {});
  }
  close() {
    this.signalingState = 'closed';
  }
}

function peerOptions(): PeerOptions {
  return {
    remoteId: 'device-bbbb',
    polite: true,
    iceServers: [],
    forceRelay: false,
    sendDescription: () => {},
    sendCandidate: () => {},
    onMessage: () => {},
    onState: () => {},
  };
}

describe('Peer', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('lets go of an offer being applied when the link is closed under it', async () => {
    vi.stubGlobal('RTCPeerConnection', NeverSettlingConnection);
    const peer = new Peer(peerOptions());
    let settled = false;
    const applying = peer.handleDescription({ type: 'offer', sdp: 'v=0' }).then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(settled).toBe(false);
    peer.close();
    await applying;
    expect(settled).toBe(true);
  });
});
