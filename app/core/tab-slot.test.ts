import { describe, expect, it } from 'vitest';
import { claimTabSlot } from './tab-slot';

/** Web Locks with ifAvailable, enough for slot claiming: a held name is refused. */
function fakeLocks(): LockManager {
  const held = new Set<string>();
  return {
    request: (async (
      name: string,
      _options: LockOptions,
      callback: LockGrantedCallback<unknown>,
    ) => {
      if (held.has(name)) return callback(null);
      held.add(name);
      return callback({ name, mode: 'exclusive' } as Lock);
    }) as LockManager['request'],
    query: async () => ({}),
  } as LockManager;
}

describe('tab slots', () => {
  it('gives each tab the lowest free slot', async () => {
    const locks = fakeLocks();
    expect(await claimTabSlot(locks)).toBe(0);
    expect(await claimTabSlot(locks)).toBe(1);
    expect(await claimTabSlot(locks)).toBe(2);
  });

  it('uses slot 0 where Web Locks do not exist', async () => {
    expect(await claimTabSlot(null)).toBe(0);
  });
});
