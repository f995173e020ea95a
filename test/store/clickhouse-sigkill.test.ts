// The crash of clickhouse-crash.test.ts, for real: a collector process is killed with SIGKILL
// right after its rows reached the chdb store and before the cursor did; a new process ingests the
// same blob again. Each record is stored once and the watermark covers them all.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openChdbStore } from '../../src/store/clickhouse/open.js';
import { tempDir } from '../helpers/temp.js';

const child = fileURLToPath(new URL('./chdb-crash-child.ts', import.meta.url));
const dir = tempDir('m365hunt-chdb-kill-');

function collector(point: string, count: number, end: string) {
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', child, dir, 'killed', point, String(count), end],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
}

describe('ClickHouse store: a collector killed between the rows and the cursor', () => {
  it('stores each record once after a restart', async () => {
    for (const point of ['rows-inserted', 'quarantined']) {
      const killed = collector(point, 200, '2026-03-01T11:00:00');
      expect(killed.signal).toBe('SIGKILL');
    }
    const rerun = collector('none', 200, '2026-03-01T11:00:00');
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ inserted: 0, duplicates: 200 });

    const store = await openChdbStore(`${dir}?database=killed`);
    try {
      const rows = await store.queryAll({
        sql: 'SELECT count() AS n, uniqExact(Id) AS ids, max(_seq) AS top FROM management',
        params: [],
      });
      expect(Number(rows[0]!.n)).toBe(200);
      expect(Number(rows[0]!.ids)).toBe(200);
      expect(await store.maxSeq()).toBe(rows[0]!.top);
      expect(
        await store.cursor({ source: 'management', tenant: 't1', stream: 'Audit.SharePoint' }),
      ).toEqual({
        end: '2026-03-01T11:00:00',
      });
    } finally {
      await store.close();
    }
  });
});
