// The collector killed with SIGKILL at random moments and restarted each time: what it stores in
// the end is still exactly the ground truth. The collector runs as its own process (the CLI), the
// simulator in this one.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import {
  compareIds,
  simConfig,
  startTestSimulator,
  storedIds,
  truthLines,
} from '../helpers/simulator.js';
import { collectOnce, killDelays } from '../helpers/collect-process.js';
import { tempDir } from '../helpers/temp.js';

describe('collector crash safety', () => {
  it(
    'loses and duplicates nothing when killed with SIGKILL at 20 random moments',
    { timeout: 900_000 },
    async () => {
      const sim = await startTestSimulator({
        users: 60,
        days: 2,
        switches: { duplicateRate: 0.05 },
      });
      const dir = join(tempDir(), 'crash');
      mkdirSync(dir);
      const { file } = await simConfig(sim, dir, { concurrency: 4 });
      let killed = 0;
      for (const delay of killDelays(20261125, 20, 500, 3500)) {
        // New content before every run, so that each one has work to be killed in the middle of.
        await sim.advance(4 * 3_600_000);
        const run = await collectOnce(file, delay);
        if (run.signal === 'SIGKILL') killed++;
        else expect(run.code, run.stderr).toBe(0);
      }
      // Most runs must really have been killed mid-way, or the test proves nothing.
      expect(killed).toBeGreaterThanOrEqual(15);
      const final = await collectOnce(file);
      expect(final.code, final.stderr).toBe(0);

      const store = await openStore(join(dir, 'store.duckdb'));
      try {
        const expected = new Set((await truthLines(sim)).map((l) => l.Id));
        expect(compareIds(expected, await storedIds(store))).toEqual({
          missing: [],
          extra: [],
          duplicates: 0,
        });
        const seqs = await store.queryAll({
          sql: 'SELECT count(*) AS n, count(DISTINCT _seq) AS distinct_seq, max(_seq) AS max_seq FROM management',
          params: [],
        });
        // Sequence numbers stay unique across crashes (the alert engine relies on them), and none
        // is above the position the store reports (dropped duplicates leave gaps).
        expect(Number(seqs[0]!.distinct_seq)).toBe(Number(seqs[0]!.n));
        expect(BigInt(seqs[0]!.max_seq as bigint)).toBeLessThanOrEqual(await store.maxSeq());
      } finally {
        await store.close();
      }
    },
  );
});
