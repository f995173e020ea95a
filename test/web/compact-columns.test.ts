// The search grid's compact view of a wide answer, on real answers of the store: a LINQ `select`
// keeps the table's columns after the selected ones (Devo's meaning), so the grid must pick the
// columns an analyst reads first, and never lose one the query names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLinq } from '../../src/linq/index.js';
import type { Store } from '../../src/store/store.js';
import { defaultColumns } from '../../web/src/lib/compact-columns.js';
import type { Cell, Column } from '../../web/src/lib/types.js';
import { ingestNdjsonFile, openTestStore } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';
import { SEED_FILES, SEED_RANGE } from '../linq/helpers/fixtures.js';

let store: Store;
beforeAll(async () => {
  store = await openTestStore('duckdb', tempDir());
  for (const { file, hostchain } of SEED_FILES) await ingestNdjsonFile(store, file, { hostchain });
});
afterAll(async () => {
  await store?.close();
});

async function answer(text: string): Promise<{ columns: Column[]; rows: Cell[][] }> {
  const result = await runLinq(store, text, SEED_RANGE);
  const rows: Cell[][] = [];
  for await (const chunk of result.chunks()) for (const r of chunk) rows.push(r as Cell[]);
  return { columns: result.columns.map((c) => ({ name: c.name, type: c.type })), rows };
}

describe('defaultColumns', () => {
  it('shows who shared what with whom, from where, in reading order', async () => {
    const q = 'from cloud.office365.management.onedrive where Operation = "SharingSet"';
    const a = await answer(q);
    expect(a.rows.length).toBeGreaterThan(0);
    expect(a.columns.length).toBeGreaterThan(30);
    const shown = defaultColumns(a.columns, a.rows, q);
    expect(shown.length).toBeLessThanOrEqual(9);
    expect(shown.slice(0, 6)).toEqual([
      'eventdate',
      'Operation',
      'UserId',
      'ObjectId',
      'TargetUserOrGroupName',
      'srcIp',
    ]);
    // srcIp holds the address: the raw fields it came from are not shown twice.
    expect(shown).not.toContain('ClientIP');
    expect(shown).not.toContain('message');
  });

  it('keeps the columns a query selects first, a raw address field too when it is named', async () => {
    const q =
      'from cloud.office365.management where Operation = "UserLoggedIn" select ClientIP, UserAgent';
    const a = await answer(q);
    expect(a.rows.length).toBeGreaterThan(0);
    const shown = defaultColumns(a.columns, a.rows, q);
    expect(shown.slice(0, 3)).toEqual(['eventdate', 'ClientIP', 'UserAgent']);
  });

  it('shows a narrow answer whole, in its order', async () => {
    const q = 'from cloud.office365.management group by Workload select count() as events';
    const a = await answer(q);
    expect(defaultColumns(a.columns, a.rows, q)).toEqual(a.columns.map((c) => c.name));
  });
});
