// Client-side request budgets, so that a collector stays under Microsoft's documented limits
// instead of being throttled and backing off (docs/collecting.md, "Microsoft's limits"):
// - RateLimiter, a token bucket: the Management Activity API's quota is stated per minute
//   (about 2,000 requests a minute per tenant), and a minute's worth may go at once;
// - WindowLimiter, at most N requests in any running window of W: Graph's message trace
//   (100 per 5-minute running window per tenant), the sign-in and audit logs (5 per 10 s per app
//   and tenant) and usage reports (14 per 10 minutes per report). A running window is never
//   looser than a bucket of the same size, so it keeps under either reading of a limit.
// Both wait abortably, and both hold every request back after a throttled answer for as long as
// its Retry-After says (Microsoft's word beats our arithmetic).
import { sleep, throwIfStopped } from '../../util/wait.js';

export interface Limiter {
  /** Resolves when a request may be sent; rejects with Stopped when `signal` aborts. */
  acquire(signal?: AbortSignal): Promise<void>;
  /** No request before `ms` from now (a Retry-After). */
  holdFor(ms: number): void;
}

abstract class Held {
  protected heldUntil = 0;

  holdFor(ms: number): void {
    this.heldUntil = Math.max(this.heldUntil, Date.now() + ms);
  }

  protected async waitHold(signal?: AbortSignal): Promise<void> {
    for (let wait = this.heldUntil - Date.now(); wait > 0; wait = this.heldUntil - Date.now())
      await sleep(wait, signal);
  }
}

export class RateLimiter extends Held implements Limiter {
  private tokens: number;
  private last = Date.now();
  private readonly perMs: number;

  constructor(
    private readonly perMinute: number,
    // Microsoft states the quota per minute: a minute's worth may go at once.
    private readonly burst = Math.max(1, perMinute),
  ) {
    super();
    this.tokens = this.burst;
    this.perMs = perMinute / 60_000;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      throwIfStopped(signal);
      await this.waitHold(signal);
      const now = Date.now();
      this.tokens = Math.min(this.burst, this.tokens + (now - this.last) * this.perMs);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await sleep(Math.ceil((1 - this.tokens) / this.perMs), signal);
    }
  }
}

export class WindowLimiter extends Held implements Limiter {
  /** Send times of the requests in the current window, oldest first. */
  private readonly sent: number[] = [];

  /**
   * @param limit requests allowed in any window
   * @param windowMs the window
   * @param marginMs added to the window: requests arrive later than they leave, and closer
   *   together than they left when the network's delay varies
   */
  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly marginMs = 250,
  ) {
    super();
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      throwIfStopped(signal);
      await this.waitHold(signal);
      const now = Date.now();
      const span = this.windowMs + this.marginMs;
      while (this.sent.length > 0 && this.sent[0]! <= now - span) this.sent.shift();
      if (this.sent.length < this.limit) {
        this.sent.push(now);
        return;
      }
      await sleep(this.sent[0]! + span - now, signal);
    }
  }
}
