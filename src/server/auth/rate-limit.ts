// Sign-in limits (docs/security.md, "Sign-in"). Each attempt is admitted, and counted as a
// failure, before its password is hashed: the count is taken and raised in one synchronous step,
// so concurrent attempts cannot all pass a check made before any of them was recorded. A
// successful sign-in then takes its own count back.
//
// Three limits hold at once, each over a sliding window:
// - one account from one address: `perAccountAddress` failures, then that pair waits;
// - one address, whatever the names: `perAddress` failures, then that address waits;
// - one account from every address: past `perAccount` failures, attempts are slowed down
//   (each waits 1 s, 2 s, 4 s … up to `backoffMaxMs` after the previous one), never refused for
//   the whole window; addresses that signed in to the account recently are not slowed down.
// So failures from elsewhere never lock the real user out, and guessing stays slow everywhere.

export interface LoginLimits {
  readonly windowMs: number;
  /** Failures allowed for one account from one address per window. */
  readonly perAccountAddress: number;
  /** Failures allowed from one address per window, whatever the account names. */
  readonly perAddress: number;
  /** Failures for one account (every address) per window before attempts are slowed down. */
  readonly perAccount: number;
  /** The longest wait between two attempts on a slowed-down account. */
  readonly backoffMaxMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  windowMs: 15 * 60_000,
  perAccountAddress: 5,
  perAddress: 20,
  perAccount: 10,
  backoffMaxMs: 60_000,
};

/** How long a successful sign-in keeps its address out of the account's slow-down. */
const KNOWN_ADDRESS_MS = 30 * 86_400_000;
/** At most this many keys are remembered (a flood of distinct names evicts the oldest). */
const MAX_KEYS = 100_000;
const KNOWN_PER_ACCOUNT = 16;

export type LimitReason = 'account+address' | 'address' | 'account';

/** An admitted attempt: it counts as a failure until `succeed` takes it back. */
export interface Attempt {
  succeed(): void;
  fail(): void;
}

export type Admission =
  | { readonly ok: true; readonly attempt: Attempt }
  | { readonly ok: false; readonly waitMs: number; readonly reason: LimitReason };

export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();
  /** account → address → time of the last successful sign-in from there. */
  private readonly known = new Map<string, Map<string, number>>();

  constructor(
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The key's failures inside the window: the stored list itself, pruned. */
  private recent(key: string): number[] {
    const list = this.failures.get(key);
    if (!list) return [];
    const since = this.now() - this.limits.windowMs;
    const expired = list.findIndex((t) => t > since);
    if (expired < 0) {
      this.failures.delete(key);
      return [];
    }
    if (expired > 0) list.splice(0, expired);
    return list;
  }

  private add(key: string, t: number): void {
    const list = this.recent(key);
    if (list.length === 0) {
      if (this.failures.size >= MAX_KEYS) {
        const oldest = this.failures.keys().next().value;
        if (oldest !== undefined) this.failures.delete(oldest);
      }
      this.failures.set(key, [t]);
    } else list.push(t);
  }

  private remove(key: string, t: number): void {
    const list = this.failures.get(key);
    const at = list?.lastIndexOf(t) ?? -1;
    if (!list || at < 0) return;
    list.splice(at, 1);
    if (list.length === 0) this.failures.delete(key);
  }

  /** Time until a full window frees a place, or 0 when there is room. */
  private windowWait(key: string, limit: number): number {
    const list = this.recent(key);
    if (list.length < limit) return 0;
    return Math.max(1, list[list.length - limit]! + this.limits.windowMs - this.now());
  }

  /** The account's slow-down: the wait still due after its latest attempt, or 0. */
  backoffWait(account: string): number {
    const list = this.recent(accountKey(account));
    const excess = list.length - this.limits.perAccount;
    if (excess < 0) return 0;
    const gap = Math.min(this.limits.backoffMaxMs, 1000 * 2 ** Math.min(excess, 30));
    return Math.max(0, list[list.length - 1]! + gap - this.now());
  }

  private isKnown(account: string, address: string): boolean {
    const at = this.known.get(account.toLowerCase())?.get(address);
    return at !== undefined && this.now() - at < KNOWN_ADDRESS_MS;
  }

  /**
   * Admits an attempt and counts it as a failure at once, or says how long to wait. Call before
   * checking the password; settle the attempt with `succeed` or `fail` (a throw counts as failed).
   */
  admit(account: string, address: string): Admission {
    const keys = {
      pair: pairKey(account, address),
      address: `ip:${address}`,
      account: accountKey(account),
    };
    const pair = this.windowWait(keys.pair, this.limits.perAccountAddress);
    if (pair > 0) return { ok: false, waitMs: pair, reason: 'account+address' };
    const byAddress = this.windowWait(keys.address, this.limits.perAddress);
    if (byAddress > 0) return { ok: false, waitMs: byAddress, reason: 'address' };
    if (!this.isKnown(account, address)) {
      const slow = this.backoffWait(account);
      if (slow > 0) return { ok: false, waitMs: slow, reason: 'account' };
    }
    const t = this.now();
    for (const key of Object.values(keys)) this.add(key, t);
    let settled = false;
    return {
      ok: true,
      attempt: {
        succeed: () => {
          if (settled) return;
          settled = true;
          // The attempt was not a failure; the pair starts afresh, the others keep their count.
          this.failures.delete(keys.pair);
          this.remove(keys.address, t);
          this.remove(keys.account, t);
          this.remember(account, address);
        },
        fail: () => {
          settled = true;
        },
      },
    };
  }

  private remember(account: string, address: string): void {
    const name = account.toLowerCase();
    const addresses = this.known.get(name) ?? new Map<string, number>();
    addresses.delete(address);
    addresses.set(address, this.now());
    if (addresses.size > KNOWN_PER_ACCOUNT) {
      const oldest = addresses.keys().next().value;
      if (oldest !== undefined) addresses.delete(oldest);
    }
    this.known.delete(name);
    if (this.known.size >= MAX_KEYS) {
      const oldest = this.known.keys().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
    this.known.set(name, addresses);
  }
}

const accountKey = (account: string) => `a:${account.toLowerCase()}`;
const pairKey = (account: string, address: string) => `p:${address}|${account.toLowerCase()}`;
