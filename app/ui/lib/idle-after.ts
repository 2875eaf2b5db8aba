/** Resolves once `delayMs` have passed and then the page is idle (at most a second more). */
export function idleAfter(delayMs: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(() => {
      // Safari has no requestIdleCallback.
      if (typeof requestIdleCallback === 'function') {
        requestIdleCallback(() => resolve(), { timeout: 1_000 });
      } else resolve();
    }, delayMs);
  });
}
