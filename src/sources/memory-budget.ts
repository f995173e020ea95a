// A process-wide budget for downloaded records waiting for their commit. Every stream of every
// tenant draws from the same budget, so memory is bounded by the budget, not by the number of
// streams running at once.

export class MemoryBudget {
  private used = 0;
  private waiters: Array<() => void> = [];

  constructor(readonly limitBytes: number) {}

  get inUse(): number {
    return this.used;
  }

  /**
   * Waits until `bytes` more fit. When nothing is held, anything fits: one blob larger than the
   * budget must not wait forever.
   */
  async acquire(bytes: number): Promise<void> {
    while (this.used > 0 && this.used + bytes > this.limitBytes) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.used += bytes;
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
    for (const wake of this.waiters.splice(0)) wake();
  }
}

/** Default: 32 MiB of record text (characters) in flight per process: about 25,000 records of look-ahead while a commit of 5,000 runs. */
export const DEFAULT_BUDGET_BYTES = 32 * 1024 * 1024;
