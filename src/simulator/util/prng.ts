// Seeded randomness: a 32-bit hash to derive independent streams from (seed, slice, event, …)
// and a small fast generator (sfc32). Everything the simulator invents comes from here, so the
// same seed gives the same tenant, the same records and the same fault sequence.

/** Mixes a list of numbers and strings into one unsigned 32-bit value (murmur3-style). */
export function hash32(...parts: ReadonlyArray<number | string>): number {
  return hashFrom(0x9e3779b9, parts);
}

/** hash32 from another starting state: independent 32-bit hashes of the same parts. */
function hashFrom(start: number, parts: ReadonlyArray<number | string>): number {
  let h = start;
  for (const part of parts) {
    if (typeof part === 'number') {
      // Numbers may exceed 32 bits (epoch milliseconds): mix both halves.
      const lo = part >>> 0;
      const hi = Math.floor(part / 4294967296) >>> 0;
      h = mix(h, lo);
      h = mix(h, hi);
    } else {
      for (let i = 0; i < part.length; i++) h = mix(h, part.charCodeAt(i));
      h = mix(h, part.length + 0x5bd1e995);
    }
  }
  return fmix(h);
}

function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) >>> 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) that depends only on the parts: for per-id decisions. */
export function unit(...parts: ReadonlyArray<number | string>): number {
  return hash32(...parts) / 4294967296;
}

const HEX = '0123456789abcdef';

/** sfc32: small, fast, good enough statistically, and fully reproducible. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(...seedParts: ReadonlyArray<number | string>) {
    // Each state word from an independent hash of the parts (different starting states): from
    // one 32-bit hash, streams (and so record Ids) collided by the birthday bound after ~65,000
    // events.
    this.a = hashFrom(0x9e3779b9, seedParts);
    this.b = hashFrom(0x85ebca6b, seedParts);
    this.c = hashFrom(0xc2b2ae35, seedParts);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [min, max] (inclusive). */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    const last = items[items.length - 1];
    if (!last) throw new Error('weighted pick from an empty list');
    return last[0];
  }

  /** k distinct items (or all of them when k ≥ length), in random order. */
  sample<T>(items: readonly T[], k: number): T[] {
    const copy = items.slice();
    const n = Math.min(k, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + this.int(copy.length - i);
      const tmp = copy[i] as T;
      copy[i] = copy[j] as T;
      copy[j] = tmp;
    }
    return copy.slice(0, n);
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /** Poisson-distributed count with mean lambda (normal approximation above 30). */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 30) {
      const u1 = Math.max(this.next(), 1e-12);
      const u2 = this.next();
      const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
    }
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) {
      let v = this.uint32();
      for (let i = 0; i < 8 && out.length < length; i++) {
        out += HEX[v & 15];
        v >>>= 4;
      }
    }
    return out;
  }

  digits(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += String(this.int(10));
    return out;
  }

  /** A version-4-shaped GUID, lower case. */
  guid(): string {
    const h = this.hex(32);
    const variant = HEX[8 + (this.uint32() & 3)] as string;
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

/** A GUID that depends only on its parts (stable ids for users, sites, files, apps). */
export function stableGuid(...parts: ReadonlyArray<number | string>): string {
  return new Rng(...parts).guid();
}

/** Hex digits that depend only on the parts. */
export function stableHex(length: number, ...parts: ReadonlyArray<number | string>): string {
  return new Rng(...parts).hex(length);
}
