// The LINQ security fuzzer, shared by test/security/linq-fuzz.test.ts (a few thousand queries) and
// bench/fuzz.bench.ts (100,000): seeded queries, generated from the grammar, mutated from the seed
// and conformance queries, and hostile ones (jq programs reaching for the environment, files and
// paths, programs that never end, wide selects, huge literals, canary paths), run for real through
// runLinq on a DuckDB store and a chdb store holding the seed records, within small limits.
//
// What must hold: no crash (every failure is a LinqError with a position, a QueryLimitError, or
// the jq time limit); no escape (no answer or error holds the canary file's text, the canary
// environment variable, or the paths of this checkout; no file appears; DuckDB loads no
// extension); every query ends inside its limits.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_QUERY_LIMITS } from '../../../src/config/query-limits.js';
import { configureJq } from '../../../src/linq/jq-engine.js';
import { LinqError } from '../../../src/linq/errors.js';
import { QueryValueError, runLinq } from '../../../src/linq/run.js';
import { registerLinqFunctions } from '../../../src/linq/udf.js';
import { openStore } from '../../../src/store/open.js';
import { QueryLimitError, type QueryLimits } from '../../../src/store/query-limits.js';
import type { SqlValue, Store } from '../../../src/store/store.js';
import { M365HuntError } from '../../../src/util/errors.js';
import { ingestNdjsonFile, openTestStore } from '../../helpers/stores.js';
import { random } from '../../linq/helpers/conformance-data.js';
import { SEED_FILES, SEED_RANGE } from '../../linq/helpers/fixtures.js';
import { generator } from '../../linq/helpers/fuzz-gen.js';
import { SEEDS } from '../../linq/helpers/seeds.js';

export interface FuzzOptions {
  readonly seed: number;
  /** Queries per store kind. */
  readonly duckdb: number;
  readonly chdb: number;
  /** The limits every fuzzed query runs with. */
  readonly limits: QueryLimits;
  readonly jqTimeoutMs: number;
  /** The share of hostile queries (the rest generated and mutated); 0.3 by default. */
  readonly hostile?: number;
  /** Rows read from an answer at most (the rest is left unread, as a client may). */
  readonly maxRows?: number;
}

export interface FuzzFigures {
  queries: number;
  answered: number;
  rows: number;
  /** Failures that are LinqErrors with a position. */
  positioned: number;
  /** Queries stopped at the time or memory limit, or at the jq time limit. */
  limitTime: number;
  limitMemory: number;
  limitJq: number;
  /** Values of the data that did not fit an operation (an overflow): they have no place. */
  valueErrors: number;
  /** Other user errors (M365HuntError without a position): each is also a problem. */
  otherUserErrors: number;
  slowestMs: number;
  slowestQuery: string;
  seconds: number;
  /** What must not happen: crashes, escapes, unpositioned errors, queries past their limits. */
  problems: string[];
  /** Samples of the other user errors, to look at. */
  samples: string[];
}

const M = 'from cloud.office365.management';

