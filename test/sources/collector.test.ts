// The collector against the simulator over real HTTP: what it stores must be exactly the
// simulator's ground truth — none missing, none twice — whatever the API does to it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Collection } from '../../src/sources/collection.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { createLogger, setLogLevel, setLogSink } from '../../src/util/log.js';
import {
  compareIds,
  simConfig,
  startTestSimulator,
  storedIds,
  truthLines,
} from '../helpers/simulator.js';
import { tempDir } from '../helpers/temp.js';

const root = tempDir();
let counter = 0;
function freshDir(): string {
  const dir = join(root, `run-${++counter}`);
  mkdirSync(dir);
  return dir;
}

const FAST_RETRY = { baseDelayMs: 20, maxDelayMs: 200, maxRetryAfterMs: 1000, attempts: 10 };
const quietLog = createLogger('test');
setLogLevel('error');

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('Management Activity collector', () => {
  it(
    'backfills 7 days of a 500-user tenant into exactly the ground truth',
    { timeout: 600_000 },
    async () => {
      const sim = await startTestSimulator({
        users: 500,
        days: 7,
        switches: { throttlePerMinute: 0 },
      });
      const dir = freshDir();
      const { config } = await simConfig(sim, dir, { concurrency: 8 });
      store = await openStore(join(dir, 'store.duckdb'));
      const summaries = await new Collection(config, store, { log: quietLog }).once();
      expect(summaries.flatMap((s) => s.results).filter((r) => r.error)).toEqual([]);
      const expected = new Set((await truthLines(sim)).map((l) => l.Id));
      expect(expected.size).toBeGreaterThan(100_000);
      expect(compareIds(expected, await storedIds(store))).toEqual({
        missing: [],
        extra: [],
        duplicates: 0,
      });
    },
  );

  it(
    'stores exactly the truth with every realism switch on, lists broken blobs as skipped, and recovers them',
    { timeout: 600_000 },
    async () => {
      const sim = await startTestSimulator({
        users: 40,
        days: 2,
        switches: {
          // As some real tenants do: windows of exactly 24 hours answered AF20055.
          fullDayWindows: 'refuse',
          duplicateRate: 0.05,
          throttlePerMinute: 1000,
          throttleStatus: 403,
          retryAfterSeconds: 1,
          transientErrorRate: 0.04,
          dropConnectionRate: 0.03,
          brokenBlobRate: 0.02,
          pageSize: 40,
        },
      });
      const dir = freshDir();
      const { config } = await simConfig(sim, dir, { requests_per_minute: 1_000_000 });
      store = await openStore(join(dir, 'store.duckdb'));
      const collection = new Collection(config, store, { log: quietLog, retry: FAST_RETRY });
      const summaries = await collection.once();
      expect(summaries.flatMap((s) => s.results).filter((r) => r.error)).toEqual([]);

      const broken = new Set<string>();
      const brokenList = (await (await fetch(`${sim.url}/_sim/blobs?broken=1`)).json()) as unknown;
      for (const id of Array.isArray(brokenList) ? brokenList : []) broken.add(String(id));
      expect(broken.size).toBeGreaterThan(0);
      const lines = await truthLines(sim);
      const reachable = new Set(lines.filter((l) => !broken.has(l.contentId)).map((l) => l.Id));
      expect(compareIds(reachable, await storedIds(store))).toEqual({
        missing: [],
        extra: [],
        duplicates: 0,
      });

      const skipped = await store.skippedContent();
      const availableBroken = new Set(
        lines.filter((l) => broken.has(l.contentId)).map((l) => l.contentId),
      );
      expect(new Set(skipped.map((s) => s.contentId))).toEqual(availableBroken);
      expect(skipped.every((s) => /not a valid JSON array/.test(s.error ?? ''))).toBe(true);
      const counters = sim.counters();
      expect(counters['fault.throttled'] ?? 0, JSON.stringify(counters)).toBeGreaterThan(0);

      // Microsoft repairs the content: the skipped blobs are fetched again and nothing is missing.
      sim.setSwitches({ brokenBlobRate: 0, transientErrorRate: 0, dropConnectionRate: 0 });
      const retried = await collection.retrySkipped();
      expect(retried[0]).toMatchObject({
        retried: availableBroken.size,
        recovered: availableBroken.size,
        stillSkipped: 0,
      });
      const all = new Set(lines.map((l) => l.Id));
      expect(compareIds(all, await storedIds(store))).toEqual({
        missing: [],
        extra: [],
        duplicates: 0,
      });
      expect(await store.skippedContent()).toEqual([]);
    },
  );

  it('picks up content published later, with late and older events, without refetching', async () => {
    const sim = await startTestSimulator({ users: 40, days: 1 });
    const dir = freshDir();
    const { config } = await simConfig(sim, dir);
    store = await openStore(join(dir, 'store.duckdb'));
    const collection = new Collection(config, store, { log: quietLog });
    await collection.once();
    const before = (await storedIds(store)).rows;
    const blobRequests = () => sim.counters()['manage.blob'] ?? 0;
    const fetched = blobRequests();
    // Six hours later: new blobs, some holding events from before the last collection.
    await sim.advance(6 * 3_600_000);
    await collection.once();
    const expected = new Set((await truthLines(sim)).map((l) => l.Id));
    const stored = await storedIds(store);
    expect(compareIds(expected, stored)).toEqual({ missing: [], extra: [], duplicates: 0 });
    expect(stored.rows).toBeGreaterThan(before);
    const newBlobs = blobRequests() - fetched;
    const published = new Set((await truthLines(sim)).map((l) => l.contentId)).size;
    // Every blob fetched once in all: the overlap re-lists, content marks stop refetching.
    expect(fetched + newBlobs).toBe(published);
    // A pass with nothing new fetches nothing.
    const again = blobRequests();
    await collection.once();
    expect(blobRequests()).toBe(again);
  });

  it('works when the local clock and Microsoft disagree by days (server Date header)', async () => {
    const sim = await startTestSimulator({
      users: 20,
      days: 2,
      now: new Date(Date.now() - 3 * 86_400_000),
    });
    const dir = freshDir();
    const { config } = await simConfig(sim, dir);
    store = await openStore(join(dir, 'store.duckdb'));
    const summaries = await new Collection(config, store, { log: quietLog }).once();
    expect(summaries.flatMap((s) => s.results).filter((r) => r.error)).toEqual([]);
    const expected = new Set((await truthLines(sim)).map((l) => l.Id));
    expect(compareIds(expected, await storedIds(store))).toEqual({
      missing: [],
      extra: [],
      duplicates: 0,
    });
  });

  it('renews an expired token and restarts a stopped subscription', async () => {
    const sim = await startTestSimulator({ users: 20, days: 1, tokenLifetimeSeconds: 600 });
    const dir = freshDir();
    const { config } = await simConfig(sim, dir);
    store = await openStore(join(dir, 'store.duckdb'));
    const collection = new Collection(config, store, { log: quietLog, retry: FAST_RETRY });
    await collection.once();
    const tokens = () =>
      Object.entries(sim.counters())
        .filter(([k]) => k.startsWith('login.token'))
        .reduce((n, [, v]) => n + v, 0);
    const issued = tokens();
    // An hour later the token has expired on the server side; a subscription was stopped.
    await sim.advance(3_600_000);
    const stop = await collection.tenants[0]!.http.request({
      method: 'POST',
      url: `${sim.url}/api/v1.0/${sim.tenantId}/activity/feed/subscriptions/stop?contentType=Audit.Exchange&PublisherIdentifier=${sim.tenantId}`,
      audience: 'https://manage.office.com',
    });
    expect(stop.status).toBe(200);
    const summaries = await collection.once();
    expect(summaries.flatMap((s) => s.results).filter((r) => r.error)).toEqual([]);
    expect(tokens()).toBeGreaterThan(issued);
    const list = await collection.tenants[0]!.api.listSubscriptions();
    expect(list.find((s) => s.contentType === 'Audit.Exchange')?.status).toBe('enabled');
  });

  it('keeps collecting the other content types when one lacks its permission, and says which', async () => {
    const sim = await startTestSimulator({ users: 20, days: 1 });
    sim.setApp({ roles: { manage: ['ActivityFeed.Read'], graph: [] } });
    const dir = freshDir();
    const { config } = await simConfig(sim, dir);
    store = await openStore(join(dir, 'store.duckdb'));
    const summaries = await new Collection(config, store, {
      log: quietLog,
      retry: FAST_RETRY,
    }).once();
    const results = summaries.flatMap((s) => s.results);
    const dlp = results.find((r) => r.key.stream === 'DLP.All')!;
    expect(dlp.error).toMatch(/AF10001|ActivityFeed\.ReadDlp|denied|permission/i);
    expect(results.filter((r) => r.key.stream !== 'DLP.All').every((r) => r.error === null)).toBe(
      true,
    );
    const status = await store.streamStatus();
    expect(status.find((s) => s.key.stream === 'DLP.All')?.lastError).toBe(dlp.error);
    const lines = await truthLines(sim);
    const expected = new Set(lines.filter((l) => l.contentType !== 'DLP.All').map((l) => l.Id));
    const stored = await storedIds(store);
    expect([...expected].filter((id) => !stored.ids.has(id))).toEqual([]);
  });

  it('skips content that expired before it was collected, and records the loss', async () => {
    const sim = await startTestSimulator({
      users: 20,
      days: 2,
      switches: { contentExpiryMinutes: 24 * 60 },
    });
    const dir = freshDir();
    const { config } = await simConfig(sim, dir);
    store = await openStore(join(dir, 'store.duckdb'));
    await new Collection(config, store, { log: quietLog }).once();
    const expected = new Set((await truthLines(sim)).map((l) => l.Id));
    expect(compareIds(expected, await storedIds(store))).toEqual({
      missing: [],
      extra: [],
      duplicates: 0,
    });
  });

  it('collects several tenants into one store, each under its own label, and never logs a secret', async () => {
    const a = await startTestSimulator({ users: 15, days: 1, seed: 11 });
    const b = await startTestSimulator({
      users: 15,
      days: 1,
      seed: 12,
      tenantId: '2b3c4d5e-6f70-4a8b-9c0d-1e2f3a4b5c6d',
      clientSecret: 'second~tenant~secret-value',
    });
    const dir = freshDir();
    const first = await simConfig(a, dir, { name: 'alpha' }, 'a.json');
    const second = await simConfig(b, dir, { name: 'bravo', id: '10002' }, 'b.json');
    const config = {
      ...first.config,
      instances: [...first.config.instances, ...second.config.instances],
    };
    store = await openStore(join(dir, 'store.duckdb'));
    const lines: string[] = [];
    const restore = setLogSink((line) => lines.push(line));
    try {
      await new Collection(config, store, { log: createLogger('multi') }).once();
    } finally {
      restore();
    }
    const rows = await store.queryAll({
      sql: `SELECT client, _tenant, split_part(hostchain, '-', 2) AS collector, count(*) AS n FROM management GROUP BY ALL ORDER BY client`,
      params: [],
    });
    expect(rows.map((r) => [r.client, r._tenant, r.collector])).toEqual([
      ['alpha', a.tenantId, '10001'],
      ['bravo', b.tenantId, '10002'],
    ]);
    const log = lines.join('\n');
    expect(log).not.toContain(a.clientSecret);
    expect(log).not.toContain('second~tenant~secret-value');
  });
});

describe('several collector processes on one store', () => {
  it('collect a tenant once: the second waits for the lease the first holds', async () => {
    const sim = await startTestSimulator({ users: 20, days: 1, seed: 21 });
    const dir = freshDir();
    const { config } = await simConfig(sim, dir);
    const shared = await openStore(join(dir, 'store.duckdb'));
    try {
      const first = new Collection(config, shared, { log: quietLog });
      const second = new Collection(config, shared, { log: quietLog });
      const [a, b] = await Promise.all([first.pass(true), second.pass(true)]);
      const held = [...a, ...b].filter((s) => s.heldBy);
      const worked = [...a, ...b].filter((s) => !s.heldBy);
      expect(held).toHaveLength(1);
      expect(worked).toHaveLength(1);
      await first.releaseLeases();
      await second.releaseLeases();
      // Once released, either may take the tenant.
      const again = await second.pass();
      expect(again[0]!.heldBy).toBeUndefined();
      const expected = new Set((await truthLines(sim)).map((l) => l.Id));
      expect(compareIds(expected, await storedIds(shared))).toEqual({
        missing: [],
        extra: [],
        duplicates: 0,
      });
    } finally {
      await shared.close();
    }
  });
});
