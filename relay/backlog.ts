// The relay-wide budget for bytes queued to subscribers that read slower than events arrive.
// Past it, the subscribers with the largest backlogs are dropped first, until it fits again.

export interface Queue {
  /** Bytes written to this subscriber and not yet taken by the kernel. */
  readonly queued: number;
}

export class Backlog<T extends Queue> {
  private total = 0;
  /** Each queue as last seen; queues also shrink between writes, unseen, so it may run high. */
  private readonly seen = new Map<T, number>();

  constructor(
    private readonly budget: number,
    private readonly shed: (queue: T) => void,
  ) {}

  /** Bytes queued across all subscribers, as last seen. */
  get bytes(): number {
    return this.total;
  }

  /** Notes a queue after a write or a drain; past the budget, sheds the largest backlogs. */
  update(queue: T): void {
    const bytes = queue.queued;
    this.total += bytes - (this.seen.get(queue) ?? 0);
    this.seen.set(queue, bytes);
    if (this.total > this.budget) this.rebalance();
  }

  remove(queue: T): void {
    this.total -= this.seen.get(queue) ?? 0;
    this.seen.delete(queue);
  }

  private rebalance(): void {
    // Counted afresh first, so queues that have drained since are not held against anyone.
    this.total = 0;
    for (const queue of this.seen.keys()) {
      const bytes = queue.queued;
      this.seen.set(queue, bytes);
      this.total += bytes;
    }
    const largest = [...this.seen].sort((a, b) => b[1] - a[1]);
    for (const [queue] of largest) {
      if (this.total <= this.budget) return;
      this.remove(queue);
      this.shed(queue);
    }
  }
}
