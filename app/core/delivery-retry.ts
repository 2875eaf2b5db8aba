// When a delivery the link refused is tried again: exponential backoff with jitter,
// never longer than RETRY_CAP_MS, and not sooner than a wait the relay asked for.
// One timer per delivery, owned here.

export const RETRY_BASE_MS = 1_000;
export const RETRY_CAP_MS = 60_000;

/** The wait after failed try `attempt` (0 first): half to all of base·2^attempt, capped. */
export function retryDelay(
  attempt: number,
  random: () => number,
  minMs = 0,
  { baseMs, capMs } = { baseMs: RETRY_BASE_MS, capMs: RETRY_CAP_MS },
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  const jittered = Math.round(ceiling * (0.5 + random() / 2));
  return Math.min(capMs, Math.max(minMs, jittered));
}

export class DeliveryRetries {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly random: () => number = Math.random) {}

  /** Deliveries waiting for their next try. */
  get waiting(): number {
    return this.timers.size;
  }

  /** Runs `retry` after the backoff for `attempt`, replacing a try already waiting. */
  later(key: string, attempt: number, minMs: number, retry: () => void): void {
    this.cancel(key);
    const timer = setTimeout(
      () => {
        this.timers.delete(key);
        retry();
      },
      retryDelay(attempt, this.random, minMs),
    );
    this.timers.set(key, timer);
  }

  /** True when a try was waiting. */
  cancel(key: string): boolean {
    const timer = this.timers.get(key);
    if (timer === undefined) return false;
    clearTimeout(timer);
    this.timers.delete(key);
    return true;
  }

  cancelAll(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
