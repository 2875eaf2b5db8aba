import { describe, expect, it } from 'vitest';
import type { Clip, PeerMessage } from './protocol';
import { ClipSync } from './sync';
import { memoryClipStorage, settle } from './sync.fixture';

/** A ClipSync whose link lists one device and refuses every message to it. */
async function refusedLink() {
  const tried: PeerMessage[] = [];
  let changes = 0;
  const sync = new ClipSync({
    selfId: 'device-bbbb',
    selfName: () => 'B',
    link: {
      reachable: () => ['device-aaaa'],
      send: async (_to, message) => {
        tried.push(message);
        throw new Error('The relay is away.');
      },
    },
    storage: memoryClipStorage(),
    onChange: () => changes++,
  });
  await sync.load();
  return { sync, tried, changes: () => changes };
}

const clip: Clip = {
  id: 'clip-0001',
  text: 'hello',
  from: 'device-aaaa',
  fromName: 'A',
  at: 1,
  stamp: 1,
};

describe('messages that could not be sent', () => {
  it('counts an offer, a want and a receipt the link refused, and says so', async () => {
    const { sync, tried, changes } = await refusedLink();
    sync.onReachable('device-aaaa');
    sync.onMessage('device-aaaa', { t: 'have', ids: ['clip-0002'] });
    sync.onMessage('device-aaaa', { t: 'clip', clip });
    const before = changes();
    await settle();
    expect(tried.map((message) => message.t)).toEqual(['have', 'want', 'ack']);
    expect(sync.undelivered().unsent).toBe(3);
    expect(changes()).toBeGreaterThan(before);
    sync.close();
  });

  it('counts deletes the link refused', async () => {
    const { sync, tried } = await refusedLink();
    await sync.deleteClip('clip-0003');
    await settle();
    expect(tried).toEqual([{ t: 'deleted', ids: ['clip-0003'] }]);
    expect(sync.undelivered().unsent).toBe(1);
    sync.close();
  });
});
