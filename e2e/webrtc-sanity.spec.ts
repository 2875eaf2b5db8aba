// Proves the environment before any app scenario depends on it: two separate
// Chromium processes, no ICE servers, signaling passed by hand through the test.
import { expect, test } from './fixtures/test';

interface CandidatePair {
  localType: string;
  localAddress: string;
  remoteAddress: string;
}

interface SanityPeer {
  offer(): Promise<RTCSessionDescriptionInit>;
  answer(offer: RTCSessionDescriptionInit): Promise<RTCSessionDescriptionInit>;
  accept(answer: RTCSessionDescriptionInit): Promise<void>;
  opened: Promise<void>;
  send(text: string): void;
  received: string[];
  candidatePair(): Promise<CandidatePair>;
}

declare global {
  interface Window {
    peer: SanityPeer;
  }
}

/** Runs in the page: one RTCPeerConnection that trickles nothing and waits for all candidates. */
function installPeer(): void {
  const connection = new RTCPeerConnection({ iceServers: [] });
  const received: string[] = [];
  let channel: RTCDataChannel | undefined;
  let markOpen: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    markOpen = resolve;
  });

  const adopt = (dataChannel: RTCDataChannel) => {
    channel = dataChannel;
    dataChannel.onmessage = (event) => received.push(String(event.data));
    if (dataChannel.readyState === 'open') markOpen();
    else dataChannel.onopen = () => markOpen();
  };
  connection.ondatachannel = (event) => adopt(event.channel);

  const gathered = async (): Promise<RTCSessionDescriptionInit> => {
    await new Promise<void>((resolve) => {
      if (connection.iceGatheringState === 'complete') return resolve();
      connection.addEventListener('icegatheringstatechange', () => {
        if (connection.iceGatheringState === 'complete') resolve();
      });
    });
    const description = connection.localDescription;
    if (!description) throw new Error('no local description after gathering');
    return description.toJSON();
  };

  window.peer = {
    async offer() {
      adopt(connection.createDataChannel('sanity'));
      await connection.setLocalDescription();
      return gathered();
    },
    async answer(offer) {
      await connection.setRemoteDescription(offer);
      await connection.setLocalDescription();
      return gathered();
    },
    async accept(answer) {
      await connection.setRemoteDescription(answer);
    },
    opened,
    send(text) {
      if (!channel) throw new Error('no data channel yet');
      channel.send(text);
    },
    received,
    async candidatePair() {
      const stats = new Map<string, Record<string, string>>(await connection.getStats());
      const transport = [...stats.values()].find((entry) => entry.type === 'transport');
      const pair = stats.get(transport?.selectedCandidatePairId ?? '');
      const local = stats.get(pair?.localCandidateId ?? '');
      const remote = stats.get(pair?.remoteCandidateId ?? '');
      if (!local || !remote) throw new Error('no selected candidate pair');
      return {
        localType: local.candidateType ?? '',
        localAddress: local.address ?? '',
        remoteAddress: remote.address ?? '',
      };
    },
  };
}

test('two browser processes open a direct data channel inside the namespace', async ({
  devices,
}) => {
  const a = await devices.launch('A');
  const b = await devices.launch('B');
  await a.page.evaluate(installPeer);
  await b.page.evaluate(installPeer);

  const offer = await a.page.evaluate(() => window.peer.offer());
  const answer = await b.page.evaluate((remote) => window.peer.answer(remote), offer);
  await a.page.evaluate((remote) => window.peer.accept(remote), answer);
  await a.page.evaluate(() => window.peer.opened);
  await b.page.evaluate(() => window.peer.opened);

  await a.page.evaluate(() => window.peer.send('hello from A'));
  await b.page.evaluate(() => window.peer.send('hello from B'));
  await expect.poll(() => b.page.evaluate(() => window.peer.received)).toEqual(['hello from A']);
  await expect.poll(() => a.page.evaluate(() => window.peer.received)).toEqual(['hello from B']);

  const pair = await a.page.evaluate(() => window.peer.candidatePair());
  expect(pair.localType).toBe('host');
  expect(pair.localAddress).not.toMatch(/\.local$/);
  if (process.env.CLIPMESH_NETNS === '1') {
    expect(pair).toMatchObject({ localAddress: '10.99.0.1', remoteAddress: '10.99.0.1' });
  }
  expect(a.consoleErrors).toEqual([]);
  expect(b.consoleErrors).toEqual([]);
});
