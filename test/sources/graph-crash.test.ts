// The Graph sources killed with SIGKILL at random moments and restarted each time (the CLI as its
// own process, the simulator in this one): in the end each source holds exactly its ground
// truth, and ingest sequence numbers stay unique.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { simConfig, startTestSimulator } from '../helpers/simulator.js';
import { collectOnce, killDelays } from '../helpers/collect-process.js';
import { tempDir } from '../helpers/temp.js';

async function compare(
  sim: SimulatorHandle,
  store: Store,
  source: 'signIns' | 'directoryAudits' | 'messageTraces',
  table: string,
) {
  const expected = new Set<string>();
  for await (const l of sim.truth({ source, availableOnly: true })) expected.add(l.Id);
  const rows = await store.queryAll({ sql: `SELECT id FROM ${table}`, params: [] });
  const ids = new Set(rows.map((r) => String(r.id)));
  return {
    source,
    missing: [...expected].filter((id) => !ids.has(id)).length,
    extra: [...ids].filter((id) => !expected.has(id)).length,
    duplicates: rows.length - ids.size,
    empty: expected.size === 0,
  };
}

describe('Graph sources crash safety', () => {
  it(
    'lose and duplicate nothing when the collector is killed with SIGKILL at 10 random moments',
    { timeout: 600_000 },
    async () => {
      const sim = await startTestSimulator({
        users: 30,
        days: 2,
        // Slow answers, so that a whole collection takes longer than any run is given: runs are
        // killed while they collect, whatever the machine's speed.
        switches: {
          graphPageSize: 25,
          auditLogThrottlePer10Seconds: 0,
          reportThrottlePer10Minutes: 0,
          // Pages of 25 need more than Microsoft's 100 requests per 5 minutes: this test is about
          // crashes, not the throttle (test/sources/graph-windows.test.ts covers that).
          messageTraceThrottlePer5Minutes: 0,
          latencyMs: 300,
        },
      });
      const dir = join(tempDir(), 'graph-crash');
      mkdirSync(dir);
      // A backfill that covers the history (2 days) plus the 40 hours the runs add: on a loaded
      // machine every run may be killed before it stores anything, and the final one must still
      // reach back to the first entry.
      const { file } = await simConfig(sim, dir, {
        services: {
          entra_id: { window: '2h', page_size: 25, backfill: '5d', requests_per_10s: 100 },
          message_trace: {
            window: '2h',
            page_size: 25,
            backfill: '5d',
            requests_per_5min: 100_000,
          },
          reports: {},
        },
      });
      let killed = 0;
      for (const delay of killDelays(20261126, 10, 1500, 6000)) {
        const run = await collectOnce(file, delay);
        if (run.signal === 'SIGKILL') killed++;
        else expect(run.code, run.stderr).toBe(0);
        // Time passes between runs: new entries, and late ones before the cursor; enough of them
        // (several pages per source) that the next run is still collecting when it is killed.
        await sim.advance(4 * 3_600_000);
      }
      expect(killed).toBeGreaterThanOrEqual(6);
      const final = await collectOnce(file);
      expect(final.code, final.stderr).toBe(0);
      const store = await openStore(join(dir, 'store.duckdb'));
      try {
        for (const [source, table] of [
          ['signIns', 'azure_ad_signin'],
          ['directoryAudits', 'azure_ad_audit'],
          ['messageTraces', 'messagetracing'],
        ] as const) {
          expect(await compare(sim, store, source, table)).toEqual({
            source,
            missing: 0,
            extra: 0,
            duplicates: 0,
            empty: false,
          });
        }
        const reports = await store.queryAll({
          sql: 'SELECT count(*) AS n, count(DISTINCT id) AS d FROM reporting_emailactivity',
          params: [],
        });
        // One row per user (30) for each refresh date the runs saw (the clock crosses days): each
        // once, and every user on each date.
        expect(Number(reports[0]!.n)).toBe(Number(reports[0]!.d));
        expect(Number(reports[0]!.n) % 30).toBe(0);
        expect(Number(reports[0]!.n)).toBeGreaterThanOrEqual(30);
        const seqs = await store.queryAll({
          sql: `SELECT count(*) AS n, count(DISTINCT _seq) AS d FROM (
                SELECT _seq FROM azure_ad_signin UNION ALL SELECT _seq FROM azure_ad_audit
                UNION ALL SELECT _seq FROM messagetracing UNION ALL SELECT _seq FROM reporting_emailactivity)`,
          params: [],
        });
        expect(Number(seqs[0]!.d)).toBe(Number(seqs[0]!.n));
      } finally {
        await store.close();
      }
    },
  );
});
