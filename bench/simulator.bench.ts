// The simulator: how fast it generates records, how many requests per second it serves to a
// loopback client (blob downloads and content listings), and how much memory it holds —
// each against a baseline measured in the same run:
//   generation  ← JSON.stringify of the same records (the cheapest thing one can do with them)
//   serving     ← a bare node:http server answering a precomputed body of the same size
//   memory      ← the heap the same records take when all held at once
// `npm run bench -- simulator`; BENCH_SCALE scales the tenant (users), BENCH_DAYS the history.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type BenchRow, peakRssMiB, printTable, scale, time } from './lib/report.js';
import { startSimulator } from '../src/simulator/index.js';
import { resolveOptions } from '../src/simulator/options.js';
import { Simulator } from '../src/simulator/simulator.js';

const users = scale(250);
const days = Math.min(7, Math.max(1, Number(process.env.BENCH_DAYS ?? '7')));
const now = new Date('2026-03-04T12:00:00Z');
// Exact heap figures need a full collection; bench/run.ts starts node without --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (() => void) | undefined;

function heapMiB(): number {
  gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

async function pool<T>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await work(item);
      }
    }),
  );
}

async function main(): Promise<void> {
  const rows: BenchRow[] = [];
  const heapBefore = heapMiB();

  // 1. Generation: build the tenant and plan the whole history (every record is generated).
  const gen = await time(
    () =>
      new Simulator(
        resolveOptions({
          users,
          days,
          scenarios: ['all'],
          now,
          speed: 0,
          switches: { throttlePerMinute: 0 },
        }),
      ),
  );
  const sim = gen.result;
  const generated = sim.catalog.stats.recordsGenerated;
  const simHeap = heapMiB() - heapBefore;

  const peakAfterGeneration = peakRssMiB();
  rows.push({
    name: 'records generated',
    value: generated,
    unit: 'records',
    note: `${users} users, ${days} days, all scenarios`,
  });

  // 2. Serving: a loopback client downloads blobs and lists content.
  const handle = await startSimulator({
    users,
    days,
    scenarios: ['all'],
    now,
    speed: 0,
    switches: { throttlePerMinute: 0 },
  });
  const tok = (await (
    await fetch(`${handle.url}/${handle.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: handle.clientId,
        client_secret: handle.clientSecret,
        scope: 'https://manage.office.com/.default',
      }),
    })
  ).json()) as { access_token: string };
  const headers = { Authorization: `Bearer ${tok.access_token}` };
  const feed = `${handle.url}/api/v1.0/${handle.tenantId}/activity/feed`;
  const nowMs = now.getTime();
  const ids: string[] = [];
  for (const ct of ['Audit.SharePoint', 'Audit.Exchange', 'Audit.General']) {
    const r = await fetch(
      `${feed}/subscriptions/content?contentType=${ct}&startTime=${new Date(nowMs - 86400_000).toISOString().slice(0, 19)}&endTime=${new Date(nowMs).toISOString().slice(0, 19)}`,
      { headers },
    );
    for (const e of (await r.json()) as Array<{ contentId: string }>) ids.push(e.contentId);
  }
  const blobCount = scale(1500);
  const targets = Array.from(
    { length: blobCount },
    (_, i) => ids[(i * 7919) % ids.length] as string,
  );
  let bytes = 0;
  const blobRun = await time(() =>
    pool(targets, 16, async (id) => {
      const r = await fetch(`${feed}/audit/${id}?PublisherIdentifier=${handle.tenantId}`, {
        headers,
      });
      bytes += (await r.arrayBuffer()).byteLength;
    }),
  );
  const blobRps = blobCount / blobRun.seconds;
  const listCount = scale(400);
  const listRun = await time(() =>
    pool(
      Array.from({ length: listCount }, (_, i) => i),
      16,
      async (i) => {
        const start = nowMs - 86400_000 + (i % 20) * 3600_000;
        const r = await fetch(
          `${feed}/subscriptions/content?contentType=Audit.SharePoint&startTime=${new Date(start).toISOString().slice(0, 19)}&endTime=${new Date(start + 4 * 3600_000).toISOString().slice(0, 19)}&PublisherIdentifier=${handle.tenantId}`,
          { headers },
        );
        await r.arrayBuffer();
      },
    ),
  );
  const listRps = listCount / listRun.seconds;

  // Baseline: a bare node:http server answering a precomputed body of the average blob size.
  const body = 'x'.repeat(Math.round(bytes / blobCount));
  const bare = createServer((_req, res) =>
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(body),
  );
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', () => r()));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
  const bareRun = await time(() =>
    pool(targets, 16, async () => {
      await (await fetch(bareUrl, { headers })).arrayBuffer();
    }),
  );
  const bareRps = blobCount / bareRun.seconds;
  await new Promise((r) => bare.close(r));
  await handle.close();

  rows.push({
    name: 'blob downloads',
    value: blobRps,
    unit: 'req/s',
    ratio: blobRps / bareRps,
    note: `${blobCount} GETs, 16 concurrent, avg ${Math.round(bytes / blobCount / 1024)} KiB`,
  });
  rows.push({
    name: 'content listings (4 h windows)',
    value: listRps,
    unit: 'req/s',
    ratio: listRps / bareRps,
    note: `${listCount} listings, 16 concurrent`,
  });
  rows.push({ name: 'baseline: bare node:http, same body', value: bareRps, unit: 'req/s' });
  const peakAfterServing = peakRssMiB();

  // Baselines that hold every record at once come last, so they do not inflate the peaks above.
  const blobs = sim.catalog.allPublished();
  const all: unknown[] = [];
  for (const b of blobs) for (const r of sim.catalog.records(b)) all.push(r.record);
  const materialisedHeap = heapMiB() - heapBefore;
  const stringify = await time(() => {
    let n = 0;
    for (const r of all) n += JSON.stringify(r).length;
    return n;
  });
  const genRate = generated / gen.seconds;
  const baseRate = all.length / stringify.seconds;
  rows.push({
    name: 'generation',
    value: genRate,
    unit: 'records/s',
    ratio: genRate / baseRate,
    note: 'vs JSON.stringify of the same records',
  });
  rows.push({ name: 'baseline: JSON.stringify', value: baseRate, unit: 'records/s' });
  const held = materialisedHeap - simHeap;
  rows.push({
    name: 'simulator heap after generation',
    value: simHeap,
    unit: 'MiB',
    ratio: simHeap / Math.max(1, held),
    note: 'vs the same records held in memory',
  });
  rows.push({ name: 'baseline: records held in memory', value: held, unit: 'MiB' });
  rows.push({
    name: 'peak RSS after generation',
    value: peakAfterGeneration,
    unit: 'MiB',
    ratio: peakAfterGeneration / peakRssMiB(),
    note: 'vs peak once the records are held',
  });
  rows.push({
    name: 'peak RSS after serving',
    value: peakAfterServing,
    unit: 'MiB',
    note: 'two simulators in this process by then',
  });
  rows.push({ name: 'peak RSS with records held', value: peakRssMiB(), unit: 'MiB' });
  all.length = 0;
  printTable(`simulator (${users} users, ${days} days)`, rows);
}

await main();
