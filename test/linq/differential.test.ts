// Differential fuzzing: generated queries that compile are run on DuckDB and on ClickHouse (chdb)
// over the seed records, and must give the same rows. Queries whose order is not fixed (limit
// without order by) are left out, as are values beyond 2^53 (the test reads ClickHouse's JSON).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileLinq } from '../../src/linq/compile.js';
import { LinqError } from '../../src/linq/errors.js';
import { createCatalog, MANAGEMENT } from '../../src/store/schema.js';
import { random } from './helpers/conformance-data.js';
import { chdbEngine, duckdbEngine, type RawEngine } from './helpers/engines.js';
import { seedRows, sorted } from './helpers/fixtures.js';
import { generator } from './helpers/fuzz-gen.js';
import { SEEDS } from './helpers/seeds.js';

const RUNS = Number(process.env.DIFF_RUNS ?? 400);
const SEED = Number(process.env.FUZZ_SEED ?? 11);
/** Errors an engine may raise at run time on a valid query (numbers out of range). */
const RUNTIME = /Overflow|out of int64 range|Out of Range|Conversion Error/i;

describe('DuckDB and ClickHouse give the same answers to generated queries', () => {
  let duck: RawEngine;
  let ch: RawEngine;
  beforeAll(async () => {
    duck = await duckdbEngine();
    ch = await chdbEngine();
    await duck.load(MANAGEMENT, seedRows());
    await ch.load(MANAGEMENT, seedRows());
  });
  afterAll(async () => {
    await duck?.close();
    await ch?.close();
  });

  it(`${RUNS} queries that run on both engines`, async () => {
    const catalog = createCatalog();
    const range = {
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-03-03T00:00:00Z'),
      now: new Date('2026-03-03T00:00:00Z'),
    };
    const gen = generator(random(SEED), Object.values(SEEDS));
    const problems: string[] = [];
    let ran = 0;
    for (let i = 0; ran < RUNS && i < RUNS * 40 && problems.length < 5; i++) {
      const text = gen.next();
      if (
        !text.includes('cloud.office365.management') ||
        /\blimit\b|9223372036854775807|6\.02e23/.test(text)
      ) {
        continue;
      }
      let a;
      let b;
      try {
        a = compileLinq(text, { dialect: 'duckdb', catalog, ...range });
        b = compileLinq(text, { dialect: 'clickhouse', catalog, ...range });
      } catch (e) {
        if (e instanceof LinqError) continue;
        throw e;
      }
      let ra;
      let rb;
      try {
        ra = sorted(await duck.run(a));
        rb = sorted(await ch.run(b));
      } catch (e) {
        const message = (e as Error).message.split('\n')[0]!;
        if (!RUNTIME.test(message)) problems.push(`${message.slice(0, 300)} :: ${text}`);
        continue;
      }
      ran++;
      if (JSON.stringify(ra) !== JSON.stringify(rb)) {
        problems.push(
          `${text}\n  DuckDB ${JSON.stringify(ra).slice(0, 400)}\n  ClickHouse ${JSON.stringify(rb).slice(0, 400)}`,
        );
      }
    }
    expect(problems).toEqual([]);
    expect(ran).toBe(RUNS);
  });
});
