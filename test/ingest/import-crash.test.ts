// `m365hunt import` killed with SIGKILL at seeded moments and run again each time on the same file:
// the store ends with every record exactly once (issue 18: the lines go to DuckDB through staging
// files, and the import checkpoints rarely, so an interrupted import leaves a long WAL). The import
// runs as its own process (`bin/m365hunt.js`, built: `npm run build`), as a user runs it.
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { killDelays } from '../helpers/collect-process.js';
import { tempDir } from '../helpers/temp.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repo, 'bin/m365hunt.js');
const dir = tempDir('m365hunt-import-crash-');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** `m365hunt import`, killed with SIGKILL after `killAfterMs` when given (if still running). */
function importOnce(dir: string, file: string, killAfterMs?: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [bin, 'import', file, '--collector-id', '10001', '--db', join(dir, 'store.duckdb')],
      // Staging files go under the test's folder: a killed import cannot remove its own.
      { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, TMPDIR: dir } },
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

describe('import crash safety', () => {
  it(
    'stores every record exactly once when killed with SIGKILL at seeded moments',
    { timeout: 900_000 },
    async () => {
      // 100,000 records (5 batches), one in ten a repeat of the record five lines before it (as the
      // API repeats records).
      const lines: string[] = [];
      for (let i = 0; i < 100_000; i++) {
        if (i % 10 === 9) {
          lines.push(lines[i - 5]!);
          continue;
        }
        lines.push(
          JSON.stringify({
            CreationTime: `2026-03-0${1 + (i % 9)}T09:${String(i % 60).padStart(2, '0')}:05`,
            Id: `id-${i}`,
            Operation: 'FileAccessed',
            OrganizationId: '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
            RecordType: 6,
            UserId: `u${i % 97}@contoso.com`,
            Workload: 'SharePoint',
            Pad: 'x'.repeat(400),
          }),
        );
      }
      const file = join(dir, 'records.ndjson');
      writeFileSync(file, lines.join('\n') + '\n');
      const unique = new Set(lines.map((l) => (JSON.parse(l) as { Id: string }).Id));

      let killed = 0;
      for (const delay of killDelays(20261208, 6, 500, 3000)) {
        const run = await importOnce(dir, file, delay);
        if (run.signal === 'SIGKILL') killed++;
        else expect(run.code, run.stderr).toBe(0);
      }
      // Runs must really have been killed mid-way, or the test proves nothing. Once every record is
      // stored, a run only finds duplicates and may end before its kill: the first runs count.
      expect(killed).toBeGreaterThanOrEqual(2);
      const final = await importOnce(dir, file);
      expect(final.code, final.stderr).toBe(0);

      const store = await openStore(join(dir, 'store.duckdb'));
      try {
        const rows = await store.queryAll({
          sql: `SELECT count(*) AS n, count(DISTINCT "Id") AS ids, count(DISTINCT _seq) AS seqs,
                  max(_seq) AS max_seq FROM management`,
          params: [],
        });
        expect(Number(rows[0]!.n)).toBe(unique.size);
        expect(Number(rows[0]!.ids)).toBe(unique.size);
        expect(Number(rows[0]!.seqs)).toBe(unique.size);
        expect(BigInt(rows[0]!.max_seq as bigint)).toBeLessThanOrEqual(await store.maxSeq());
      } finally {
        await store.close();
      }
      // The final run removed its staging files (killed runs leave theirs in TMPDIR).
      const left = readdirSync(dir).filter((d) => d.startsWith('m365hunt-import-'));
      expect(left.length).toBeLessThanOrEqual(killed);
    },
  );
});
