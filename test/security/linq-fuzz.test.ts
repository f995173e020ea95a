// The permanent LINQ security fuzz (issue 20): a few thousand seeded queries, generated, mutated
// and hostile, run for real on DuckDB and on chdb within small limits. No crash, no escape (canary
// file, canary environment variable, this checkout's paths, no file written, no extension
// loaded), every refusal positioned, every query inside its limits. FUZZ_SEED changes the seed;
// the 100,000-query run is `FUZZ_FULL=1 npm run bench -- fuzz` (bench/fuzz.bench.ts).
import { describe, expect, it } from 'vitest';
import { describeFigures, fuzzLinq } from './helpers/linq-fuzz.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261208);

describe('LINQ security fuzz', () => {
  it('runs a few thousand queries on DuckDB and chdb: no crash, no escape, inside the limits', async () => {
    const figures = await fuzzLinq({
      seed: SEED,
      duckdb: 1_500,
      chdb: 500,
      hostile: 0.15,
      limits: { timeoutMs: 5_000, maxMemoryBytes: 512 * 1024 ** 2 },
      jqTimeoutMs: 500,
    });
    console.log(`linq fuzz (seed ${SEED}): ${describeFigures(figures)}`);
    expect(figures.problems).toEqual([]);
    expect(figures.queries).toBe(2_000);
    // the fuzz reaches the engines, and meets the jq limit
    expect(figures.answered).toBeGreaterThan(100);
    expect(figures.positioned).toBeGreaterThan(500);
    expect(figures.limitJq).toBeGreaterThan(0);
  }, 600_000);
});
