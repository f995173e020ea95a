// The web app and API on the demo tenant: for each seed query, API latency (request to last row)
// and time to first row over HTTP, each against the same query run in-process on the same store
// (the baseline: what the server adds is the ratio); and page load times in Chromium against a
// bare page of the same server (the baseline for the browser and network overhead).
import { performance } from 'node:perf_hooks';
import { runLinq } from '../src/linq/index.js';
import { startDemo } from '../src/app/demo.js';
import { setLogLevel } from '../src/util/log.js';
import { SEEDS } from '../test/linq/helpers/seeds.js';
import { launch, signIn, VIEWPORT } from '../test/web/browser.js';
import { printTable, scale, type BenchRow } from './lib/report.js';

setLogLevel('error');
const RUNS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const demo = await startDemo({ port: 0, users: scale(60), days: 1 });
const { url, store } = demo;
const from = new Date(Date.now() - 7 * 86_400_000);
const to = new Date();

/** One query over HTTP: ms to the first row line, and to the end of the answer. */
async function overHttp(
  query: string,
  cookie: string,
  csrf: string,
): Promise<{ first: number; total: number; rows: number }> {
  const t0 = performance.now();
  const response = await fetch(`${url}/api/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
    body: JSON.stringify({
      query,
      from: from.toISOString(),
      to: to.toISOString(),
      origin: 'script',
    }),
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let first = 0;
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
    if (!first && text.includes('"rows":[')) first = performance.now() - t0;
  }
  const total = performance.now() - t0;
  const done = JSON.parse(text.trim().split('\n').pop()!) as { rows: number };
  return { first: first || total, total, rows: done.rows };
}

/** The same query in this process (the catalog is read per run, as `m365hunt query` does). */
async function inProcess(query: string): Promise<{ first: number; total: number }> {
  const t0 = performance.now();
  const result = await runLinq(store, query, { from, to });
  let first = 0;
  for await (const chunk of result.chunks())
    if (!first && chunk.length) first = performance.now() - t0;
  const total = performance.now() - t0;
  return { first: first || total, total };
}

const login = await fetch(`${url}/api/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: demo.admin.name, password: demo.admin.password }),
});
const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
const { csrf } = (await login.json()) as { csrf: string };

const queryRows: BenchRow[] = [];
for (const [n, query] of Object.entries(SEEDS)) {
  await overHttp(query, cookie, csrf);
  await inProcess(query);
  const http: Array<{ first: number; total: number; rows: number }> = [];
  const local: Array<{ first: number; total: number }> = [];
  for (let i = 0; i < RUNS; i++) {
    http.push(await overHttp(query, cookie, csrf));
    local.push(await inProcess(query));
  }
  const h = median(http.map((x) => x.total));
  const l = median(local.map((x) => x.total));
  const hf = median(http.map((x) => x.first));
  const lf = median(local.map((x) => x.first));
  queryRows.push({
    name: `seed ${n}: API latency`,
    value: h,
    unit: 'ms',
    ratio: h / l,
    note: `${http[0]!.rows} rows; baseline in-process ${l.toFixed(1)} ms`,
  });
  queryRows.push({
    name: `seed ${n}: time to first row`,
    value: hf,
    unit: 'ms',
    ratio: hf / lf,
    note: `baseline in-process ${lf.toFixed(1)} ms`,
  });
}
printTable(
  `API query latency over HTTP (median of ${RUNS}; ratio to the same query in-process)`,
  queryRows,
);

const browser = await launch();
const page = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
await signIn(page, url, demo.admin.name, demo.admin.password);
const insider =
  demo.scenarios.find((s) => s.name === 'insider-exfiltration')?.actors[0] ?? 'nobody@contoso.com';

async function pageLoad(path: string, ready: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await page.goto(`${url}${path}`);
    await ready();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const baseline = await pageLoad('/healthz', () => page.waitForLoadState('load'));
const pages: Array<[string, string, () => Promise<unknown>]> = [
  ['search (editor ready)', '/search', () => page.locator('.cm-content').waitFor()],
  [
    'search seed 1 (rows shown)',
    `/search?${new URLSearchParams({ q: SEEDS[1], from: 'now-7d' }).toString()}`,
    () => page.locator('.grid-row').first().waitFor(),
  ],
  [
    'dashboard overview (all panels)',
    '/dashboards/overview',
    async () => {
      await page.locator('.panel').first().waitFor();
      while ((await page.locator('.state.loading').count()) > 0) await page.waitForTimeout(10);
    },
  ],
  [
    'alerts queue',
    '/alerts',
    () => page.locator('.queue tbody tr, .state.empty').first().waitFor(),
  ],
  [
    'user page',
    `/users/${encodeURIComponent(insider)}`,
    () => page.locator('[data-section="timeline"]').waitFor(),
  ],
];
const pageRows: BenchRow[] = [
  { name: 'baseline: /healthz in Chromium', value: baseline, unit: 'ms', ratio: 1 },
];
for (const [name, path, ready] of pages) {
  const ms = await pageLoad(path, ready);
  pageRows.push({ name, value: ms, unit: 'ms', ratio: ms / baseline });
}
// A 100,000-row answer in the search page (streamed into the virtualised grid) against the same
// answer read by a script over HTTP.
const big = 100_000;
const base = Date.parse('2026-01-01T00:00:00Z');
for (let start = 0; start < big; start += 25_000) {
  await store.ingest({
    sets: [
      {
        family: 'management',
        tenant: 'bench',
        client: 'bench',
        hostchain: 'collector-99999-bench',
        contentType: null,
        origin: 'bench',
        records: Array.from({ length: 25_000 }, (_, k) => {
          const i = start + k;
          return JSON.stringify({
            Id: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`,
            RecordType: 15,
            CreationTime: new Date(base + i * 1000).toISOString().slice(0, 19),
            Operation: 'UserLoggedIn',
            Workload: 'AzureActiveDirectory',
            UserId: `user${i % 700}@bench.example`,
            ActorIpAddress: `198.51.100.${i % 250}`,
          });
        }),
      },
    ],
  });
}
const bigQuery =
  'from cloud.office365.management where hostchain = "collector-99999-bench" select UserId, ActorIpAddress';
const bigRange = { from: '2025-12-31', to: '2026-01-03' };
const apiTimes: number[] = [];
const pageTimes: number[] = [];
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const r = await fetch(`${url}/api/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
    body: JSON.stringify({ query: bigQuery, ...bigRange }),
  });
  await r.text();
  apiTimes.push(performance.now() - t0);
  const t1 = performance.now();
  await page.goto(`${url}/search?${new URLSearchParams({ q: bigQuery, ...bigRange }).toString()}`);
  await page
    .getByTestId('result-count')
    .filter({ hasText: '100,000 rows in' })
    .waitFor({ timeout: 120_000 });
  pageTimes.push(performance.now() - t1);
}
const apiMs = median(apiTimes);
pageRows.push({
  name: 'search, 100,000 rows streamed into the grid',
  value: median(pageTimes),
  unit: 'ms',
  ratio: median(pageTimes) / apiMs,
  note: `ratio to the same answer read by a script over HTTP (${apiMs.toFixed(0)} ms)`,
});
printTable(
  `Page load in Chromium (median of ${RUNS}; ratio to a bare page of the same server)`,
  pageRows,
);

await browser.close();
await demo.close();
