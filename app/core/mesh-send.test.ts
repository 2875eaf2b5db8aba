import { afterEach, describe, expect, it } from 'vitest';
import { closeMeshes, join, until } from './mesh.fixture';
import { createMemoryHub } from './transport/memory';
import { PublishError, type Transport } from './transport/types';

afterEach(closeMeshes);

/** A relay that, once armed, takes `allowed` more payloads and refuses the rest. */
function refusingRelay() {
  const relay = { armed: false, allowed: 0, taken: 0 };
  const wrap = (transport: Transport): Transport => ({
    ...transport,
    subscribe: (handler) => transport.subscribe(handler),
    publish: (payload, to) => {
      if (!relay.armed) return transport.publish(payload, to);
      if (relay.taken >= relay.allowed) {
        return Promise.reject(new PublishError('too many messages, slow down', 429));
      }
      relay.taken += 1;
      return transport.publish(payload, to);
    },
  });
  return { relay, wrap };
}

async function pairOverRelay() {
  const hub = createMemoryHub();
  const { relay, wrap } = refusingRelay();
  const a = await join(hub, 'device-aaaa', { wrap });
  const b = await join(hub, 'device-bbbb');
  await until(() => a.reachable.includes('device-bbbb'), 'A reaches B through the relay');
  return { a, b, relay };
}

describe('sending through a relay that refuses', () => {
  it('counts the hellos a rename could not send, and says so', async () => {
    const { a, relay } = await pairOverRelay();
    relay.armed = true;
    a.mesh.setName('A again');
    await until(() => a.mesh.health.unsent === 2, 'both hellos counted as unsent');
  });

  it('counts only the pieces that left, and ends the progress of a refused transfer', async () => {
    const { a, relay } = await pairOverRelay();
    const clip = {
      id: 'clip-large-1',
      text: 'x'.repeat(300_000),
      from: 'device-aaaa',
      fromName: 'A',
      at: 1,
      stamp: 1,
    };
    relay.armed = true;
    relay.allowed = 2;
    await expect(a.mesh.send('device-bbbb', { t: 'clip', clip })).rejects.toBeInstanceOf(
      PublishError,
    );
    const out = a.transfers.filter((transfer) => transfer.direction === 'out');
    const total = out[0]?.total ?? 0;
    expect(total).toBeGreaterThan(2);
    expect(out.slice(0, -1).map((transfer) => transfer.done)).toEqual([1, 2]);
    // The last report takes it off the screen: nothing more of it is on its way.
    expect(out.at(-1)).toMatchObject({ done: total, total });
  });
});
