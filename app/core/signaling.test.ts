import { describe, expect, it } from 'vitest';
import { deriveRoomKeys } from './keys';
import { PROTOCOL_VERSION, type Signal } from './protocol';
import { Sealer } from './sealed';
import { type MeshHealth, Signaling } from './signaling';
import { PublishError, type Transport } from './transport/types';

const hello = (to: string): Signal => ({ v: PROTOCOL_VERSION, t: 'hello', to, name: 'A' });

/** Signaling over a transport whose publishes wait until the test lets each one end. */
async function setup() {
  const keys = await deriveRoomKeys(new Uint8Array(16).fill(3));
  const published: Array<{ to?: string; end(refused?: boolean): void }> = [];
  const transport: Transport = {
    maxPayload: 65_536,
    subscribe: () => () => {},
    publish: (_payload, to) =>
      new Promise<void>((resolve, reject) => {
        published.push({
          to,
          end: (refused) => (refused ? reject(new PublishError('slow down', 429)) : resolve()),
        });
      }),
  };
  const health: MeshHealth = {
    relay: 'open',
    tampering: false,
    newerVersion: false,
    dropped: 0,
    unsent: 0,
  };
  let changes = 0;
  const signaling = new Signaling({
    selfId: 'device-aaaa',
    transport,
    sealer: new Sealer(keys.sealKey, keys.roomId, 'device-aaaa'),
    health,
    onSignal: async () => {},
    onChange: () => changes++,
  });
  return { signaling, published, health, changes: () => changes };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(check()).toBe(true);
};

describe('signaling', () => {
  it('sends one signal at a time, in order, whatever became of the one before', async () => {
    const { signaling, published, health, changes } = await setup();
    const first = signaling.enqueue(hello('device-bbbb'));
    const second = signaling.send(hello('device-cccc'));
    await until(() => published.length === 1);
    await new Promise((r) => setTimeout(r, 5));
    expect(published.map((p) => p.to)).toEqual(['device-bbbb']);
    published[0]?.end(true);
    await expect(first).rejects.toBeInstanceOf(PublishError);
    await until(() => published.length === 2);
    expect(published[1]?.to).toBe('device-cccc');
    published[1]?.end(true);
    await second;
    // The one nothing waited on is counted; the other's sender heard of it.
    expect(health.unsent).toBe(1);
    expect(changes()).toBe(1);
  });
});
