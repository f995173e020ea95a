// Issue 20 items 1 and 6: no query can stall the server. A runaway jq program runs on a worker and
// is ended at the jq time limit while /healthz keeps answering; the compile check never runs a
// program; queries past their time or memory limit are cancelled in the engine (DuckDB interrupt,
// ClickHouse max_execution_time / max_memory_usage) and answer a clear error; the engine's old
// internal errors are now positioned errors or answers. All on real stores and a real server.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUERY_LIMITS } from '../../src/config/query-limits.js';
import { configureJq } from '../../src/linq/jq-engine.js';
import { configureQueryLimits, runLinq } from '../../src/linq/run.js';
import { QueryLimitError } from '../../src/store/query-limits.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { runCli } from '../helpers/cli.js';
import { ingestNdjsonFile, openTestStore } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';
import { SEED_FILES, SEED_RANGE } from '../linq/helpers/fixtures.js';
import {
  Client,
  ndjson,
  SEED_FROM,
  SEED_TO,
  startTestServer,
  type TestServer,
} from '../server/helpers.js';

const M = 'from cloud.office365.management';
const RUNAWAY = `${M} select jqeval(jqcompile("def f: f; f"), jsonparse(message)) as j`;

function restoreDefaults(): void {
  configureQueryLimits(DEFAULT_QUERY_LIMITS);
  configureJq({ timeoutMs: DEFAULT_QUERY_LIMITS.jqTimeoutMs });
}

async function drain(stream: Awaited<ReturnType<Store['query']>>): Promise<number> {
  let n = 0;
  for await (const chunk of stream.chunks()) n += chunk.length;
  return n;
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('it did not fail');
}

describe('the stores cancel a query past its limits', () => {
  const dir = tempDir();
  const limits = (timeoutMs: number, maxMemoryBytes = 1024 ** 3) => ({ timeoutMs, maxMemoryBytes });

  it('DuckDB: interrupted at the time limit', async () => {
    const store = await openTestStore('duckdb', dir);
    try {
      const error = await failure(async () =>
        drain(
          await store.query(
            { sql: 'SELECT count(*) FROM range(1000000000000) a, range(1000) b', params: [] },
            limits(200),
          ),
        ),
      );
      expect(error).toBeInstanceOf(QueryLimitError);
      expect((error as QueryLimitError).limit).toBe('time');
      expect((error as Error).message).toMatch(/ran out of time.*0\.2|ran out of time.*200 ms/);
      // the store still answers
      expect(await drain(await store.query({ sql: 'SELECT 1', params: [] }, limits(5_000)))).toBe(
        1,
      );
    } finally {
      await store.close();
    }
  });

  it('chdb: stopped at the time limit and at the memory limit', async () => {
    const store = await openTestStore('chdb', dir);
    try {
      const slow = await failure(async () =>
        drain(
          await store.query(
            { sql: 'SELECT sum(sipHash64(number)) FROM numbers(1000000000000)', params: [] },
            limits(1_000),
          ),
        ),
      );
      expect(slow).toBeInstanceOf(QueryLimitError);
      expect((slow as QueryLimitError).limit).toBe('time');
      const big = await failure(async () =>
        drain(
          await store.query(
            { sql: 'SELECT length(groupArray(number)) FROM numbers(1000000000)', params: [] },
            limits(120_000, 64 * 1024 ** 2),
          ),
        ),
      );
      expect(big).toBeInstanceOf(QueryLimitError);
      expect((big as QueryLimitError).limit).toBe('memory');
      expect((big as Error).message).toMatch(/ran out of memory.*64 MiB.*query\.max_memory/);
      expect(await drain(await store.query({ sql: 'SELECT 1', params: [] }, limits(5_000)))).toBe(
        1,
      );
    } finally {
      await store.close();
    }
  });
});

describe('chdb runs the long queries the compiler accepts', () => {
  // ClickHouse's default max_query_size (256 KiB) refused them: "Max query size exceeded".
  it('a select of 13,000 columns (276 KB of SQL), and a literal of 400 KB', async () => {
    const store = await openTestStore('chdb', tempDir());
    try {
      for (const { file, hostchain } of SEED_FILES)
        await ingestNdjsonFile(store, file, { hostchain });
      for (const text of [
        `${M} select ${Array.from({ length: 13_000 }, (_, i) => `UserId as c${i}`).join(', ')}`,
        `${M} where UserId != "${'x'.repeat(400_000)}" select UserId as u`,
      ]) {
        const result = await runLinq(store, text, SEED_RANGE);
        let rows = 0;
        for await (const chunk of result.chunks()) rows += chunk.length;
        expect(rows).toBeGreaterThan(0);
      }
    } finally {
      await store.close();
    }
  }, 300_000);
});

