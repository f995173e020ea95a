// NDJSON imported into DuckDB through staging files (issue 18): the lines go to the engine as bytes
// and DuckDB reads them itself. Real files with the awkward lines a staging file cannot carry or
// must number right (CRLF, blank lines, a carriage return or \x01 inside a line, broken JSON,
// tenants read by the engine, duplicates across batches), imported into a real DuckDB store, the
// rows and the quarantine read back.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runImport, type ImportSummary } from '../../src/ingest/import/runner.js';
import type { Store } from '../../src/store/store.js';
import { openTestStore, STORE_KINDS, type StoreKind } from '../helpers/stores.js';
import { fileAccessedLine, TEST_TENANT } from '../helpers/records.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('m365hunt-staging-');
const A = TEST_TENANT;
const B = 'aaaabbbb-4f50-4a6b-8c7d-9e0f1a2b3c4d';
let stores: Store[] = [];
afterEach(async () => {
  for (const s of stores) await s.close();
  stores = [];
});

const record = fileAccessedLine;

let n = 0;
async function importFile(
  content: string,
  options: { batchSize?: number; kind?: StoreKind; store?: Store } = {},
): Promise<{ store: Store; summary: ImportSummary; file: string }> {
  n++;
  const file = join(dir, `in-${n}.ndjson`);
  writeFileSync(file, content);
  const store = options.store ?? (await openTestStore(options.kind ?? 'duckdb', dir));
  if (!options.store) stores.push(store);
  const summary = await runImport({
    files: [file],
    store,
    collectorId: '10001',
    hostname: 'test',
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
  });
  return { store, summary, file };
}

async function rows(store: Store): Promise<Array<Record<string, unknown>>> {
  return store.queryAll({
    sql: 'SELECT "Id" AS id, _tenant AS tenant, client, message, _seq FROM management ORDER BY _seq',
    params: [],
  });
}

function stagingDirs(): string[] {
  return readdirSync(tmpdir()).filter((d) => d.startsWith('m365hunt-import-'));
}

describe('NDJSON staged as bytes for DuckDB', () => {
  it('stores each line byte for byte, numbers lines right and quarantines by line', async () => {
    const before = new Set(stagingDirs());
    const lines = [
      record('r1'), // 1
      '', // 2: blank
      `  ${record('r2')}  `, // 3: spaces kept in the message
      record('r3', { Note: 'é ü 漢字 😀' }), // 4: multi-byte UTF-8
      '{"Id": "broken", ', // 5: not JSON
      `{"CreationTime":"2026-03-02T09:14:05",\r"Id":"cr-inside","OrganizationId":"${A}"}`, // 6
      `{"Id":"soh","x":"\u0001"}`, // 7: \x01 (a raw control character: not JSON)
      record('r4', { OrganizationId: ` ${B.toUpperCase()} ` }), // 8: tenant trimmed, lower-cased
      record('r5', { OrganizationId: 42 }), // 9: not a string: tenant unknown
      record('r1'), // 10: a duplicate
      '[1,2]', // 11: not an object
    ];
    // CRLF endings: the carriage return is not part of the record.
    const { store, summary, file } = await importFile(lines.join('\r\n') + '\r\n');
    const f = summary.files[0]!;
    expect(f.error).toBeUndefined();
    expect([f.read, f.stored, f.duplicates, f.quarantined]).toEqual([10, 6, 1, 3]);
    const stored = await rows(store);
    const byId = new Map(stored.map((r) => [String(r.id), r]));
    expect([...byId.keys()].sort()).toEqual(['cr-inside', 'r1', 'r2', 'r3', 'r4', 'r5']);
    expect(byId.get('r2')!.message).toBe(lines[2]);
    expect(byId.get('r3')!.message).toBe(lines[3]);
    expect(byId.get('cr-inside')!.message).toBe(lines[5]);
    expect(byId.get('r4')!.tenant).toBe(B);
    expect(byId.get('r5')!.tenant).toBe('unknown');
    expect(byId.get('r1')!.tenant).toBe(A);
    expect(byId.get('r1')!.client).toBe(A);
    expect(f.tenants.get(A)).toBe(5);
    expect(f.tenants.get(B)).toBe(1);
    // Lines 5, 7, 9 and 11 name no tenant as a string.
    expect(f.tenants.get('unknown')).toBe(4);
    const quarantined = await store.quarantine(10);
    const byOrigin = new Map(quarantined.map((q) => [q.origin, q]));
    expect([...byOrigin.keys()].sort()).toEqual([`${file}:11`, `${file}:5`, `${file}:7`]);
    expect(byOrigin.get(`${file}:5`)!.reason).toBe('not valid JSON');
    expect(byOrigin.get(`${file}:5`)!.text).toBe(lines[4]);
    expect(byOrigin.get(`${file}:7`)!.text).toBe(lines[6]);
    expect(byOrigin.get(`${file}:11`)!.reason).toBe('not a JSON object');
    // Sequence numbers increase, and the staging files are gone.
    const seqs = stored.map((r) => Number(r._seq));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(stagingDirs().filter((d) => !before.has(d))).toEqual([]);
  });

  it('stages lines that span chunks of the file and a last line without a newline', async () => {
    // 3 MiB of records: every 1 MiB chunk of the file cuts a line in two.
    const lines = Array.from({ length: 3000 }, (_, i) =>
      record(`s-${i}`, { Pad: 'p'.repeat(1000) }),
    );
    const { store, summary } = await importFile(lines.join('\n'));
    expect([summary.files[0]!.read, summary.files[0]!.stored]).toEqual([3000, 3000]);
    const stored = await rows(store);
    expect(stored.map((r) => r.message).sort()).toEqual([...lines].sort());
  });

  it('keeps the first of an id across batches and across imports', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => record(`id-${i % 25}`, { N: i }));
    const { store, summary } = await importFile(lines.join('\n') + '\n', { batchSize: 7 });
    const f = summary.files[0]!;
    expect([f.read, f.stored, f.duplicates, f.quarantined]).toEqual([40, 25, 15, 0]);
    const stored = await rows(store);
    // Each id's row is its first line (N < 25).
    for (const r of stored) expect(JSON.parse(String(r.message)).N).toBeLessThan(25);
    const again = await importFile(lines.slice(20).join('\n') + '\n', { store, batchSize: 4 });
    expect([again.summary.files[0]!.stored, again.summary.files[0]!.duplicates]).toEqual([0, 20]);
    const max = await store.maxSeq();
    expect(Math.max(...stored.map((r) => Number(r._seq)))).toBeLessThanOrEqual(Number(max));
  });

  it.each(STORE_KINDS.filter((k) => k !== 'duckdb'))(
    'gives %s, which takes no files, the same rows as strings',
    async (kind) => {
      const content = [record('x1'), '{"Id": "broken", ', record('x2')].join('\n') + '\n';
      const { store, summary } = await importFile(content, { kind });
      const f = summary.files[0]!;
      expect([f.read, f.stored, f.quarantined]).toEqual([3, 2, 1]);
      expect(store.ingestsFiles ?? false).toBe(false);
    },
  );

  it('leaves no staging file behind when the store fails', async () => {
    const before = new Set(stagingDirs());
    const store = await openTestStore('duckdb', dir);
    await store.close();
    await expect(importFile(record('y') + '\n', { store })).rejects.toThrow();
    expect(stagingDirs().filter((d) => !before.has(d))).toEqual([]);
    expect(existsSync(dir)).toBe(true);
  });
});
