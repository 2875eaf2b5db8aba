// Timing helpers for clip sync: work asked for many times in a moment done once.

/** Ids gathered per device and handed over in one go after the current task, in chunks. */
export class Batches {
  private readonly waiting = new Map<string, string[]>();

  constructor(
    private readonly flush: (key: string, ids: string[]) => void,
    private readonly chunk = 500,
  ) {}

  add(key: string, id: string): void {
    const ids = this.waiting.get(key);
    if (ids) {
      ids.push(id);
      return;
    }
    this.waiting.set(key, [id]);
    setTimeout(() => {
      const batch = this.waiting.get(key) ?? [];
      this.waiting.delete(key);
      for (let start = 0; start < batch.length; start += this.chunk) {
        this.flush(key, batch.slice(start, start + this.chunk));
      }
    }, 0);
  }
}

/** A task run once `delayMs` after it is first asked for; everyone who asked meanwhile waits for that run. */
export class Coalesced {
  private pending:
    | { timer: ReturnType<typeof setTimeout>; start(): void; done: Promise<void> }
    | undefined;

  constructor(
    private readonly delayMs: number,
    private readonly run: () => Promise<void>,
  ) {}

  /** Resolves once a run that started after this call is done. */
  request(): Promise<void> {
    if (!this.pending) {
      let start = (): void => {};
      const started = new Promise<void>((resolve) => {
        start = resolve;
      });
      const done = started.then(() => {
        this.pending = undefined;
        return this.run();
      });
      this.pending = { timer: setTimeout(start, this.delayMs), start, done };
    }
    return this.pending.done;
  }

  /** Runs a waiting task at once. */
  async flush(): Promise<void> {
    const pending = this.pending;
    if (!pending) return;
    clearTimeout(pending.timer);
    pending.start();
    await pending.done;
  }
}
