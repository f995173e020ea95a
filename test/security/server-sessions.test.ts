// Session lifetimes on a fake clock over a real DuckDB store: the idle expiry slides with use,
// also when the idle lifetime is under a minute (it never did), and the absolute lifetime holds.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sessions } from '../../src/server/auth/sessions.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/temp.js';

let store: Store;
const dir = tempDir();
beforeAll(async () => {
  store = await openStore(join(dir, 'sessions.duckdb'));
});
afterAll(async () => {
  await store?.close();
});

function clock() {
  let now = Date.parse('2026-03-01T00:00:00Z');
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('sessions slide', () => {
  it.each([
    [10_000, 'ten seconds'],
    [30_000, 'thirty seconds'],
    [8 * 3_600_000, 'eight hours'],
  ])('an idle lifetime of %i ms (%s) slides with use', async (idleMs) => {
    const c = clock();
    const sessions = new Sessions(store, { idleMs, maxMs: 1000 * idleMs }, c.now);
    const { id } = await sessions.create('alice');
    // Used every 0.7 idle lifetimes for ten lifetimes: never idle for a whole lifetime.
    for (let i = 0; i < 14; i++) {
      c.advance(Math.floor(idleMs * 0.7));
      expect(await sessions.get(id), `use ${i + 1}`).toBeDefined();
    }
    // Then left alone for longer than the idle lifetime: over.
    c.advance(idleMs + 6_000);
    expect(await sessions.get(id)).toBeUndefined();
  });

  it('the idle expiry is written back, so that another reader sees it', async () => {
    const c = clock();
    const options = { idleMs: 20_000, maxMs: 3_600_000 };
    const first = new Sessions(store, options, c.now);
    const { id } = await first.create('bob');
    c.advance(15_000);
    expect(await first.get(id)).toBeDefined();
    c.advance(15_000);
    // A new reader (no cache) finds the slid expiry in the store.
    expect(await new Sessions(store, options, c.now).get(id)).toBeDefined();
  });

  it('ends at the absolute lifetime however much it is used', async () => {
    const c = clock();
    const sessions = new Sessions(store, { idleMs: 30_000, maxMs: 120_000 }, c.now);
    const { id } = await sessions.create('carol');
    for (let i = 0; i < 5; i++) {
      c.advance(20_000);
      expect(await sessions.get(id)).toBeDefined();
    }
    c.advance(25_000);
    expect(await sessions.get(id)).toBeUndefined();
  });
});
