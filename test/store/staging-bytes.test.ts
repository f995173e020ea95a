// The texts a batch stages reach the table byte for byte on every store kind: chdb stages them as a
// RowBinary file (src/store/clickhouse/ingest-binary.ts), a server as TabSeparated, DuckDB through
// its appender. Records a collector or an import can hand over: pretty-printed (raw newlines and
// tabs between tokens), backslashes, characters beyond the BMP, and one record larger than the
// staging file's write buffer (1 MiB).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { openTestStore, sharedChdbDir, STORE_KINDS } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
const TENANT = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';

function record(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    CreationTime: '2026-03-02T09:14:05',
    Id: id,
    Operation: 'FileAccessed',
    RecordType: 6,
    Workload: 'OneDrive',
    UserId: 'ana@contoso.com',
    ...extra,
  };
}

const TEXTS: Record<string, string> = {
  pretty: JSON.stringify(record('pretty'), null, '\t').replace(/\n/g, '\r\n'),
  backslashes: JSON.stringify(record('backslashes', { ObjectId: 'C:\\Users\\ana\\a\tb\\n.docx' })),
  astral: JSON.stringify(record('astral', { ObjectId: 'Angebot 🚀 für Müller — 東京.xlsx' })),
  // Over the 1 MiB buffer, with multi-byte characters so that bytes and characters differ.
  large: JSON.stringify(record('large', { Padding: 'é€'.repeat(400_000) })),
};

describe.each(STORE_KINDS)('staged texts in the %s store', (kind) => {
  let store: Store;
  afterEach(async () => {
    await store?.close();
  });

  it('stores every record text byte for byte, and quarantines with each record origin', async () => {
    store = await openTestStore(kind, dir);
    const names = Object.keys(TEXTS);
    const result = await store.ingest({
      sets: [
        {
          family: 'management',
          tenant: TENANT,
          client: 'contoso',
          hostchain: 'collector-12345-testhost',
          contentType: null,
          origin: 'export.json',
          records: [...names.map((n) => TEXTS[n]!), '{"Id":"no-time"}', 'not json\tat all\n'],
          recordOrigins: [
            ...names.map((n) => `export.json:${n}`),
            'export.json:7',
            'export.json:8',
          ],
        },
      ],
    });
    expect(result).toMatchObject({ inserted: names.length, quarantined: 2, duplicates: 0 });
    const rows = await store.queryAll({
      sql: `SELECT "Id", "ObjectId", message FROM management ORDER BY _seq`,
      params: [],
    });
    expect(rows.map((r) => r.Id)).toEqual(names);
    for (const [i, name] of names.entries()) expect(rows[i]!.message).toBe(TEXTS[name]);
    expect(rows[2]!.ObjectId).toBe('Angebot 🚀 für Müller — 東京.xlsx');
    expect(rows[1]!.ObjectId).toBe('C:\\Users\\ana\\a\tb\\n.docx');

    const quarantined = await store.quarantine();
    expect(quarantined.map((q) => [q.origin, q.text]).sort()).toEqual([
      ['export.json:7', '{"Id":"no-time"}'],
      ['export.json:8', 'not json\tat all\n'],
    ]);
    if (kind === 'chdb') {
      // Each staging file is deleted once the engine has loaded it.
      expect(readdirSync(join(sharedChdbDir(), 'm365hunt-staging'))).toEqual([]);
    }
  });
});
