// Graph log windows follow the data: a quiet week is one request, a busy one is split or paged
// with few requests beyond the least (⌈entries / page size⌉), and the store still holds exactly
// the simulator's truth. The simulator enforces message trace's documented limit (100 requests
// in a 5-minute running window), and the collector's limiter keeps under it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/load.js';
import { createTenantClients, hostchainFor } from '../../src/sources/collection.js';
import { WindowSizer } from '../../src/sources/graph/log-stream.js';
import { GraphSources } from '../../src/sources/graph/sources.js';
import { WindowLimiter } from '../../src/sources/http/rate-limiter.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { createLogger, setLogLevel } from '../../src/util/log.js';
import { Stopped } from '../../src/util/wait.js';
import { simConfig, startTestSimulator } from '../helpers/simulator.js';
import { tempDir } from '../helpers/temp.js';
import { compareLog } from './ground-truth.js';

const root = tempDir();
let counter = 0;
const log = createLogger('test');
setLogLevel('error');
const HOUR = 3_600_000;

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

function sources(config: ResolvedConfig, s: Store): GraphSources {
  const instance = config.instances[0]!;
  const clients = createTenantClients(instance, { log });
  return new GraphSources({
    store: s,
    instance,
    tokens: clients.tokens,
    clock: clients.clock,
    hostchain: hostchainFor(instance),
    log,
  });
}

describe('WindowSizer', () => {
  it('starts with the longest window, grows on quiet data and shrinks on busy data', () => {
    const w = new WindowSizer(7 * 24 * HOUR, 1000);
    expect(w.next).toBe(7 * 24 * HOUR);
    w.learn(HOUR, 0);
    expect(w.next).toBe(4 * HOUR); // at most fourfold
    w.learn(HOUR, 100_000); // 100 pages an hour: about 20 pages is 12 minutes
    expect(w.next).toBe(12 * 60_000);
    // A first page that covers the last 10 minutes of a 24-hour window: 144 pages → split.
    const end = 24 * HOUR;
    expect(w.split(0, end, end - 10 * 60_000)).toBe(true);
    expect(w.next).toBe(200 * 60_000);
    // A first page that covers the last 2 hours: 12 pages → paged, not split.
    expect(w.split(0, end, end - 2 * HOUR)).toBe(false);
  });
});

describe('WindowLimiter', () => {
  it('admits at most N in a running window, and a stop ends its wait', async () => {
    const limiter = new WindowLimiter(3, 60_000, 0);
    for (let i = 0; i < 3; i++) await limiter.acquire();
    const abort = new AbortController();
    const waiting = limiter.acquire(abort.signal);
    let settled = false;
    void waiting.then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false); // the fourth waits for the first to leave the window
    abort.abort();
    await expect(waiting).rejects.toBeInstanceOf(Stopped);
  });
});

describe('Graph windows against the simulator', () => {
  it(
    'a quiet week is one request per stream; a busy one costs few more than the least',
    { timeout: 180_000 },
    async () => {
      const sim = await startTestSimulator({
        users: 40,
        days: 3,
        scenarios: [],
        switches: { graphPageSize: 50, auditLogThrottlePer10Seconds: 0 },
      });
      const dir = join(root, `w-${++counter}`);
      mkdirSync(dir);
      const { config } = await simConfig(sim, dir, {
        services: {
          entra_id: { backfill: '7d', requests_per_10s: 100, page_size: 1000 },
          message_trace: { backfill: '7d' },
        },
      });
      store = await openStore(join(dir, 'store.duckdb'));
      const results = await sources(config, store).pass();
      expect(results.filter((r) => r.error)).toEqual([]);
      const counters = sim.counters();
      for (const source of ['signIns', 'directoryAudits', 'messageTraces'] as const) {
        const c = await compareLog(sim, store, source);
        expect(c.expected, source).toBeGreaterThan(0);
        expect({ ...c, expected: 0 }, source).toEqual({
          expected: 0,
          missing: [],
          extra: [],
          duplicates: 0,
        });
        const least = Math.ceil(c.expected / 50);
        const pages = counters[`graph.${source}.pages`] ?? 0;
        // Pages of 50 (the simulator's): a busy week, split into windows of about 20 pages.
        expect(pages, source).toBeGreaterThanOrEqual(least);
        expect(pages, source).toBeLessThanOrEqual(Math.ceil(least * 1.1) + 3);
      }

      // The same week into a new store with Microsoft's page sizes: one request per stream.
      await store.close();
      sim.setSwitches({ graphPageSize: 5000 });
      store = await openStore(join(dir, 'quiet.duckdb'));
      const before = sim.counters();
      const again = await sources(config, store).pass();
      expect(again.filter((r) => r.error)).toEqual([]);
      expect(again.every((r) => r.inserted > 0)).toBe(true);
      const after = sim.counters();
      for (const source of ['signIns', 'directoryAudits', 'messageTraces'] as const)
        expect(
          (after[`graph.${source}.pages`] ?? 0) - (before[`graph.${source}.pages`] ?? 0),
          source,
        ).toBe(1);
    },
  );

  it(
    'the simulator answers the 101st message trace request in 5 minutes with 429 and Retry-After',
    { timeout: 60_000 },
    async () => {
      const sim = await startTestSimulator({ users: 10, days: 1, scenarios: [] });
      const dir = join(root, `w-${++counter}`);
      mkdirSync(dir);
      const { config } = await simConfig(sim, dir, {
        services: { message_trace: { backfill: '1d' } },
      });
      const instance = config.instances[0]!;
      const clients = createTenantClients(instance, { log });
      const token = await clients.tokens.token(instance.audiences.graph);
      const url = `${instance.endpoints.graph}/v1.0/admin/exchange/tracing/messageTraces?$top=1`;
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 101; i++) {
        const r = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
        await r.arrayBuffer();
        statuses.push(r.status);
        if (r.status === 429) retryAfter = r.headers.get('retry-after');
      }
      expect(statuses.slice(0, 100).every((s) => s === 200)).toBe(true);
      expect(statuses[100]).toBe(429);
      expect(Number(retryAfter)).toBeGreaterThan(200); // the oldest leaves the window in ~5 min
    },
  );
});
