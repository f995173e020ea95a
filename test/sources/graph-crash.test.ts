// The Graph sources killed with SIGKILL at random moments and restarted each time (the CLI as its
// own process, the simulator in this one): in the end each source holds exactly its ground
// truth, and ingest sequence numbers stay unique.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { simConfig, startTestSimulator } from '../helpers/simulator.js';
import { tempDir } from '../helpers/temp.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const main = join(repo, 'src/cli/main.ts');

function collect(
  config: string,
  killAfterMs?: number,
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', main, 'collect', '--config', config, '--once', '--quiet'],
      { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer =
      killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

function delays(seed: number, n: number, min: number, max: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return Math.round(min + (x / 2147483648) * (max - min));
  });
}

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
          latencyMs: 200,
        },
      });
      const dir = join(tempDir(), 'graph-crash');
      mkdirSync(dir);
      const { file } = await simConfig(sim, dir, {
        services: {
          entra_id: { window: '2h', page_size: 25, backfill: '3d', requests_per_10s: 100 },
          message_trace: { window: '2h', page_size: 25, backfill: '3d', requests_per_minute: 6000 },
          reports: {},
        },
      });
      let killed = 0;
      for (const delay of delays(20261126, 10, 1500, 6000)) {
        const run = await collect(file, delay);
        if (run.signal === 'SIGKILL') killed++;
        else expect(run.code, run.stderr).toBe(0);
        // Time passes between runs: new entries, and late ones before the cursor.
        await sim.advance(20 * 60_000);
      }
      expect(killed).toBeGreaterThanOrEqual(6);
      const final = await collect(file);
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
        expect(Number(reports[0]!.n)).toBe(30);
        expect(Number(reports[0]!.d)).toBe(30);
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
