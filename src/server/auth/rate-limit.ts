// Login rate limiting: failed sign-ins are counted per account and per client address in a
// sliding window; past the limit, sign-in is refused (429 with Retry-After) without checking the
// password, so guessing costs the attacker time and the server no scrypt work.

export interface LoginLimits {
  readonly windowMs: number;
  readonly perAccount: number;
  readonly perAddress: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  windowMs: 15 * 60_000,
  perAccount: 5,
  perAddress: 20,
};

export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string): number[] {
    const since = this.now() - this.limits.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }

  /** Milliseconds to wait before another attempt for this account or address, or 0. */
  retryAfter(account: string, address: string): number {
    let wait = 0;
    const check = (key: string, limit: number) => {
      const list = this.recent(key);
      if (list.length >= limit) {
        wait = Math.max(wait, list[list.length - limit]! + this.limits.windowMs - this.now());
      }
    };
    check(`a:${account.toLowerCase()}`, this.limits.perAccount);
    check(`ip:${address}`, this.limits.perAddress);
    return wait;
  }

  fail(account: string, address: string): void {
    const t = this.now();
    for (const key of [`a:${account.toLowerCase()}`, `ip:${address}`]) {
      const list = this.recent(key);
      list.push(t);
      this.failures.set(key, list);
      // Bound memory under a flood of distinct names: drop the oldest keys.
      if (this.failures.size > 100_000) {
        const first = this.failures.keys().next().value;
        if (first !== undefined) this.failures.delete(first);
      }
    }
  }

  /** A successful sign-in clears the account's failures (not the address's). */
  succeed(account: string): void {
    this.failures.delete(`a:${account.toLowerCase()}`);
  }
}
