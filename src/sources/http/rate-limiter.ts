// A token bucket per tenant: the Management Activity API allows about 2,000 requests a minute
// per tenant; staying under it costs less than being throttled and backing off.

export class RateLimiter {
  private tokens: number;
  private last = Date.now();
  private readonly perMs: number;

  constructor(
    private readonly perMinute: number,
    // Microsoft states the quota per minute: a minute's worth may go at once.
    private readonly burst = Math.max(1, perMinute),
  ) {
    this.tokens = this.burst;
    this.perMs = perMinute / 60_000;
  }

  /** Resolves when a request may be sent. */
  async acquire(): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(this.burst, this.tokens + (now - this.last) * this.perMs);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil((1 - this.tokens) / this.perMs)));
    }
  }
}
