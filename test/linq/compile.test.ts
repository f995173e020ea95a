// compileLinq as a library: placeholders and parameters per dialect, the columns it promises, the
// alert engine's options, replaceable functions, and no user text ever inside the SQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileLinq } from '../../src/linq/compile.js';
import { scalar } from '../../src/linq/functions/types.js';
import { withFunctions } from '../../src/linq/functions/index.js';
import { lit } from '../../src/linq/build.js';
import { createCatalog, MANAGEMENT } from '../../src/store/schema.js';
import { chdbEngine, duckdbEngine, type RawEngine } from './helpers/engines.js';
import { seedRows } from './helpers/fixtures.js';

const catalog = createCatalog();
const range = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-03T00:00:00Z') };
const M = 'from cloud.office365.management';

/** Every quoted string of the SQL text (the compiler's own constants only). */
const literals = (sql: string) => [...sql.matchAll(/'([^']*)'/g)].map((m) => m[1]!);

describe('compileLinq', () => {
  it('binds literals as numbered parameters, DuckDB style ($1::TYPE)', () => {
    const c = compileLinq(`${M} where UserId = "ana@contoso.com", RecordType > 5`, {
      dialect: 'duckdb',
      catalog,
      ...range,
    });
    expect(c.sql).toContain('"UserId" = $3::VARCHAR');
    expect(c.sql).toContain('"RecordType" > $4::BIGINT');
    expect(c.params).toEqual([
      '2026-03-01 00:00:00.000',
      '2026-03-03 00:00:00.000',
      'ana@contoso.com',
      5n,
    ]);
    expect(c.sql).toContain('"eventdate" >= $1::TIMESTAMP');
    expect(c.sql).toContain('"eventdate" < $2::TIMESTAMP');
  });

  it('binds literals as typed named parameters, ClickHouse style ({p1:Type})', () => {
    const c = compileLinq(`${M}.exchange where UserId = "ana@contoso.com"`, {
      dialect: 'clickhouse',
      catalog,
      ...range,
    });
    expect(c.sql).toContain('"eventdate" >= {p1:DateTime64(3, \'UTC\')}');
    expect(c.sql).toContain('"_subtable" = {p3:String}');
    expect(c.sql).toContain('"UserId" = {p4:String}');
    expect(c.params).toEqual([
      '2026-03-01 00:00:00.000',
      '2026-03-03 00:00:00.000',
      'exchange',
      'ana@contoso.com',
    ]);
  });

  it('describes its columns: §2.4 order, names as written, types', () => {
    const c = compileLinq(
      `${M} select UserId select lower(Operation) as op, jsonparse(message)["AttachmentName"], srcIp <- 10.0.0.0/8`,
      { dialect: 'duckdb', catalog, ...range },
    );
    expect(c.grouped).toBe(false);
    // the selected and created columns first, then every column of the table (Devo's answer)
    const table = catalog.columns(MANAGEMENT).map((x) => x.name);
    expect(c.columns.map((x) => [x.name, x.type, x.origin])).toEqual([
      ['UserId', 'str', 'query'],
      ['op', 'str', 'query'],
      ['jsonparse(message)["AttachmentName"]', 'json', 'query'],
      ['srcIp <- 10.0.0.0/8', 'bool', 'query'],
      ...table
        .filter((n) => n !== 'UserId')
        .map((n) => [n, c.columns.find((x) => x.name === n)!.type, 'table']),
    ]);
    expect(c.columns.find((x) => x.name === 'eventdate')!.type).toBe('timestamp');
    // callers that read named columns only (the alert engine) ask for the selected ones alone
    const narrow = compileLinq(
      `${M} select UserId select lower(Operation) as op, jsonparse(message)["AttachmentName"], srcIp <- 10.0.0.0/8`,
      { dialect: 'duckdb', catalog, ...range, tableColumns: false },
    );
    expect(narrow.columns.map((x) => x.name)).toEqual([
      'UserId',
      'op',
      'jsonparse(message)["AttachmentName"]',
      'srcIp <- 10.0.0.0/8',
      'eventdate',
    ]);
    const g = compileLinq(`${M} group every 1h by UserId select count() as n, hllppcount(srcIp)`, {
      dialect: 'duckdb',
      catalog,
      ...range,
    });
    expect(g.grouped).toBe(true);
    expect(g.columns.map((x) => [x.name, x.type])).toEqual([
      ['eventdate', 'timestamp'],
      ['UserId', 'str'],
      ['n', 'int'],
      ['hllppcount(srcIp)', 'float'],
    ]);
    const all = compileLinq(M, { dialect: 'duckdb', catalog, ...range });
    expect(all.columns.map((x) => x.name)).toEqual(catalog.columns(MANAGEMENT).map((x) => x.name));
  });

  it('explains: the SQL, each parameter and each column', () => {
    const text = compileLinq(`${M} where UserId = "x"`, {
      dialect: 'duckdb',
      catalog,
      ...range,
    }).explain();
    expect(text).toContain('-- duckdb SQL');
    expect(text).toContain('$3 = "x"  (str)');
    expect(text).toContain('-- columns');
  });

  it("caps rows with a limit and keeps the query's smaller limit", () => {
    const a = compileLinq(`${M} limit 5`, { dialect: 'duckdb', catalog, ...range, limit: 100 });
    expect(a.params.at(-1)).toBe(5n);
    const b = compileLinq(`${M} limit 500`, { dialect: 'duckdb', catalog, ...range, limit: 100 });
    expect(b.params.at(-1)).toBe(100n);
  });

  it('hostile text stays in parameters, whatever it holds', () => {
    const hostile = [
      "'); DROP TABLE management; --",
      '"; DROP TABLE "management',
      "$1 {p1:String} \\' \\\\ ` ",
      '\u0000\u2028 ñ 🙂',
    ];
    for (const dialect of ['duckdb', 'clickhouse'] as const) {
      for (const h of hostile) {
        const quoted = JSON.stringify(h);
        const c = compileLinq(
          `${M} where UserId = ${quoted} or weakhas(UserId, ${quoted}) or toktains(UserId, ${quoted}) or matches(UserId, nameglob(${quoted})) select str(jsonparse(message)[${quoted}]) as \`${h.replace(/`/g, '')}\``,
          { dialect, catalog, ...range },
        );
        expect(c.sql).not.toContain('DROP');
        expect(c.sql).not.toContain('🙂');
        for (const l of literals(c.sql)) expect(l).toMatch(/^[A-Za-z0-9_ %.:,()\-/]*$/);
        expect(c.params).toContain(h);
        const created = c.columns.filter((x) => x.origin === 'query').at(-1)!;
        expect(created.name).toBe(h.replace(/`/g, ''));
        expect(created.sqlName).toMatch(/^__c\d+$/);
      }
    }
  });

  it('reads only new rows for the alert engine, and can return their _seq', () => {
    const c = compileLinq(`${M} where Operation = "FileDownloaded"`, {
      dialect: 'duckdb',
      catalog,
      ...range,
      seqRange: [10n, 20n],
      keepSeq: true,
    });
    expect(c.sql).toContain('"_seq" > $3::BIGINT');
    expect(c.sql).toContain('"_seq" <= $4::BIGINT');
    expect(c.columns.at(-1)).toEqual({
      name: '_seq',
      type: 'int',
      sqlName: '_seq',
      origin: 'table',
    });
    // rows in event-time order, then ingest order
    expect(c.sql).toMatch(
      /ORDER BY "eventdate" ASC NULLS LAST, "_seq" ASC NULLS LAST\nLIMIT|ORDER BY "eventdate" ASC NULLS LAST, "_seq" ASC NULLS LAST$/,
    );
    const grouped = compileLinq(`${M} group by UserId`, {
      dialect: 'duckdb',
      catalog,
      ...range,
      keepSeq: true,
    });
    expect(grouped.columns.map((x) => x.name)).toEqual(['UserId']);
  });

  it('takes a function table: GeoIP functions can be provided later', () => {
    const functions = withFunctions([
      scalar({
        name: 'countrycode',
        signature: 'countrycode(ip)',
        doc: 'test stand-in',
        min: 1,
        max: 1,
        check: () => lit('ES', 'str'),
      }),
    ]);
    const c = compileLinq(`${M} select countrycode(srcIp) as cc`, {
      dialect: 'duckdb',
      catalog,
      ...range,
      functions,
    });
    expect(c.params).toContain('ES');
  });
});

describe.each([
  ['duckdb', duckdbEngine],
  ['clickhouse', chdbEngine],
] as const)('running on %s', (_n, open) => {
  let engine: RawEngine;
  beforeAll(async () => {
    engine = await open();
    await engine.load(MANAGEMENT, seedRows());
  });
  afterAll(async () => {
    await engine?.close();
  });
  const run = (text: string, extra: object = {}) =>
    engine.run(compileLinq(text, { dialect: engine.dialect, catalog, ...range, ...extra }));

  it('hostile values match as data', async () => {
    const rows = await run(
      `${M} where UserId = "'); DROP TABLE management; --" or Id = "8133912e-b888-4849-b8fb-070710b35400" select Id`,
    );
    expect(rows.map((r) => r.Id)).toEqual(['8133912e-b888-4849-b8fb-070710b35400']);
    // 46 records, two duplicates, one out of range
    expect((await run(`${M} group select count() as n`))[0]!.n).toBe('43');
  });

  it('the half-open range excludes its end', async () => {
    const to = new Date('2026-03-02T07:59:56Z');
    const before = await run(`${M} select Id`, { from: range.from, to });
    expect(before).toEqual([]);
    const at = await run(`${M} select Id`, { from: to, to: new Date(to.getTime() + 1000) });
    expect(at.map((r) => r.Id)).toEqual(['8133912e-b888-4849-b8fb-070710b35400']);
  });

  it('seqRange and keepSeq', async () => {
    const rows = await run(`${M}.azureactivedirectory select UserId`, {
      seqRange: [1n, 3n],
      keepSeq: true,
    });
    expect(rows.map((r) => [r.UserId, r._seq])).toEqual([
      ['ana@contoso.com', '2'],
      ['ana@contoso.com', '3'],
    ]);
  });

  it('column names that are not identifiers come back under their LINQ names', async () => {
    const rows = await run(
      `${M} where Id = "8133912e-b888-4849-b8fb-070710b35400" select lower(UserId), 1 + 1 as \`two words\``,
    );
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!).slice(0, 3)).toEqual(['lower(UserId)', 'two words', 'eventdate']);
    expect(rows[0]).toMatchObject({
      eventdate: '2026-03-02 07:59:56.000',
      'lower(UserId)': 'ana@contoso.com',
      'two words': '2',
      UserId: 'ana@contoso.com',
    });
  });
});
