// The Graph sources against the simulator over real HTTP (127.0.0.1, OS-chosen port): sign-ins,
// directory audits, message trace and usage reports backfill and then follow exactly the
// simulator's ground truth — none missing, none twice — through paging, throttling, transient
// errors, dropped connections and late arrival; no premium licence is said clearly.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/load.js';
import { createTenantClients, hostchainFor } from '../../src/sources/collection.js';
import { GraphSources } from '../../src/sources/graph/sources.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { createLogger, setLogLevel } from '../../src/util/log.js';
import { simConfig, startTestSimulator } from '../helpers/simulator.js';
import { compareLog, compareReports, LOG_TABLES } from './ground-truth.js';
import { tempDir } from '../helpers/temp.js';

const root = tempDir();
let counter = 0;
function freshDir(): string {
  const dir = join(root, `graph-${++counter}`);
  mkdirSync(dir);
  return dir;
}

const FAST_RETRY = { baseDelayMs: 20, maxDelayMs: 200, maxRetryAfterMs: 5000, attempts: 12 };
const log = createLogger('test');
setLogLevel('error');

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

/** The collector config of the Graph sources only, pointed at the simulator. */
export const GRAPH_SERVICES = {
  entra_id: { requests_per_10s: 50, window: '6h', backfill: '3d' },
  message_trace: { window: '4h', page_size: 50, backfill: '3d' },
  reports: {},
};

function sources(config: ResolvedConfig, s: Store): GraphSources {
  const instance = config.instances[0]!;
  const clients = createTenantClients(instance, { log, retry: FAST_RETRY });
  return new GraphSources({
    store: s,
    instance,
    tokens: clients.tokens,
    clock: clients.clock,
    hostchain: hostchainFor(instance),
    log,
    retry: FAST_RETRY,
  });
}

