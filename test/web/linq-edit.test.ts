// The app's query edits (filter for / out, drill-down from a group) give queries the compiler
// accepts and that mean what the analyst clicked: checked with the real compiler and store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileLinq, runLinq } from '../../src/linq/index.js';
import { createCatalog } from '../../src/store/schema.js';
import type { Store } from '../../src/store/store.js';
import { addFilter, drillQuery, isGrouped } from '../../web/src/lib/linq-edit.js';
import { ingestNdjsonFile, openTestStore } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';
import { SEED_FILES, SEED_RANGE } from '../linq/helpers/fixtures.js';

const compiles = (text: string) =>
  compileLinq(text, { dialect: 'duckdb', catalog: createCatalog(), ...SEED_RANGE });

let store: Store;
beforeAll(async () => {
  store = await openTestStore('duckdb', tempDir());
  for (const { file, hostchain } of SEED_FILES) await ingestNdjsonFile(store, file, { hostchain });
});
afterAll(async () => {
  await store?.close();
});

async function rows(text: string): Promise<Array<Record<string, unknown>>> {
  const result = await runLinq(store, text, SEED_RANGE);
  const out: Array<Record<string, unknown>> = [];
  for await (const chunk of result.chunks())
    for (const r of chunk)
      out.push(Object.fromEntries(result.columns.map((c, i) => [c.name, r[i]])));
  return out;
}

describe('query edits', () => {
  it('filters for and out a value, before an order/limit tail', async () => {
    const base = 'from cloud.office365.management select Workload, Operation, UserId';
    const only = addFilter(base, 'Workload', 'SharePoint');
    const all = await rows(base);
    const kept = await rows(only);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.every((r) => r.Workload === 'SharePoint')).toBe(true);
    const out = await rows(addFilter(base, 'Workload', 'SharePoint', true));
    expect(out.length + kept.length).toBe(
      all.length - all.filter((r) => r.Workload === null).length,
    );
    const tail = addFilter(`${base} order by Workload limit 5`, 'Operation', 'FileDownloaded');
    expect(() => compiles(tail)).not.toThrow();
    expect(tail.trimEnd().endsWith('order by Workload limit 5')).toBe(true);
    // A string with quotes and a keyword inside it is one literal.
    const odd = addFilter(base, 'UserId', 'o"brien limit 5 @x.com');
    expect(() => compiles(odd)).not.toThrow();
    // An empty value: isnull / isnotnull.
    expect(addFilter(base, 'UserId', null)).toMatch(/where isnull\(UserId\)$/);
    // A field of the raw record, not a column.
    expect(() => compiles(addFilter(base, 'SiteUrl/x', 'a'))).not.toThrow();
    expect(addFilter(base, 'ClientIP', '1.2.3.4', false, true)).toMatch(
      /where str\(jsonparse\(message\)\["ClientIP"\]\) = "1.2.3.4"$/,
    );
    expect(() => compiles(addFilter(base, 'ClientIP', '1.2.3.4', false, true))).not.toThrow();
  });

  it('drills from a group to its records, a key made in the group clause by its expression', async () => {
    const grouped =
      'from cloud.office365.management where Operation = "UserLoggedIn" or Operation = "UserLoginFailed" group by Operation, ActorIpAddress, UserId, split(hostchain,"-",1) as collector_id select count() as n order by n desc limit 3';
    expect(isGrouped(grouped)).toBe(true);
    const groups = await rows(grouped);
    const g = groups[0]!;
    const drilled = drillQuery(grouped, [
      { field: 'UserId', value: g.UserId as string },
      { field: 'collector_id', value: g.collector_id as string },
    ]);
    expect(isGrouped(drilled)).toBe(false);
    const records = await rows(drilled);
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.UserId === g.UserId)).toBe(true);
    // Every group's records, the group's count of them.
    const op = await rows(
      drillQuery(grouped, [
        { field: 'Operation', value: g.Operation as string },
        { field: 'ActorIpAddress', value: g.ActorIpAddress as string },
        { field: 'UserId', value: g.UserId as string },
        { field: 'collector_id', value: g.collector_id as string },
      ]),
    );
    expect(op.length).toBe(Number(g.n));
  });

  it('drills from a time bucket of `group every`', () => {
    const q = 'from cloud.office365.management group every 1h by Workload select count() as events';
    expect(drillQuery(q, [{ field: 'Workload', value: 'Exchange' }])).toBe(
      'from cloud.office365.management\nwhere Workload = "Exchange"',
    );
  });
});
