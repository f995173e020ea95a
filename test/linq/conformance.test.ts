// The conformance set (docs/linq.md, "The conformance set"): every query parses; those that fit the
// tables run on DuckDB and on ClickHouse (chdb) over the same rows and give the same answer (and a
// non-empty one); the ones that need GeoIP fail with a positioned message; the negative vectors
// fail where they should.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileLinq } from '../../src/linq/compile.js';
import { baseFunctions } from '../../src/linq/functions/index.js';
import { LinqError } from '../../src/linq/errors.js';
import { parseLinq } from '../../src/linq/parser.js';
import { createCatalog } from '../../src/store/schema.js';
import { chdbEngine, duckdbEngine, type RawEngine, type ResultRow } from './helpers/engines.js';
import { CONFORMANCE, NEGATIVE } from './helpers/conformance.js';
import {
  CONFORMANCE_FAMILIES,
  CONFORMANCE_RANGE,
  conformanceCatalog,
  conformanceRows,
} from './helpers/conformance-data.js';
import { sorted } from './helpers/fixtures.js';

const catalog = conformanceCatalog();
const rangeOf = (text: string) =>
  text.includes('cloud.office365.management')
    ? CONFORMANCE_RANGE.management
    : CONFORMANCE_RANGE.other;

describe('conformance set: parsing', () => {
  it.each(CONFORMANCE.map((c) => [c.id, c.text]))('9.%s parses', (_id, text) => {
    const q = parseLinq(text);
    expect(q.from.name.length).toBeGreaterThan(0);
  });
});

describe('conformance set: negative vectors', () => {
  it.each(NEGATIVE.map((n) => [n.text, n]))('%s', (_t, n) => {
    let error: unknown;
    try {
      compileLinq(n.text, { dialect: 'duckdb', catalog, ...CONFORMANCE_RANGE.other });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LinqError);
    const e = error as LinqError;
    expect(e.message).toMatch(n.message);
    expect(n.text.slice(e.offset, e.offset + e.length)).toBe(n.at);
    expect(e.render(n.text)).toContain('^');
  });
});

describe('conformance set: DuckDB and ClickHouse agree', () => {
  let duck: RawEngine;
  let ch: RawEngine;
  beforeAll(async () => {
    duck = await duckdbEngine();
    ch = await chdbEngine();
    const rows = conformanceRows();
    for (const f of CONFORMANCE_FAMILIES) {
      await duck.load(f, rows.get(f.id) ?? []);
      await ch.load(f, rows.get(f.id) ?? []);
    }
  });
  afterAll(async () => {
    await duck?.close();
    await ch?.close();
  });

  const results = new Map<string, ResultRow[]>();
  const runnable = CONFORMANCE.filter((c) => !c.error);

  it.each(runnable.map((c) => [c.id, c.text]))('9.%s', async (id, text) => {
    const out: ResultRow[][] = [];
    for (const engine of [duck, ch]) {
      const compiled = compileLinq(text, { dialect: engine.dialect, catalog, ...rangeOf(text) });
      out.push(sorted(await engine.run(compiled)));
    }
    expect(out[1]).toEqual(out[0]);
    expect(out[0]!.length).toBeGreaterThan(0);
    results.set(id, out[0]!);
  });

  it.each(CONFORMANCE.filter((c) => c.error).map((c) => [c.id, c.text, c.error!]))(
    '9.%s fails with a positioned message',
    (_id, text, message) => {
      for (const dialect of ['duckdb', 'clickhouse'] as const) {
        // The base table: these fail for want of a GeoIP database (Devo's has cities).
        expect(() =>
          compileLinq(text, { dialect, catalog, ...rangeOf(text), functions: baseFunctions() }),
        ).toThrow(message);
      }
    },
  );

  it('answers that can be checked by hand', () => {
    // 9.13: only the change that widened the trusted IPs
    expect(results.get('13')?.map((r) => [r.numOldAllowedIPs, r.numNewAllowedIPs])).toEqual([
      ['1', '2'],
    ]);
    // 9.14: the forwarding address cut out of Parameters_Raw, three mailboxes within one bucket
    expect(results.get('14')?.map((r) => [r.ForwardingAddress, r.Identity_count])).toEqual([
      ['exfil@proton.me', '3'],
    ]);
    // 9.10: twelve failures on one account within five minutes; the last address is carried
    expect(
      results
        .get('10')
        ?.map((r) => [r.UserId, r.failedAttempts, r.entity_sourceIP, r.entity_sourceAccount]),
    ).toEqual([['ana@contoso.com', '12', '45.9.148.11', 'ana@contoso.com']]);
    // 9.18: the scanner, and nothing else, contacts more than 100 hosts in ten minutes
    expect(new Set(results.get('18')?.map((r) => r.srcIp))).toEqual(new Set(['10.0.0.66']));
    // 9.15: sizes in KiB from the integer division, the app account left out
    expect(results.get('15')?.every((r) => Number(r.FileSizeKiloBytes) >= 12)).toBe(true);
    expect(results.get('15')?.map((r) => r.entity_sourceName)).not.toContain('app');
    // 9.19c: only users seen in the navigation table between the two times
    const users = new Set(results.get('19c')?.map((r) => r.username));
    expect([...users].sort()).toEqual(['alice', 'carol']);
    // 9.6c: the regular expression is a search, not a full match
    expect(results.get('6c')?.some((r) => r.fieldname1 === 'abc')).toBe(false);
  });

  it("the management queries run on the real schema too: Devo's names resolve from the record", () => {
    const real = createCatalog();
    for (const id of ['13', '14', '16']) {
      const q = CONFORMANCE.find((c) => c.id === id)!.text;
      expect(() =>
        compileLinq(q, { dialect: 'duckdb', catalog: real, ...CONFORMANCE_RANGE.management }),
      ).not.toThrow();
    }
  });
});
