// Fuzzing the compiler: at least 100,000 queries, generated from the grammar and mutated from the
// seed and conformance queries, with a fixed seed (FUZZ_SEED, FUZZ_COUNT to change them). Every
// query either compiles or fails with a LinqError that has a position; no text of the query's
// literals or quoted names ever reaches the SQL (they are sentinels: `ZQX…`); and a sample of the
// accepted queries is prepared by DuckDB (and planned by ClickHouse), which must accept the SQL.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileLinq, type CompiledLinq } from '../../src/linq/compile.js';
import { registerLinqFunctions } from '../../src/linq/udf.js';
import { LinqError } from '../../src/linq/errors.js';
import { geoIpKeySql, geoIpKindsIn } from '../../src/store/clickhouse/geoip.js';
import { createCatalog, FAMILIES } from '../../src/store/schema.js';
import { chdbEngine, type RawEngine } from './helpers/engines.js';
import { generator, SENTINEL } from './helpers/fuzz-gen.js';
import { random } from './helpers/conformance-data.js';
import { SEEDS } from './helpers/seeds.js';

const COUNT = Number(process.env.FUZZ_COUNT ?? 100_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20260302);
const catalog = createCatalog();
const range = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-03T00:00:00Z') };

/**
 * The literals of m365hunt's own SQL for reading an address on ClickHouse (regular expressions
 * with brackets and anchors: src/store/clickhouse/geoip.ts), which are constants of the store,
 * not text of the query.
 */
const STORE_LITERALS = new Set([...geoIpKeySql('x').matchAll(/'([^']*)'/g)].map((m) => m[1]!));

/** A compiled query's SQL must not hold any user text. */
function checkSql(text: string, c: CompiledLinq): string | null {
  if (c.sql.includes(SENTINEL)) return 'a sentinel reached the SQL';
  for (const m of c.sql.matchAll(/'([^']*)'/g)) {
    if (!/^[A-Za-z0-9_ %.:,()\-/]*$/.test(m[1]!) && !STORE_LITERALS.has(m[1]!))
      return `unexpected literal '${m[1]}'`;
  }
  for (const m of c.sql.matchAll(/"([^"]*)"/g)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(m[1]!)) return `unexpected identifier "${m[1]}"`;
  }
  void text;
  return null;
}

describe('fuzzing the compiler', () => {
  let connection: DuckDBConnection;
  let instance: DuckDBInstance;
  let ch: RawEngine;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
    const types = {
      string: 'VARCHAR',
      int: 'BIGINT',
      float: 'DOUBLE',
      bool: 'BOOLEAN',
      timestamp: 'TIMESTAMP',
    };
    for (const f of FAMILIES) {
      await connection.run(
        `CREATE TABLE "${f.id}" (${f.columns.map((c) => `"${c.name}" ${types[c.type]}`).join(', ')})`,
      );
    }
    // The functions LINQ's DuckDB SQL may call (jq, GeoIP, ip6), as every store connection has them.
    registerLinqFunctions(connection);
    ch = await chdbEngine();
    for (const f of FAMILIES) await ch.load(f, []);
  });
  afterAll(async () => {
    connection?.closeSync();
    instance?.closeSync();
    await ch?.close();
  });

  it(`${COUNT} generated and mutated queries: no crash, no escape, SQL the engines accept`, async () => {
    const rnd = random(SEED);
    const gen = generator(rnd, Object.values(SEEDS));
    const problems: string[] = [];
    let accepted = 0;
    let prepared = 0;
    let planned = 0;
    const started = Date.now();
    for (let i = 0; i < COUNT && problems.length < 10; i++) {
      const text = gen.next();
      const dialect = rnd() < 0.75 ? 'duckdb' : 'clickhouse';
      let compiled: CompiledLinq;
      try {
        compiled = compileLinq(text, { dialect, catalog, ...range });
      } catch (e) {
        if (!(e instanceof LinqError)) {
          problems.push(`crash (${(e as Error).message}) on ${JSON.stringify(text)}`);
          continue;
        }
        const ok =
          e.offset >= 0 &&
          e.offset <= text.length &&
          e.line >= 1 &&
          e.column >= 1 &&
          e.length >= 1 &&
          e.render(text).includes('^');
        if (!ok)
          problems.push(
            `bad position ${e.offset}/${e.line}:${e.column} on ${JSON.stringify(text)}`,
          );
        continue;
      }
      accepted++;
      const bad = checkSql(text, compiled);
      if (bad) {
        problems.push(`${bad} in ${JSON.stringify(text)}`);
        continue;
      }
      if (dialect === 'duckdb' && accepted % 15 === 0) {
        try {
          const stmt = await connection.prepare(compiled.sql);
          stmt.destroySync();
          prepared++;
        } catch (e) {
          problems.push(
            `DuckDB rejects the SQL of ${JSON.stringify(text)}: ${(e as Error).message.split('\n')[0]}`,
          );
        }
      }
      // GeoIP reads dictionaries the ClickHouse store creates (test/enrich/geoip-clickhouse.test.ts
      // plans and runs those); this bare engine has only the tables.
      if (
        dialect === 'clickhouse' &&
        accepted % 30 === 0 &&
        geoIpKindsIn(compiled.sql).length === 0
      ) {
        try {
          await ch.raw(`EXPLAIN PLAN ${compiled.sql}`, compiled.params);
          planned++;
        } catch (e) {
          problems.push(
            `ClickHouse rejects the SQL of ${JSON.stringify(text)}: ${(e as Error).message.split('\n')[0]}`,
          );
        }
      }
    }
    console.log(
      `fuzz: ${COUNT} queries, ${accepted} accepted, ${prepared} prepared by DuckDB, ${planned} planned by ClickHouse, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(problems).toEqual([]);
    expect(accepted).toBeGreaterThan(COUNT / 50);
  });
});
