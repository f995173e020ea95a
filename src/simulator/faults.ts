// Fault injection: throttling (a token bucket per key, in real time) and the random faults
// (transient 5xx, dropped connections), drawn from a seeded stream so that a run is reproducible.
import type { RealismSwitches } from './options.js';
import { Rng } from './util/prng.js';

export type RandomFault = 'drop' | 'error500' | 'error503';

export class Faults {
  private readonly rng: Rng;
  private readonly buckets = new Map<string, { tokens: number; last: number }>();

  constructor(seed: number) {
    this.rng = new Rng(seed, 'faults');
  }

  /** Takes one request from the bucket `key`; true when the request must be throttled. */
  throttled(key: string, perMinute: number, realNowMs: number): boolean {
    if (perMinute <= 0) return false;
    const b = this.buckets.get(key) ?? { tokens: perMinute, last: realNowMs };
    b.tokens = Math.min(perMinute, b.tokens + ((realNowMs - b.last) * perMinute) / 60_000);
    b.last = realNowMs;
    this.buckets.set(key, b);
    if (b.tokens < 1) return true;
    b.tokens -= 1;
    return false;
  }

  /** Seconds until the bucket has a request again (for a computed Retry-After). */
  secondsUntilAvailable(key: string, perMinute: number): number {
    const b = this.buckets.get(key);
    if (!b || perMinute <= 0) return 0;
    return Math.max(1, Math.ceil(((1 - b.tokens) * 60) / perMinute));
  }

  resetThrottle(): void {
    this.buckets.clear();
  }

  /** One draw per request: a dropped connection, a 5xx, or nothing. */
  random(s: RealismSwitches): RandomFault | null {
    if (s.dropConnectionRate <= 0 && s.transientErrorRate <= 0) return null;
    const r = this.rng.next();
    if (r < s.dropConnectionRate) return 'drop';
    if (r < s.dropConnectionRate + s.transientErrorRate)
      return this.rng.chance(0.5) ? 'error500' : 'error503';
    return null;
  }
}
