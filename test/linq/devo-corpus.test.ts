// A corpus of real LINQ from public sources (test/fixtures/devo/corpus.json, each query with where
// it comes from): Devo's repositories (app builder tutorials and tests, SDK docs and tests, the
// Grafana data source), the Sigma backend for Devo (expected outputs, by Devo), Devo's query and
// alert library, plus the conformance set and the seed queries. Every query parses; every query
// compiles given its tables' columns (taken from the query itself when m365hunt does not have the
// table), except those listed below with the reason, which is what Devo would also refuse or what
// m365hunt refuses on purpose (docs/linq.md).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileLinq } from '../../src/linq/compile.js';
import { LinqError } from '../../src/linq/errors.js';
import { parseLinq } from '../../src/linq/parser.js';
import { lookupCatalog, type LookupDoc } from '../../src/store/lookups.js';
import {
  createCatalog,
  type Catalog,
  type ColumnDef,
  type LogicalTable,
  type TableFamily,
} from '../../src/store/schema.js';
import { parseLookupCsv } from '../../src/lookups/csv.js';
import { CONFORMANCE } from './helpers/conformance.js';
import { DEVO_DIR, DEVO_LOOKUPS } from './helpers/devo-library.js';
import { SEEDS } from './helpers/seeds.js';

interface Entry {
  readonly source: string;
  readonly text: string;
}

const CORPUS: Entry[] = [
  ...(JSON.parse(readFileSync(`${DEVO_DIR}corpus.json`, 'utf8')) as Entry[]),
  ...CONFORMANCE.filter((c) => !c.error).map((c) => ({
    source: `reference conformance set 9.${c.id}`,
    text: c.text,
  })),
  ...Object.entries(SEEDS).map(([n, text]) => ({ source: `seed #${n}`, text })),
];

/** Queries that do not compile, and why (matched against the error). */
const REFUSED: ReadonlyArray<readonly [string, RegExp]> = [
  // Devo's own test mock of a query Devo refuses (its mock of a wrong field name compiles here:
  // the corpus gives every table the columns its queries name)
  ['from siem.logtrust.web.activity select ip10(srcHost) as ip', /No function named `ip10`/],
  // a typo in Devo's widget tutorial (two `from`)
  ['from demo.ecommerce.data\nfrom demo.ecommerce.data', /Expected|`from`/],
  // Sigma: a function the backend's test invents
  ['select func(fieldname1)', /No function named `func`/],
  // Sigma: an aggregate with no group (Devo's acceptance is unverified; m365hunt asks for `group`)
  ['select count(*) as agg where agg > 1', /needs a `group` before it/],
  // bucket alignment on an origin (the app builder rewrites it away for the UI)
  ['every 1m | midnight(', /Aligning buckets/],
];

const lookups = lookupCatalog(
  DEVO_LOOKUPS.map((name): LookupDoc => {
    const p = parseLookupCsv(readFileSync(`${DEVO_DIR}${name}.csv`, 'utf8'));
    return {
      name,
      current: 1,
      versions: [
        {
          version: 1,
          id: `${name}@1`,
          loadedAt: '2026-03-01T00:00:00.000Z',
          by: 'test',
          source: 'test',
          rows: p.rows.length,
          key: p.key,
          columns: p.columns,
          sha256: '',
        },
      ],
    };
  }),
);

/**
 * m365hunt's tables, and any other table with the columns the query names: the corpus measures
 * the language (syntax, operators, functions, types), not which tables exist.
 */
function inferringCatalog(columns: Map<string, Set<string>>): Catalog {
  const real = createCatalog();
  const family = (name: string): TableFamily => ({
    id: name.replace(/\W/g, '_'),
    table: name,
    idPath: 'Id',
    timePath: 'eventdate',
    ipPaths: [],
    columns: [
      { name: 'eventdate', type: 'timestamp', derived: 'eventdate', doc: '' },
      ...[...(columns.get(name) ?? [])].map((c): ColumnDef => ({
        name: c,
        type: 'string',
        paths: [c],
        doc: '',
      })),
    ],
  });
  return {
    resolve(name): LogicalTable | undefined {
      return real.resolve(name) ?? { name, family: family(name), description: '' };
    },
    names: () => real.names(),
    columns: (f) => (real.names().includes(f.table ?? '') ? real.columns(f) : f.columns),
  };
}

function compiles(e: Entry): string | null {
  const columns = new Map<string, Set<string>>();
  // the tables the query reads, its subqueries' too: a name it does not know is given to each
  const tables = [...e.text.matchAll(/\bfrom\s+([\w.]+)/g)]
    .map((m) => m[1]!)
    .filter((t) => !createCatalog().resolve(t));
  for (let attempt = 0; attempt < 60; attempt++) {
    try {
      compileLinq(e.text, {
        dialect: 'duckdb',
        catalog: inferringCatalog(columns),
        from: new Date('2026-03-01T00:00:00Z'),
        to: new Date('2026-03-02T00:00:00Z'),
        lookups,
      });
      return null;
    } catch (error) {
      if (!(error instanceof LinqError)) throw error;
      const unknown = /^Unknown identifier `(\w+)`$/.exec(error.message)?.[1];
      if (!unknown || tables.length === 0) return error.message;
      for (const t of tables) columns.set(t, new Set([...(columns.get(t) ?? []), unknown]));
    }
  }
  return 'too many unknown columns';
}

describe('the corpus of real LINQ', () => {
  const results = CORPUS.map((e) => {
    let parsed: string | null = null;
    try {
      parseLinq(e.text);
    } catch (error) {
      parsed = (error as Error).message;
    }
    return { e, parsed, compiled: parsed ? parsed : compiles(e) };
  });

  it('holds queries from every public source', () => {
    const sources = new Set(CORPUS.map((e) => e.source.split('/').slice(0, 2).join('/')));
    expect(CORPUS.length).toBeGreaterThan(120);
    for (const s of ['DevoInc/applications-builder', 'DevoInc/python-sdk', 'SigmaHQ/sigma'])
      expect(sources).toContain(s);
  });

  it('every query compiles, or is refused for the reason listed', () => {
    const refused = results.filter((r) => r.compiled !== null);
    for (const r of refused) {
      const known = REFUSED.find(([part]) => r.e.text.includes(part));
      expect(known, `${r.e.source}\n${r.e.text}\n→ ${r.compiled}`).toBeDefined();
      expect(r.compiled).toMatch(known![1]);
    }
    const ok = results.length - refused.length;
    console.log(
      `LINQ corpus: ${results.length} queries, ${results.filter((r) => !r.parsed).length} parse, ${ok} compile`,
    );
    expect(ok).toBeGreaterThanOrEqual(results.length - REFUSED.length - 2);
  });
});
