// What the importer does with records it must not hold whole or cannot decode (issue 20, item 8),
// and with a JSON array written on one line (item 4): real files generated in a temporary folder,
// imported into a real DuckDB store, the rows and the quarantine read back.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runImport, type ImportSummary } from '../../src/ingest/import/runner.js';
import type { Store } from '../../src/store/store.js';
import { openTestStore, STORE_KINDS, type StoreKind } from '../helpers/stores.js';
import { fileAccessedLine } from '../helpers/records.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('m365hunt-limits-');
let stores: Store[] = [];
afterEach(async () => {
  for (const s of stores) await s.close();
  stores = [];
});

const record = fileAccessedLine;

let n = 0;
async function importFile(
  content: string | Buffer,
  maxRecordBytes?: number,
  kind: StoreKind = 'duckdb',
): Promise<{ store: Store; summary: ImportSummary; file: string }> {
  n++;
  const file = join(dir, `in-${n}.ndjson`);
  writeFileSync(file, content);
  const store = await openTestStore(kind, dir);
  stores.push(store);
  const summary = await runImport({
    files: [file],
    store,
    collectorId: '10001',
    hostname: 'test',
    ...(maxRecordBytes === undefined ? {} : { maxRecordBytes }),
  });
  return { store, summary, file };
}

async function messages(store: Store): Promise<string[]> {
  const rows = await store.queryAll({
    sql: 'SELECT message FROM management ORDER BY eventdate, message',
    params: [],
  });
  return rows.map((r) => String(r.message));
}

const MiB = 1024 * 1024;

describe('import limits', () => {
  it('imports a valid first record larger than the head read to recognise the file', async () => {
    const big = record('big', { Pad: 'x'.repeat(3 * MiB) });
    const { store, summary } = await importFile(`${big}\n${record('small')}\n`);
    expect(summary.files[0]!.error).toBeUndefined();
    expect(summary.files[0]!.stored).toBe(2);
    expect((await messages(store)).map((m) => m.length).sort((a, b) => a - b)).toEqual([
      record('small').length,
      big.length,
    ]);
  });

  it('quarantines a record over the limit as its prefix and hash, and stores the rest', async () => {
    // A 24 MiB line of garbage under a 2 MiB limit: never held whole, never stored whole.
    const garbage = `{"Id": ${'7'.repeat(24 * MiB)}`;
    const content = `${record('a')}\n${garbage}\n${record('b')}\n`;
    const { store, summary, file } = await importFile(content, 2 * MiB);
    const f = summary.files[0]!;
    expect([f.read, f.stored, f.quarantined, f.unreadable]).toEqual([3, 2, 1, 0]);
    const [q] = await store.quarantine(10);
    expect(q!.origin).toBe(`${file}:2`);
    expect(q!.text.length).toBe(64 * 1024);
    expect(garbage.startsWith(q!.text)).toBe(true);
    const sha = createHash('sha256').update(garbage).digest('hex');
    expect(q!.reason).toContain(`sha256 of the whole: ${sha}`);
    expect(q!.reason).toMatch(/record of 24\.0 MiB is larger than the limit of 2\.0 MiB/);
  });

  it('holds the same limit in a JSON array and on the first line of a file', async () => {
    const big = record('big', { Pad: 'y'.repeat(3 * MiB) });
    const array = await importFile(`[${record('a')},${big},${record('b')}]`, MiB);
    expect(array.summary.files[0]!.format.container).toBe('json-array');
    expect([array.summary.files[0]!.stored, array.summary.files[0]!.quarantined]).toEqual([2, 1]);
    const first = await importFile(`${big}\n${record('c')}\n`, MiB);
    expect(first.summary.files[0]!.error).toBeUndefined();
    expect([first.summary.files[0]!.stored, first.summary.files[0]!.quarantined]).toEqual([1, 1]);
    const [q] = await first.store.quarantine(1);
    expect(q!.text).toBe(big.slice(0, 64 * 1024));
  });

  it.each(STORE_KINDS)(
    'quarantines a line that is not UTF-8 and imports the others (%s)',
    async (kind) => {
      const bad = Buffer.concat([
        Buffer.from(record('bad').slice(0, -2)),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('"}'),
      ]);
      const content = Buffer.concat([
        Buffer.from(`${record('a')}\n`),
        bad,
        Buffer.from(`\n${record('b')}\n`),
      ]);
      const { store, summary, file } = await importFile(content, undefined, kind);
      expect(summary.files[0]!.error).toBeUndefined();
      expect([summary.files[0]!.stored, summary.files[0]!.quarantined]).toEqual([2, 1]);
      const [q] = await store.quarantine(1);
      expect(q!.origin).toBe(`${file}:2`);
      expect(q!.reason).toContain(createHash('sha256').update(bad).digest('hex'));
      expect(q!.text).toContain('\ufffd');
    },
  );

  it('imports a JSON array written on one line, every element with line 1', async () => {
    const count = 20_000;
    const records = Array.from({ length: count }, (_, i) => record(`r${i}`));
    const { store, summary } = await importFile(`[${records.join(',')}]`);
    expect(summary.files[0]!.stored).toBe(count);
    const rows = await store.queryAll({
      sql: `SELECT count(*) AS n, count(DISTINCT message) AS d FROM management`,
      params: [],
    });
    expect([Number(rows[0]!.n), Number(rows[0]!.d)]).toEqual([count, count]);
  });
});
