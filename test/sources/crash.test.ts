// The collector killed with SIGKILL at random moments and restarted each time: what it stores in
// the end is still exactly the ground truth. The collector runs as its own process (the CLI), the
// simulator in this one.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import {
  compareIds,
  simConfig,
  startTestSimulator,
  storedIds,
  truthLines,
} from '../helpers/simulator.js';
import { tempDir } from '../helpers/temp.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const main = join(repo, 'src/cli/main.ts');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function collect(config: string, killAfterMs?: number): Promise<Run> {
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

/** A seeded sequence of kill delays, so a failure can be replayed. */
function delays(seed: number, n: number, min: number, max: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return Math.round(min + (x / 2147483648) * (max - min));
  });
}

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
      for (const delay of delays(20261125, 20, 500, 3500)) {
        // New content before every run, so that each one has work to be killed in the middle of.
        await sim.advance(4 * 3_600_000);
        const run = await collect(file, delay);
        if (run.signal === 'SIGKILL') killed++;
        else expect(run.code, run.stderr).toBe(0);
      }
      // Most runs must really have been killed mid-way, or the test proves nothing.
      expect(killed).toBeGreaterThanOrEqual(15);
      const final = await collect(file);
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
