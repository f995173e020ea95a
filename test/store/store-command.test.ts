// `m365hunt store copy`: a DuckDB file into chdb by their store URLs, with progress and a summary.
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeCopyCommand } from '../../src/cli/commands/store.js';
import { openStore } from '../../src/store/open.js';
import { ingestRecords } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';

function sink(): Writable & { text: string } {
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      out.text += chunk.toString();
      done();
    },
  }) as Writable & { text: string };
  out.text = '';
  return out;
}

describe('m365hunt store copy', () => {
  it('copies a DuckDB store into chdb and reports what it did', async () => {
    const dir = tempDir();
    const from = join(dir, 'hunt.duckdb');
    const source = await openStore(from);
    const records = Array.from({ length: 30 }, (_, i) => ({
      Id: `id-${i}`,
      CreationTime: '2026-03-02T09:14:05',
      Workload: 'OneDrive',
      Operation: 'FileDownloaded',
    }));
    await ingestRecords(source, records);
    await source.close();

    const to = `chdb:${join(dir, 'ch')}?database=hunt`;
    const stdout = sink();
    const stderr = sink();
    const summary = await storeCopyCommand(
      { from, to, batchSize: '10' },
      { stdout, stderr, progressEverySeconds: 0 },
    );
    expect(summary.rows).toMatchObject({ read: 30, inserted: 30 });
    expect(stderr.text).toContain('copy: rows 30/30');
    expect(stdout.text).toContain(`Copied duckdb:${from} into ${to}`);
    expect(stdout.text).toContain('30 read, 30 stored, 0 already there');

    const target = await openStore(to);
    try {
      const rows = await target.queryAll({
        sql: 'SELECT count() AS n FROM management',
        params: [],
      });
      expect(Number(rows[0]!.n)).toBe(30);
    } finally {
      await target.close();
    }
    await expect(storeCopyCommand({ from, to: from })).rejects.toThrow(/same store/);
  });
});
