import { describe, expect, it } from 'vitest';
import { Roster } from './roster';

describe('the roster', () => {
  it('never admits this device, and lists only proven devices', () => {
    const roster = new Roster('self-0001', 8, () => {});
    expect(roster.admit('self-0001')).toBeUndefined();
    const remote = roster.admit('peer-0001');
    expect(roster.devices()).toEqual([]);
    if (remote) remote.verified = true;
    expect(roster.devices().map((device) => device.id)).toEqual(['peer-0001']);
  });

  it('marks devices missing from the relay list as gone, and knows who is unproven', () => {
    const roster = new Roster('self-0001', 8, () => {});
    roster.members(['peer-0001', 'peer-0002']);
    for (const id of ['peer-0001', 'peer-0002']) {
      const remote = roster.admit(id);
      if (remote) remote.present = true;
    }
    expect(roster.hasUnproven()).toBe(true);
    roster.members(['peer-0002']);
    expect(roster.get('peer-0001')?.present).toBe(false);
    expect(roster.get('peer-0002')?.present).toBe(true);
    const proven = roster.get('peer-0002');
    if (proven) proven.verified = true;
    expect(roster.hasUnproven()).toBe(false);
    expect(roster.leave('peer-0002')?.present).toBe(false);
  });

  it('lets the least recently seen unproven device give way at the cap, never a proven one', () => {
    const evicted: string[] = [];
    const roster = new Roster('self-0001', 2, (remote) => evicted.push(remote.id));
    const old = roster.admit('ghost-0001');
    const newer = roster.admit('ghost-0002');
    if (old) old.lastSeen = 1;
    if (newer) newer.lastSeen = 2;
    expect(roster.admit('peer-0003')).toBeDefined();
    expect(evicted).toEqual(['ghost-0001']);
    for (const remote of roster.all()) remote.verified = true;
    expect(roster.admit('peer-0004')).toBeUndefined();
    expect(evicted).toEqual(['ghost-0001']);
  });
});
