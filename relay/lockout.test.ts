import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeAll, deviceKey, join, roomId, startRelay, subscribe } from './harness';

afterEach(closeAll);

const health = async (url: string) =>
  (await (await fetch(`${url}/healthz`)).json()) as { rooms: number; subscribers: number };

describe('device lock-out', () => {
  it('a device id seen by others stays bound after its room is swept; its owner gets back in', async () => {
    const { url, relay, clock } = await startRelay({ roomGraceMs: 60_000 });
    const room = roomId();
    const phone = await join(url, room);
    const watcher = await join(url, room);
    expect((await phone.send('hello')).status).toBe(202);
    phone.stream.close();
    watcher.stream.close();
    await vi.waitFor(async () => expect((await health(url)).subscribers).toBe(0));
    clock.advance(60_000);
    relay.sweep();
    expect((await health(url)).rooms).toBe(0);

    // The watcher saw the phone's id in `members`; it cannot bind that id to its own key.
    const thief = await subscribe(url, room, phone.device, deviceKey());
    expect(thief.status).toBe(409);
    expect(JSON.parse(thief.body)).toEqual({
      error: 'device id is bound to another key',
      code: 'device_conflict',
    });
    const back = await subscribe(url, room, phone.device, phone.key);
    expect(back.status).toBe(200);
    expect((await back.next('members')).json).toEqual({
      devices: [],
      resumed: false,
      ice: { iceServers: [] },
    });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('clipmesh_relay_kept_bindings 2');
  });

  it('a refused thief does not hold the room or the id: the owner joins at once', async () => {
    const { url } = await startRelay();
    const room = roomId();
    const phone = await join(url, room);
    const watcher = await join(url, room);
    phone.stream.close();
    watcher.stream.close();
    await vi.waitFor(async () => expect((await health(url)).rooms).toBe(0));
    for (let i = 0; i < 5; i += 1) {
      expect((await subscribe(url, room, phone.device, deviceKey())).status).toBe(409);
    }
    expect((await health(url)).rooms).toBe(0);
    expect((await subscribe(url, room, phone.device, phone.key)).status).toBe(200);
  });

  it('a binding is forgotten once its time to live has passed, so memory stays bounded', async () => {
    const { url, relay, clock } = await startRelay({ bindingTtlMs: 1000 });
    const room = roomId();
    const phone = await join(url, room);
    const watcher = await join(url, room);
    phone.stream.close();
    watcher.stream.close();
    await vi.waitFor(async () => expect((await health(url)).rooms).toBe(0));
    clock.advance(1000);
    relay.sweep();
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('clipmesh_relay_kept_bindings 0');
  });
});