describe('the server while a runaway query runs', () => {
  let t: TestServer;
  let viewer: Client;
  beforeAll(async () => {
    t = await startTestServer(tempDir());
    viewer = new Client(t, t.tokens.viewer);
  });
  afterAll(async () => {
    restoreDefaults();
    await t?.close();
  });
  afterEach(restoreDefaults);

  const run = (query: string) =>
    viewer.request('POST', '/api/query', { query, from: SEED_FROM, to: SEED_TO });

  it('checks a jq program that never ends without running it (the audit hung here)', async () => {
    const answer = await viewer.request('POST', '/api/query/check', { query: RUNAWAY });
    expect(answer.status, answer.text).toBe(200);
  });

  it('refuses, positioned, a jq program reaching outside the record', async () => {
    for (const program of ['\\"\\\\(env)\\"', '\\"\\\\($ENV)\\"', 'get_jq_origin']) {
      const query = `${M} select jqeval(jqcompile("${program}"), jsonparse(message)) as j`;
      const answer = await viewer.request('POST', '/api/query/check', { query });
      expect(answer.status, answer.text).toBe(400);
      const body = answer.json<{ error: string; position?: { column?: number } }>();
      expect(body.error).toMatch(/is not (allowed|defined)/);
      expect(body.position?.column).toBe(query.indexOf('jqcompile(') + 'jqcompile('.length + 1);
    }
  });

  it('answers /healthz while a jq program runs, and ends the program at the jq time limit', async () => {
    configureJq({ timeoutMs: 1_000 });
    const runaway = run(RUNAWAY);
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
    const answer = await runaway;
    // Either before the first row (a 400 naming the limit) or in the stream's error line.
    const text = answer.text;
    expect(text).toMatch(/jq program ran out of time/);
    expect(text).toMatch(/query\.jq_timeout/);
    if (answer.status === 200) expect(ndjson(text).at(-1)).toHaveProperty('error');
    else expect(answer.status).toBe(400);
    // and the next query runs
    const next = await run(`${M} group by Workload select count() as n`);
    expect(next.status).toBe(200);
    expect(ndjson(next.text).at(-1)).toMatchObject({ done: true });
  });

  it('stops a query past the time limit with a 422 that names the limit, even inside jq', async () => {
    // The jq limit is far away: the query's own limit ends the program that never ends.
    configureJq({ timeoutMs: 600_000 });
    configureQueryLimits({ timeoutMs: 1_000, maxMemoryBytes: DEFAULT_QUERY_LIMITS.maxMemoryBytes });
    const answer = await run(RUNAWAY);
    expect(answer.status, answer.text).toBe(422);
    expect(answer.json<{ error: string; hint: string }>()).toMatchObject({
      error: expect.stringMatching(/ran out of time.*after 1 s \(query\.timeout\)/),
      hint: expect.stringMatching(/narrow the time range/),
    });
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  // Item 6: what gave HTTP 500 now answers, or is a positioned 400.
  it.each([
    [`${M} select 1e19 as x`, 200, null],
    [`${M} where UserId ~ re("\\\\N")`, 400, /\\N is not an escape RE2 knows/],
    [`${M} select str(jsonparse(message)[Operation]) as v`, 200, null],
  ])('%s', async (query, status, message) => {
    const answer = await run(query);
    expect(answer.status, answer.text).toBe(status);
    if (message) {
      const body = answer.json<{ error: string; position?: { line?: number; column?: number } }>();
      expect(body.error).toMatch(message);
      expect(body.position?.column).toBeGreaterThan(1);
    } else {
      expect(ndjson(answer.text).at(-1)).toMatchObject({ done: true });
    }
  });
});

describe('signals while a runaway query runs', () => {
  it('a server obeys SIGTERM while a jq program that never ends runs', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./helpers/runaway-server.ts', import.meta.url))],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, M365HUNT_LOG: 'warn' } },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      while (!out.includes('\n')) {
        await new Promise((r) => setTimeout(r, 100));
        if (child.exitCode !== null) throw new Error(`the server ended: ${out}`);
      }
      const { url, token } = JSON.parse(out.split('\n')[0]!) as { url: string; token: string };
      const runaway = fetch(`${url}/api/query`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: RUNAWAY, from: SEED_FROM, to: SEED_TO }),
      }).catch(() => undefined);
      // The query is under way once the server has read it; then the signal.
      await new Promise((r) => setTimeout(r, 500));
      child.kill('SIGTERM');
      const code = await Promise.race([
        exited,
        new Promise<'hung'>((r) => setTimeout(() => r('hung'), 60_000)),
      ]);
      expect(code).toBe(0);
      expect(out).toMatch(/stopped on SIGTERM/);
      await runaway;
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 90_000);
});

describe('the CLI with a runaway jq program', () => {
  let db: string;
  beforeAll(async () => {
    const dir = tempDir();
    db = join(dir, 'cli.duckdb');
    const store = await openStore(db);
    for (const { file, hostchain } of SEED_FILES)
      await ingestNdjsonFile(store, file, { hostchain });
    await store.close();
  });

  it('explains it at once, and ends its run at the jq time limit with a clear error', async () => {
    const range = ['--from', SEED_FROM, '--to', SEED_TO, '--db', db];
    const explain = await runCli(['query', RUNAWAY, '--explain', ...range]);
    expect(explain.code, explain.stderr).toBe(0);
    expect(explain.stdout).toMatch(/linq_jq/);
    const ran = await runCli(['query', RUNAWAY, ...range]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/jq program ran out of time.*query\.jq_timeout/);
  }, 120_000);
});
