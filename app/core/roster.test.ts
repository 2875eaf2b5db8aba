import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_MAX_DEVICES_PER_ROOM } from '../../relay/contract';
import type { DeviceLink } from './device-link';
import { linkUnderTest } from './device-link.fixture';
import { FORGET_GONE_MS, MAX_PEERS, Roster } from './roster';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

/** A roster whose links record, in `evicted`, each one closed to make room or forgotten. */
function rosterOf(cap: number, evicted: string[] = []): Roster {
  return new Roster('self-0001', cap, (id) => {
    const { link } = linkUnderTest({ id, initiator: false });
    const close = link.close.bind(link);
    link.close = () => {
      evicted.push(id);
      close();
    };
    return link;
  });
}

/** A device that sealed something to us and is listed by the relay. */
function prove(remote: DeviceLink | undefined): DeviceLink {
  if (!remote) throw new Error('not admitted');
  remote.prove();
  remote.listed();
  return remote;
}

describe('the roster', () => {
  it('never admits this device, and lists only proven devices', () => {
    const roster = rosterOf(8);
    expect(roster.admit('self-0001')).toBeUndefined();
    const remote = roster.admit('peer-0001');
    expect(roster.devices()).toEqual([]);
    remote?.prove();
    expect(roster.devices().map((device) => device.id)).toEqual(['peer-0001']);
  });

  it('keeps a proven device missing from the relay list as gone, drops an unproven one', () => {
    const roster = rosterOf(8);
    roster.members(['peer-0001', 'peer-0002']);
    for (const id of ['peer-0001', 'peer-0002']) {
      roster.admit(id)?.listed();
    }
    expect(roster.hasUnproven()).toBe(true);
    roster.get('peer-0002')?.prove();
    roster.members(['peer-0001']);
    expect(roster.get('peer-0002')?.present).toBe(false);
    roster.members(['peer-0002']);
    // Never proven: let go at once; proven: kept, as gone.
    expect(roster.get('peer-0001')).toBeUndefined();
    expect(roster.hasUnproven()).toBe(false);
    expect(roster.leave('peer-0002')?.present).toBe(false);
  });

  it('lets the least recently seen unproven device give way at the cap, never a proven one', () => {
    const evicted: string[] = [];
    const roster = rosterOf(2, evicted);
    const old = roster.admit('ghost-0001');
    const newer = roster.admit('ghost-0002');
    if (old) old.lastSeen = 1;
    if (newer) newer.lastSeen = 2;
    expect(roster.admit('peer-0003')).toBeDefined();
    expect(evicted).toEqual(['ghost-0001']);
    for (const remote of roster.all()) prove(remote);
    expect(roster.admit('peer-0004')).toBeUndefined();
    expect(evicted).toEqual(['ghost-0001']);
  });

  it('holds every other device a relay room admits', () => {
    expect(MAX_PEERS).toBe(DEFAULT_MAX_DEVICES_PER_ROOM - 1);
    const roster = rosterOf(MAX_PEERS);
    for (let i = 0; i < MAX_PEERS; i++) prove(roster.admit(`peer-${i}-000`));
    expect(roster.devices()).toHaveLength(MAX_PEERS);
  });

  it('lets a device that left give way to a newcomer at the cap, least recently seen first', () => {
    const evicted: string[] = [];
    const roster = rosterOf(3, evicted);
    const [a, b, c] = ['peer-aaaa', 'peer-bbbb', 'peer-cccc'].map((id) => prove(roster.admit(id)));
    if (!a || !b || !c) throw new Error('not admitted');
    [a.lastSeen, b.lastSeen, c.lastSeen] = [1, 2, 3];
    expect(roster.admit('peer-dddd')).toBeUndefined();
    roster.leave('peer-cccc');
    roster.leave('peer-bbbb');
    expect(prove(roster.admit('peer-dddd')).id).toBe('peer-dddd');
    expect(evicted).toEqual(['peer-bbbb']);
    expect(roster.devices().map((d) => d.id)).toEqual(['peer-aaaa', 'peer-cccc', 'peer-dddd']);
  });

  it('forgets a device gone for a while, and lets an unproven one go as soon as it leaves', () => {
    const evicted: string[] = [];
    const roster = rosterOf(8, evicted);
    const left = prove(roster.admit('peer-left'));
    const here = prove(roster.admit('peer-here'));
    left.lastSeen = 1_000;
    here.lastSeen = 1_000;
    roster.admit('ghost-0001');
    roster.leave('ghost-0001');
    expect(evicted).toEqual(['ghost-0001']);

    roster.leave('peer-left');
    roster.prune(1_000 + FORGET_GONE_MS - 1);
    expect(roster.get('peer-left')).toBeDefined();
    roster.prune(1_000 + FORGET_GONE_MS);
    expect(evicted).toEqual(['ghost-0001', 'peer-left']);
    expect(roster.devices().map((d) => d.id)).toEqual(['peer-here']);
  });

  it('never lets endless made-up joins crowd out real devices', () => {
    const roster = rosterOf(MAX_PEERS);
    const real = Array.from({ length: MAX_PEERS }, (_, i) => `real-${i}-0000`);
    for (let round = 0; round < 50; round++) {
      // The relay invents a join between every real one, and never drops them.
      for (const [i, id] of real.entries()) {
        const ghost = `ghost-${round}-${i}`;
        roster.list(ghost);
        roster.admit(ghost)?.listed();
        if (round === 0) prove(roster.admit(id));
      }
    }
    expect(roster.devices().map((d) => d.id)).toEqual(real);
    expect(roster.all().length).toBeLessThanOrEqual(2 * MAX_PEERS);
  });
});