/** Hostile queries: what an attacker with a viewer account would try. */
function hostile(rnd: () => number, canaryFile: string): () => string {
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const jq = [
    '"\\(env)"',
    '"\\($ENV)"',
    '$ENV.FUZZ_CANARY',
    'env.FUZZ_CANARY',
    '"\\(input_filename)"',
    '"\\($__loc__)"',
    '"\\(get_search_list)"',
    'get_jq_origin',
    'get_prog_origin',
    '[inputs]',
    'input',
    '$__prog_args',
    '$ARGS',
    'import "a" as a; .',
    `include "${canaryFile}"; .`,
    'def env: 1; env',
    '(def f: 1; 1), env',
    '"x" as $ENV | $ENV',
    '{$__loc__}',
    '# c \\\nenv',
    'def f: f; f',
    '[range(1e9)] | length',
    'repeat(.)',
    'last(range(1e8))',
    '[limit(1e7; repeat("x"))] | join("")',
    'reduce range(1e7) as $i (0; . + $i)',
    '.. | strings',
    '[paths] | length',
    'to_entries | map(.key) | join(",")',
    '.Operation | ascii_downcase',
    'tostream',
    '@base64d',
    'ltrimstr("a") | test("(a+)+$")',
    'splits("\\\\N")',
    `"${'a'.repeat(20_000)}"`,
  ];
  const wide = () =>
    `${M} select ${Array.from({ length: 200 + int(2_000) }, (_, i) => `UserId as c${i}`).join(', ')}`;
  const big = () => `${M} where UserId = "${'x'.repeat(100_000 + int(700_000))}"`;
  return () => {
    switch (int(9)) {
      case 0:
      case 1:
      case 2:
        return `${M} select jqeval(jqcompile(${JSON.stringify(pick(jq))}), jsonparse(message)) as j`;
      case 3:
        return wide();
      case 4:
        return big();
      case 5:
        return `${M} where UserId ~ re(${JSON.stringify(pick(['\\N', '(a+)+$', '\\p{Greek}', '[', '(?=x)', 'a{1000000}', '\\e', '\\x{110000}']))})`;
      case 6:
        return `${M} select ${pick(['1e19', '-1e308 * 10', '9223372036854775807 + 1', '1/0', '0.0/0.0', 'pow(10, 400)'])} as x`;
      case 7:
        return `${M} where contains(message, ${JSON.stringify(canaryFile)}) select str(jsonparse(message)[${pick(['Operation', 'UserId', '0', '"a"'])}]) as v`;
      default:
        return `${M} select lu(${JSON.stringify(pick([canaryFile, '../../etc/passwd', 'x']))}, "k", UserId) as v`;
    }
  };
}

function textOf(value: SqlValue | undefined): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

function positioned(e: LinqError, text: string): boolean {
  return (
    e.offset >= 0 &&
    e.offset <= text.length &&
    e.line >= 1 &&
    e.column >= 1 &&
    e.length >= 1 &&
    e.render(text).includes('^')
  );
}