describe('Graph sources', () => {
  it(
    'backfill then follow exactly the truth through paging, throttling, faults and late arrival',
    { timeout: 300_000 },
    async () => {
      const sim = await startTestSimulator({
        users: 30,
        days: 2,
        switches: {
          graphPageSize: 40,
          auditLogThrottlePer10Seconds: 30,
          retryAfterSeconds: 1,
          transientErrorRate: 0.03,
          dropConnectionRate: 0.02,
          graphDelayMinutes: { min: 1, max: 40 },
        },
      });
      const dir = freshDir();
      const { config } = await simConfig(sim, dir, { services: GRAPH_SERVICES });
      store = await openStore(join(dir, 'store.duckdb'));
      const graph = sources(config, store);
      const first = await graph.pass();
      expect(first.filter((r) => r.error)).toEqual([]);
      for (const source of ['signIns', 'directoryAudits', 'messageTraces'] as const) {
        const c = await compareLog(sim, store, source);
        expect(c.expected, source).toBeGreaterThan(0);
        expect({ ...c, expected: 0 }, source).toEqual({
          expected: 0,
          missing: [],
          extra: [],
          duplicates: 0,
        });
      }
      expect(await compareReports(sim, store)).toMatchObject({ missing: [], extra: 0 });
      const counters = sim.counters();
      expect(counters['graph.signIns.pages']).toBeGreaterThan(8);

      // Six hours later: new entries, and late ones from before the cursor (within the overlap).
      await sim.advance(6 * 3600_000);
      const again = await graph.pass();
      expect(again.filter((r) => r.error)).toEqual([]);
      for (const source of ['signIns', 'directoryAudits', 'messageTraces'] as const) {
        const c = await compareLog(sim, store, source);
        expect({ ...c, expected: 0 }, source).toEqual({
          expected: 0,
          missing: [],
          extra: [],
          duplicates: 0,
        });
      }
      const status = await store.streamStatus();
      const signIns = status.find((s) => s.key.stream === 'signIns')!;
      expect(signIns.records).toBeGreaterThan(0);
      expect((signIns.cursor as { listedThrough: string }).listedThrough).toBe(
        sim.now().toISOString(),
      );
    },
  );

  it(
    'keeps within 5 requests per 10 seconds when asked to, and Retry-After still saves a wrong budget',
    {
      timeout: 120_000,
    },
    async () => {
      const sim = await startTestSimulator({
        users: 10,
        days: 1,
        scenarios: [],
        switches: { auditLogThrottlePer10Seconds: 5, retryAfterSeconds: 1 },
      });
      const dir = freshDir();
      // 12 requests at most: a budget of 20 per 10 s gets some 429s, and must still store all.
      const { config } = await simConfig(sim, dir, {
        services: { entra_id: { requests_per_10s: 20, window: '4h', backfill: '1d' } },
      });
      store = await openStore(join(dir, 'store.duckdb'));
      const results = await sources(config, store).pass();
      expect(results.filter((r) => r.error)).toEqual([]);
      expect(sim.counters()['graph.auditLogs.throttled']).toBeGreaterThan(0);
      for (const source of ['signIns', 'directoryAudits'] as const) {
        const c = await compareLog(sim, store, source);
        expect({ ...c, expected: 0 }, source).toEqual({
          expected: 0,
          missing: [],
          extra: [],
          duplicates: 0,
        });
      }
    },
  );

  it(
    'collects interactive sign-ins from v1.0 and, with non_interactive_sign_ins, the others from beta',
    { timeout: 60_000 },
    async () => {
      const sim = await startTestSimulator({
        users: 10,
        days: 1,
        scenarios: [],
        switches: { auditLogThrottlePer10Seconds: 0 },
      });
      const dir = freshDir();
      const { config } = await simConfig(sim, dir, {
        services: { entra_id: { backfill: '1d', non_interactive_sign_ins: true } },
      });
      store = await openStore(join(dir, 'store.duckdb'));
      const results = await sources(config, store).pass();
      expect(results.filter((r) => r.error)).toEqual([]);
      const expected = new Set<string>();
      for (const source of ['signIns', 'nonInteractiveSignIns'] as const)
        for await (const l of sim.truth({ source, availableOnly: true })) expected.add(l.Id);
      const rows = await store.queryAll({
        sql: `SELECT id, _content_type AS stream, isInteractive FROM ${LOG_TABLES.signIns}`,
        params: [],
      });
      expect(rows.length).toBe(expected.size);
      expect(rows.filter((r) => !expected.has(String(r.id)))).toEqual([]);
      const streams = new Map<string, Set<string>>();
      for (const r of rows) {
        const set = streams.get(String(r.stream)) ?? new Set<string>();
        set.add(String(r.isInteractive));
        streams.set(String(r.stream), set);
      }
      expect(streams.get('signIns')).toEqual(new Set(['true']));
      expect(streams.get('nonInteractiveSignIns')).toEqual(new Set(['false']));
      expect(sim.counters()['graph.signIns.pages']).toBeGreaterThan(1);
    },
  );

  it(
    'says clearly that sign-ins need Entra ID P1/P2, and collects the rest',
    { timeout: 60_000 },
    async () => {
      const sim = await startTestSimulator({
        users: 10,
        days: 1,
        scenarios: [],
        switches: { entraLicence: 'free', auditLogThrottlePer10Seconds: 0 },
      });
      const dir = freshDir();
      const { config } = await simConfig(sim, dir, { services: { entra_id: { backfill: '1d' } } });
      store = await openStore(join(dir, 'store.duckdb'));
      const results = await sources(config, store).pass();
      const signIns = results.find((r) => r.key.stream === 'signIns')!;
      expect(signIns.error).toMatch(/no Entra ID P1\/P2 licence/);
      expect(signIns.error).toMatch(/Authentication_RequestFromNonPremiumTenantOrB2CTenant/);
      expect(results.find((r) => r.key.stream === 'directoryAudits')!.error).toBeNull();
      const status = await store.streamStatus();
      expect(status.find((s) => s.key.stream === 'signIns')!.lastError).toMatch(
        /no Entra ID P1\/P2 licence/,
      );
    },
  );
});
