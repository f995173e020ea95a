// Lookups (docs/lookups.md): loaded from CSV into the store as versions, read by `lu(…)` and
// `` `lu/L/col`(…) `` in any clause, typed by their columns; unknown lookups and columns are
// positioned errors. The same answers on DuckDB, ClickHouse in process and over the client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileLinq } from '../../src/linq/compile.js';
import { LinqError } from '../../src/linq/errors.js';
import { parseLookupCsv } from '../../src/lookups/csv.js';
import {
  listLookups,
  loadLookupCatalog,
  readLookupRows,
  saveLookupVersion,
  setCurrentVersion,
} from '../../src/store/lookups.js';
import { createCatalog } from '../../src/store/schema.js';
import type { Store } from '../../src/store/store.js';
import { ingestNdjsonFile, openTestStore, STORE_KINDS } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';
import { storeEngine, type Engine } from './helpers/engines.js';
import { SEED_FILES, SEED_RANGE } from './helpers/fixtures.js';

const ROLES = `key,class,tier,vip
ana@contoso.com,finance,1,true
bob@contoso.com,sales,2,false
203.0.113.44,office-egress,,false
`;

const M = 'from cloud.office365.management';

describe.each(STORE_KINDS)('lookups on %s', (kind) => {
  let store: Store;
  let engine: Engine;
  const catalog = createCatalog();
  beforeAll(async () => {
    store = await openTestStore(kind, tempDir());
    for (const { file, hostchain } of SEED_FILES)
      await ingestNdjsonFile(store, file, { hostchain, client: 'contoso' });
    const parsed = parseLookupCsv(ROLES);
    await saveLookupVersion(store, {
      name: 'SecOpsAssetRole',
      ...parsed,
      by: 'test',
      source: 'roles.csv',
    });
    engine = await storeEngine(kind, store);
  });
  afterAll(async () => {
    await engine?.close();
  });

  const run = async (text: string) =>
    engine.run(
      compileLinq(text, {
        dialect: engine.dialect,
        catalog,
        ...SEED_RANGE,
        lookups: await loadLookupCatalog(store),
        tableColumns: false,
      }),
    );

  it('lu(…) and `lu/L/col`(…) give the row of the key, typed; null when no row has it', async () => {
    const rows = await run(
      `${M}.azureactivedirectory where Operation = "UserLoggedIn" select UserId, lu("SecOpsAssetRole", "class", UserId) as class, \`lu/SecOpsAssetRole/tier\`(UserId) as tier, lu("SecOpsAssetRole", "vip", UserId) as vip, lu("SecOpsAssetRole", "class", ClientIP) as net`,
    );
    // in event-time order: ana 07:59:56 and 08:15:00, carol 08:16:30, ana 08:30:12
    expect(rows.map((r) => [r.UserId, r.class, r.tier, r.vip, r.net])).toEqual([
      ['ana@contoso.com', 'finance', '1', true, 'office-egress'],
      ['ana@contoso.com', 'finance', '1', true, 'office-egress'],
      ['carol@contoso.com', null, null, null, null],
      ['ana@contoso.com', 'finance', '1', true, 'office-egress'],
    ]);
  });

  it('in where, group keys and after group (the 4-argument form too)', async () => {
    const rows = await run(
      `${M} where isnotnull(lu("SecOpsAssetRole", "class", UserId)) group by lu("SecOpsAssetRole", "class", UserId) as class select count() as n, lu("domain", "SecOpsAssetRole", "tier", first(UserId)) as tier`,
    );
    // ana's 16 records in range, bob's 2 (a failed sign-in, a chat); ordered by the key
    expect(rows.map((r) => [r.class, r.n, r.tier])).toEqual([
      ['finance', '16', '1'],
      ['sales', '2', '2'],
    ]);
  });

  it('a new version replaces the old one for queries; an earlier one can be made current again', async () => {
    const v2 = parseLookupCsv('key,class\nana@contoso.com,board\n');
    await saveLookupVersion(store, {
      name: 'SecOpsAssetRole',
      ...v2,
      by: 'test',
      source: 'v2.csv',
    });
    const q = `${M} where Id = "8133912e-b888-4849-b8fb-070710b35400" select lu("SecOpsAssetRole", "class", UserId) as c`;
    expect((await run(q)).map((r) => r.c)).toEqual(['board']);
    const docs = await listLookups(store);
    expect(docs[0]!.versions.map((v) => [v.version, v.rows, v.source])).toEqual([
      [1, 3, 'roles.csv'],
      [2, 1, 'v2.csv'],
    ]);
    expect(await readLookupRows(store, docs[0]!.versions[0]!)).toEqual([
      { key: 'ana@contoso.com', class: 'finance', tier: 1, vip: true },
      { key: 'bob@contoso.com', class: 'sales', tier: 2, vip: false },
      { key: '203.0.113.44', class: 'office-egress', tier: null, vip: false },
    ]);
    await setCurrentVersion(store, 'SecOpsAssetRole', 1);
    expect((await run(q)).map((r) => r.c)).toEqual(['finance']);
  });
});

