import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/simulator/util/prng.js';

describe('seeded randomness', () => {
  it('gives every event of a large tenant its own record Id', () => {
    // Each event's stream is seeded by (seed, 'event', key); a million events is more than a
    // 1,000-user week. A 32-bit seeded state collided here by the birthday bound.
    const ids = new Set<string>();
    for (let i = 0; i < 1_000_000; i++) ids.add(new Rng(1, 'event', `e-${i}`).guid());
    expect(ids.size).toBe(1_000_000);
  });

  it('is reproducible', () => {
    expect(new Rng(5, 'x').guid()).toBe(new Rng(5, 'x').guid());
    expect(new Rng(5, 'x').guid()).not.toBe(new Rng(6, 'x').guid());
  });
});