/** Runs the fuzz; returns its figures (the caller asserts on `problems`). */
export async function fuzzLinq(options: FuzzOptions): Promise<FuzzFigures> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'm365hunt-fuzz-'));
  const canaryText = `CANARY-${options.seed}-${Math.random().toString(36).slice(2)}`;
  const canaryFile = join(dir, 'canary.txt');
  writeFileSync(canaryFile, canaryText);
  const envCanary = `ENVCANARY-${Math.random().toString(36).slice(2)}`;
  process.env.FUZZ_CANARY = envCanary;
  const secrets = [canaryText, envCanary, process.cwd(), dir];
  const before = readdirSync(dir).sort().join('\n');
  configureJq({ timeoutMs: options.jqTimeoutMs });
  const figures: FuzzFigures = {
    queries: 0,
    answered: 0,
    rows: 0,
    positioned: 0,
    limitTime: 0,
    limitMemory: 0,
    limitJq: 0,
    valueErrors: 0,
    otherUserErrors: 0,
    slowestMs: 0,
    slowestQuery: '',
    seconds: 0,
    problems: [],
    samples: [],
  };
  // A query may take its time limit, and a jq batch the jq limit past it, and then some to stop.
  const bound = options.limits.timeoutMs + options.jqTimeoutMs + 10_000;
  const maxRows = options.maxRows ?? 5_000;
  const stores: Array<{ kind: string; store: Store; count: number }> = [];
  try {
    const duck = await openStore(join(dir, 'fuzz.duckdb'), {
      duckdb: { onConnect: registerLinqFunctions },
    });
    stores.push({ kind: 'duckdb', store: duck, count: options.duckdb });
    if (options.chdb > 0)
      stores.push({ kind: 'chdb', store: await openTestStore('chdb', dir), count: options.chdb });
    for (const { store } of stores) {
      for (const { file, hostchain } of SEED_FILES)
        await ingestNdjsonFile(store, file, { hostchain });
    }
    const extensions = async () =>
      (
        await duck.queryAll({
          sql: 'SELECT extension_name FROM duckdb_extensions() WHERE loaded ORDER BY 1',
          params: [],
        })
      )
        .map((r) => String(r.extension_name))
        .join(',');
    const loadedBefore = await extensions();
    for (const { kind, store, count } of stores) {
      const rnd = random(options.seed + (kind === 'chdb' ? 1 : 0));
      const gen = generator(rnd, Object.values(SEEDS));
      const attack = hostile(rnd, canaryFile);
      for (let i = 0; i < count && figures.problems.length < 20; i++) {
        const text = rnd() < (options.hostile ?? 0.3) ? attack() : gen.next();
        figures.queries++;
        const t0 = performance.now();
        const seen: string[] = [];
        try {
          const result = await runLinq(store, text, {
            ...SEED_RANGE,
            limits: options.limits,
          });
          let rows = 0;
          for await (const chunk of result.chunks()) {
            for (const row of chunk) {
              if (rows < 200) seen.push(row.map(textOf).join('\u0001'));
              rows++;
            }
            if (rows >= maxRows) break;
          }
          figures.answered++;
          figures.rows += rows;
        } catch (error) {
          seen.push(
            error instanceof Error
              ? `${error.message} ${String(error.cause ?? '')}`
              : String(error),
          );
          if (error instanceof LinqError) {
            if (positioned(error, text)) figures.positioned++;
            else
              figures.problems.push(
                `unpositioned LinqError on ${kind}: ${error.message} in ${JSON.stringify(text.slice(0, 300))}`,
              );
          } else if (error instanceof QueryLimitError) {
            if (error.limit === 'time') figures.limitTime++;
            else figures.limitMemory++;
          } else if (error instanceof QueryValueError) {
            figures.valueErrors++;
            if (figures.samples.length < 10)
              figures.samples.push(`${error.message.split('\n')[0]} in ${text.slice(0, 200)}`);
          } else if (error instanceof M365HuntError && /query\.jq_timeout/.test(error.message)) {
            figures.limitJq++;
          } else if (error instanceof M365HuntError) {
            figures.otherUserErrors++;
            figures.problems.push(
              `not positioned on ${kind}: ${error.message.split('\n')[0]} in ${JSON.stringify(text.slice(0, 300))}`,
            );
          } else {
            figures.problems.push(
              `crash on ${kind}: ${(error as Error).message?.split('\n')[0]} in ${JSON.stringify(text.slice(0, 300))}`,
            );
          }
        }
        const ms = performance.now() - t0;
        if (ms > figures.slowestMs) {
          figures.slowestMs = ms;
          figures.slowestQuery = `${kind}: ${text.slice(0, 120)}`;
        }
        if (ms > bound)
          figures.problems.push(
            `past its limits on ${kind} (${Math.round(ms)} ms): ${JSON.stringify(text.slice(0, 300))}`,
          );
        const answer = seen.join('\n');
        for (const secret of secrets) {
          // (a path the query itself holds may come back in its error)
          if (answer.includes(secret) && !text.includes(secret))
            figures.problems.push(
              `escape on ${kind}: the answer holds ${JSON.stringify(secret)} for ${JSON.stringify(text.slice(0, 300))}`,
            );
        }
      }
    }
    if ((await extensions()) !== loadedBefore) figures.problems.push('DuckDB loaded an extension');
    const after = readdirSync(dir)
      .filter((f) => !/^fuzz\.duckdb|^m365hunt-chdb/.test(f))
      .sort()
      .join('\n');
    const expected = before;
    if (after !== expected) figures.problems.push(`files appeared: ${after}`);
  } finally {
    for (const { store } of stores) await store.close().catch(() => undefined);
    delete process.env.FUZZ_CANARY;
    configureJq({ timeoutMs: DEFAULT_QUERY_LIMITS.jqTimeoutMs });
    rmSync(dir, { recursive: true, force: true });
  }
  figures.seconds = (performance.now() - started) / 1000;
  return figures;
}

export function describeFigures(f: FuzzFigures): string {
  return [
    `${f.queries} queries: ${f.answered} answered (${f.rows} rows), ${f.positioned} refused with a positioned error,`,
    `limits hit: ${f.limitTime} time, ${f.limitMemory} memory, ${f.limitJq} jq time; ${f.valueErrors} value errors at run time, ${f.otherUserErrors} other errors;`,
    `slowest ${Math.round(f.slowestMs)} ms (${f.slowestQuery}); ${f.seconds.toFixed(1)} s; ${f.problems.length} problems`,
  ].join(' ');
}
