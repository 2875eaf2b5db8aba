// One timeout an owner may have pending at a time, so it never leaks one or runs two.

export class Timer {
  private handle: ReturnType<typeof setTimeout> | undefined;

  get pending(): boolean {
    return this.handle !== undefined;
  }

  /** Runs `run` after `ms`, replacing whatever was pending. */
  set(ms: number, run: () => void): void {
    this.stop();
    this.handle = setTimeout(() => {
      this.handle = undefined;
      run();
    }, ms);
  }

  stop(): void {
    clearTimeout(this.handle);
    this.handle = undefined;
  }
}
