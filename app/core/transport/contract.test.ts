// One suite, run against every transport: what the mesh relies on from the seam in
// types.ts, proved the same way for each (as trystero runs one suite per strategy).

import { afterEach, describe, expect, it } from 'vitest';
import { deviceId, deviceKey, roomId } from '../../../relay/harness';
import { createRelay } from '../../../relay/server';
import { createBroadcastTransport } from './broadcast';
import { createMemoryHub } from './memory';
import { combineTransports } from './multi';
import { createRelayTransport } from './sse';
import { PublishError, type Transport, type TransportEvent, type TransportOptions } from './types';

/** Makes transports for devices of one room; `close` frees what the lab started. */
interface Lab {
  transport(options: TransportOptions): Transport;
  close(): Promise<void>;
}

const labs: Record<string, () => Promise<Lab>> = {
  memory: async () => {
    const hub = createMemoryHub();
    return { transport: (options) => hub.connect(options), close: async () => {} };
  },
  broadcast: async () => ({
    transport: (options) => createBroadcastTransport(options),
    close: async () => {},
  }),
  'sse relay': async () => {
    const relay = createRelay({ log: () => {} });
    const { port } = await relay.listen(0, '127.0.0.1');
    const relayUrl = `http://127.0.0.1:${port}`;
    return {
      transport: (options) => createRelayTransport({ ...options, relayUrl }),
      close: async () => {
        const closed = relay.close();
        relay.server.closeAllConnections();
        await closed;
      },
    };
  },
  'relay and tabs combined': async () => {
    const relay = createMemoryHub();
    return {
      transport: (options) =>
        combineTransports(relay.connect(options), createBroadcastTransport(options)),
      close: async () => {},
    };
  },
};

interface Device {
  id: string;
  transport: Transport;
  events: TransportEvent[];
  unsubscribe(): void;
}

/** Who this device believes is present, from members, join and leave as they came. */
function present(device: Device): string[] {
  const here = new Set<string>();
  for (const event of device.events) {
    if (event.type === 'members') {
      here.clear();
      for (const id of event.devices) here.add(id);
    } else if (event.type === 'join') here.add(event.device);
    else if (event.type === 'leave') here.delete(event.device);
  }
  return [...here].sort();
}

const payloads = (device: Device) =>
  device.events.flatMap((e) => (e.type === 'message' ? [`${e.from}:${e.payload}`] : []));
const statuses = (device: Device) =>
  device.events.flatMap((e) => (e.type === 'status' ? [e.status] : []));

async function until(condition: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.each(Object.keys(labs))('the %s transport', (name) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function room(): Promise<(id?: string) => Device> {
    const lab = await (labs[name] as () => Promise<Lab>)();
    cleanups.push(() => lab.close());
    const room = roomId();
    return (id = deviceId()) => {
      const transport = lab.transport({ roomId: room, deviceId: id, deviceKey: deviceKey() });
      const events: TransportEvent[] = [];
      const unsubscribe = transport.subscribe((event) => events.push(event));
      cleanups.push(unsubscribe);
      return { id, transport, events, unsubscribe };
    };
  }

  it('opens, and two devices each learn that the other is present', async () => {
    const join = await room();
    const a = join();
    await until(() => statuses(a).includes('open'));
    const b = join();
    await until(() => present(a).includes(b.id) && present(b).includes(a.id));
    expect(present(a)).toEqual([b.id]);
    expect(present(b)).toEqual([a.id]);
  });

  it('delivers a broadcast to every other device and a targeted message to its target only', async () => {
    const join = await room();
    const [a, b, c] = [join(), join(), join()];
    await until(
      () => present(a).length === 2 && present(b).length === 2 && present(c).length === 2,
    );
    await a.transport.publish('to all');
    await a.transport.publish('to b', b.id);
    await until(() => payloads(b).length === 2 && payloads(c).length === 1);
    expect(payloads(b)).toEqual([`${a.id}:to all`, `${a.id}:to b`]);
    expect(payloads(c)).toEqual([`${a.id}:to all`]);
    expect(payloads(a)).toEqual([]);
  });

  it('keeps rooms apart', async () => {
    const [join, other] = [await room(), await room()];
    const a = join();
    const stranger = other();
    const b = join();
    await until(() => present(a).includes(b.id) && present(b).includes(a.id));
    await a.transport.publish('secret');
    await until(() => payloads(b).length === 1);
    expect(present(stranger)).toEqual([]);
    expect(payloads(stranger)).toEqual([]);
  });

  it('rejects a message to a device not in the room with 404, and one over the limit with 413', async () => {
    const join = await room();
    const a = join();
    const b = join();
    await until(() => present(a).includes(b.id));
    const unknown = a.transport.publish('hello', deviceId());
    await expect(unknown).rejects.toBeInstanceOf(PublishError);
    await expect(unknown).rejects.toMatchObject({ status: 404 });
    const large = a.transport.publish('x'.repeat(a.transport.maxPayload + 1), b.id);
    await expect(large).rejects.toMatchObject({ status: 413 });
    await a.transport.publish('small', b.id);
    await until(() => payloads(b).length === 1);
    expect(payloads(b)).toEqual([`${a.id}:small`]);
  });

  it('on unsubscribe says closed, the others see the device leave, and nothing more arrives', async () => {
    const join = await room();
    const a = join();
    const b = join();
    await until(() => present(a).includes(b.id) && present(b).includes(a.id));
    b.unsubscribe();
    expect(statuses(b).at(-1)).toBe('closed');
    await until(() => !present(a).includes(b.id));
    const seen = b.events.length;
    await expect(a.transport.publish('late', b.id)).rejects.toBeInstanceOf(PublishError);
    await a.transport.publish('late to all');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(b.events.length).toBe(seen);
  });
});