describe('lookup mistakes', () => {
  const lookups = new Map([
    [
      'SecOpsAssetRole',
      {
        name: 'SecOpsAssetRole',
        version: 1,
        versionId: 'SecOpsAssetRole@1-x',
        key: 'key',
        columns: [
          { name: 'key', type: 'str' as const },
          { name: 'class', type: 'str' as const },
        ],
        history: [],
      },
    ],
  ]);
  const compile = (text: string) =>
    compileLinq(text, { dialect: 'duckdb', catalog: createCatalog(), ...SEED_RANGE, lookups });
  const error = (text: string): LinqError => {
    try {
      compile(text);
    } catch (e) {
      if (e instanceof LinqError) return e;
      throw e;
    }
    throw new Error('no error');
  };

  it('an unknown lookup is a positioned error naming it', () => {
    const text = `${M} select lu("SecOpsAssetRol", "class", UserId) as c`;
    const e = error(text);
    expect(e.message).toBe('Unknown lookup `SecOpsAssetRol`');
    expect(text.slice(e.offset, e.offset + e.length)).toBe('"SecOpsAssetRol"');
    expect(e.hint).toContain('SecOpsAssetRole');
    const form = `${M} select \`lu/mispIndicator/type\`(UserId) as t`;
    const q = error(form);
    expect(q.message).toBe('Unknown lookup `mispIndicator`');
    expect(form.slice(q.offset, q.offset + q.length)).toBe('mispIndicator');
  });

  it('an unknown column names the lookup and its columns', () => {
    const e = error(`${M} select lu("SecOpsAssetRole", "klass", UserId) as c`);
    expect(e.message).toBe('The lookup `SecOpsAssetRole` has no column `klass`');
    expect(e.hint).toContain('class');
  });
});

describe('lookups from CSV', () => {
  it('infers column types, takes the first column as key unless told, and says where a CSV is wrong', () => {
    const p = parseLookupCsv(
      'ip,asn,score,ok,note\n10.0.0.1,64500,0.5,TRUE,\n10.0.0.2,64501,1,false,x\n',
    );
    expect(p.key).toBe('ip');
    expect(p.columns).toEqual([
      { name: 'ip', type: 'str' },
      { name: 'asn', type: 'int' },
      { name: 'score', type: 'float' },
      { name: 'ok', type: 'bool' },
      { name: 'note', type: 'str' },
    ]);
    expect(p.rows[0]).toEqual({ ip: '10.0.0.1', asn: 64500, score: 0.5, ok: true, note: null });
    expect(parseLookupCsv('a,b\n1,2\n', { key: 'b' }).columns[1]).toEqual({
      name: 'b',
      type: 'str',
    });
    expect(() => parseLookupCsv('a,b\n1,2,3\n')).toThrow(/line 2: 3 fields where the header has 2/);
    expect(() => parseLookupCsv('a,a\n1,2\n')).toThrow(/named twice/);
    expect(() => parseLookupCsv('a,b\n1,2\n', { key: 'c' })).toThrow(/no column `c`/);
  });
});
