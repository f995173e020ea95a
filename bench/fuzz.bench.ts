// The full-size LINQ security fuzz: `FUZZ_FULL=1 npm run bench -- fuzz` runs 100,000 queries
// (90,000 on DuckDB, 10,000 on chdb), as the audit of issue 20 did; without FUZZ_FULL a short run
// of 2,000 gives the figures quickly. FUZZ_SEED, FUZZ_DUCKDB and FUZZ_CHDB change the run. The
// checks are those of test/security/linq-fuzz.test.ts; the process fails when one does not hold.
import { describeFigures, fuzzLinq } from '../test/security/helpers/linq-fuzz.js';

const full = process.env.FUZZ_FULL === '1';
const duckdb = Number(process.env.FUZZ_DUCKDB ?? (full ? 90_000 : 1_500));
const chdb = Number(process.env.FUZZ_CHDB ?? (full ? 10_000 : 500));
const seed = Number(process.env.FUZZ_SEED ?? 20261208);

const figures = await fuzzLinq({
  seed,
  duckdb,
  chdb,
  hostile: 0.3,
  // the default limits of a deployment
  limits: { timeoutMs: 60_000, maxMemoryBytes: 2 * 1024 ** 3 },
  jqTimeoutMs: 2_000,
});
console.log(`linq fuzz (seed ${seed}, ${full ? 'full' : 'short: FUZZ_FULL=1 for 100,000'}):`);
console.log(describeFigures(figures));
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
for (const p of figures.problems) console.log(`PROBLEM ${p}`);
process.exit(figures.problems.length === 0 ? 0 : 1);
