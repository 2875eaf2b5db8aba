// Each tab of one browser claims the lowest free identity slot with a Web Lock it
// holds for its whole life, so two tabs are two devices (they can sync with each
// other over BroadcastChannel) rather than one device taking the other's place.

export const MAX_SLOTS = 8;

export async function claimTabSlot(
  locks: LockManager | null = globalThis.navigator?.locks ?? null,
): Promise<number> {
  if (!locks) return 0;
  for (let slot = 0; slot < MAX_SLOTS; slot++) {
    if (await holdForever(locks, `clipmesh-device-${slot}`)) return slot;
  }
  // Every slot busy: share the first; the relay then hands the room to the newest tab.
  return 0;
}

function holdForever(locks: LockManager, name: string): Promise<boolean> {
  return new Promise((resolve) => {
    void locks.request(name, { ifAvailable: true }, (lock) => {
      resolve(lock !== null);
      // Never settles: the lock is released when the tab goes away.
      return lock ? new Promise<void>(() => {}) : undefined;
    });
  });
}
