// Collector and store benchmark:
// 1. ingest throughput, blob bytes → committed rows, against plain JSON.parse of the same bytes;
// 2. end-to-end backfill against the simulator's default throttle, against the least time that
//    throttle allows for the requests made;
// 3. the collector's peak memory on backfills of two sizes (the simulator in its own process).
// 4. `m365hunt import` of NDJSON files of 100k, 300k and 1M records against DuckDB alone doing the
//    same work on the same file, with the peak memory of each (BENCH_IMPORT_SIZES=a,b,c).
// BENCH_SCALE multiplies the sizes (BENCH_SCALE=6 gives a backfill of about a million records).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitJsonArray } from '../src/ingest/json-array-splitter.js';
import { startSimulator } from '../src/simulator/index.js';
import { openStore } from '../src/store/open.js';
import type { RawRecordSet } from '../src/store/store.js';
import { bestOf, printTable, scale, time, type BenchRow } from './lib/report.js';
import { nodeChild, simulatorProcess } from './lib/processes.js';
import { managementHeaders, simulatedRecords, writeRecordsFile } from './lib/records-file.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'm365hunt-bench-'));
const NOW = new Date('2026-11-20T12:00:00Z');
const THROTTLE_OFF = ['--throttle-per-minute', '0'];

/** Fetches every blob of a simulated tenant once, as raw bytes. */
async function simulatedBlobs(users: number, days: number): Promise<Buffer[]> {
  const sim = await startSimulator({
    port: 0,
    users,
    days,
    now: NOW,
    speed: 0,
    scenarios: ['all'],
    switches: { throttlePerMinute: 0 },
  });
  try {
    const headers = await managementHeaders(sim);
    const blobs: Buffer[] = [];
    for await (const line of listUris(sim.url, sim.tenantId, headers)) {
      const r = await fetch(`${line}?PublisherIdentifier=${sim.tenantId}`, { headers });
      blobs.push(Buffer.from(await r.arrayBuffer()));
    }
    return blobs;
  } finally {
    await sim.close();
  }
}

async function* listUris(
  base: string,
  tenant: string,
  headers: Record<string, string>,
): AsyncGenerator<string> {
  const end = NOW.getTime();
  for (const ct of [
    'Audit.AzureActiveDirectory',
    'Audit.Exchange',
    'Audit.SharePoint',
    'Audit.General',
    'DLP.All',
  ]) {
    for (let start = end - 7 * 86_400_000 + 600_000; start < end; start += 86_400_000) {
      const stop = Math.min(end, start + 86_400_000);
      let url: string | null =
        `${base}/api/v1.0/${tenant}/activity/feed/subscriptions/content?contentType=${ct}` +
        `&startTime=${new Date(start).toISOString().slice(0, 19)}&endTime=${new Date(stop).toISOString().slice(0, 19)}&PublisherIdentifier=${tenant}`;
      while (url) {
        const r: Response = await fetch(url, { headers });
        for (const e of (await r.json()) as Array<{ contentUri: string }>) yield e.contentUri;
        url = r.headers.get('nextpageuri');
      }
    }
  }
}

async function throughput(): Promise<BenchRow[]> {
  const blobs = await simulatedBlobs(scale(150), 3);
  const bytes = blobs.reduce((n, b) => n + b.length, 0);
  const counts = blobs.map((b) => splitJsonArray(b.toString('utf8')).elements.length);
  const records = counts.reduce((n, c) => n + c, 0);
  const parse = await bestOf(3, () => {
    for (const b of blobs) JSON.parse(b.toString('utf8'));
  });
  const split = await bestOf(3, () => {
    for (const b of blobs) splitJsonArray(b.toString('utf8'));
  });
  // The collector's path: split in JavaScript, one commit per ~20,000 records, the next batch
  // split while the previous one commits.
  let ingestSeconds = Infinity;
  for (let round = 0; round < 2; round++) {
    const file = join(work, `throughput-${round}.duckdb`);
    rmSync(file, { force: true });
    const store = await openStore(file);
    const { seconds } = await time(async () => {
      let pending: Promise<unknown> = Promise.resolve();
      let index = 0;
      for (const batch of batchesOf(blobs, counts, 20_000)) {
        const sets: RawRecordSet[] = batch.map((b, i) => ({
          family: 'management',
          tenant: 't',
          client: 'c',
          hostchain: 'collector-10001-bench',
          contentType: 'Audit.General',
          origin: `blob-${index}-${i}`,
          records: splitJsonArray(b.toString('utf8')).elements,
        }));
        index++;
        await pending;
        pending = store.ingest({ sets });
      }
      await pending;
    });
    ingestSeconds = Math.min(ingestSeconds, seconds);
    await store.close();
  }
  // DuckDB's own reader over the same records as NDJSON, reading the fields the store promotes:
  // the parse alone, with no row stored.
  const ndjson = join(work, 'records.ndjson');
  writeFileSync(
    ndjson,
    blobs.flatMap((b) => splitJsonArray(b.toString('utf8')).elements).join('\n') + '\n',
  );
  const reader = await openStore(':memory:');
  const readJson = await bestOf(3, () =>
    reader.queryAll({
      sql: `SELECT count("Id"), count("UserId"), count("Operation"), count("ClientIP") FROM read_json(?,
              format = 'newline_delimited', columns = {Id: 'VARCHAR', CreationTime: 'VARCHAR',
              Operation: 'VARCHAR', UserId: 'VARCHAR', ClientIP: 'VARCHAR', Workload: 'VARCHAR',
              ObjectId: 'VARCHAR', RecordType: 'INTEGER'})`,
      params: [ndjson],
    }),
  );
  await reader.close();
  // The floor for any store of the raw record in DuckDB: DuckDB alone reads the same NDJSON file
  // (one line, one record) into the text column of a table in a database file and commits. No
  // JavaScript, no parse, no other column.
  let floor = Infinity;
  for (let round = 0; round < 3; round++) {
    const file = join(work, `floor-${round}.duckdb`);
    const db = await openStore(file);
    await db.queryAll({ sql: 'CREATE TABLE raw (message VARCHAR)', params: [] });
    const { seconds } = await time(() =>
      db.queryAll({
        sql: `INSERT INTO raw SELECT line FROM read_csv(?, columns = {line: 'VARCHAR'},
                delim = chr(1), quote = '', escape = '', header = false, auto_detect = false)`,
        params: [ndjson],
      }),
    );
    floor = Math.min(floor, seconds);
    await db.close();
    rmSync(file, { force: true });
  }
  const mb = bytes / 1e6;
  return [
    {
      name: `JSON.parse of ${records} records (${mb.toFixed(0)} MB) — baseline`,
      value: records / parse,
      unit: 'records/s',
      ratio: 1,
    },
    {
      name: 'split into exact record texts (no parse)',
      value: records / split,
      unit: 'records/s',
      ratio: parse / split,
    },
    {
      name: 'DuckDB read_json of the same records (8 fields, nothing stored)',
      value: records / readJson,
      unit: 'records/s',
      ratio: parse / readJson,
    },
    {
      name: 'DuckDB alone: the NDJSON file into one text column, committed (the floor)',
      value: records / floor,
      unit: 'records/s',
      ratio: parse / floor,
    },
    {
      name: 'ingest: split + DuckDB parse, dedup, insert, commit',
      value: records / ingestSeconds,
      unit: 'records/s',
      ratio: parse / ingestSeconds,
      note: 'target ≥ 1.5',
    },
  ];
}

function* batchesOf(
  blobs: readonly Buffer[],
  counts: readonly number[],
  maxRecords: number,
): Generator<Buffer[]> {
  let batch: Buffer[] = [];
  let n = 0;
  for (const [i, b] of blobs.entries()) {
    const count = counts[i]!;
    if (n + count > maxRecords && batch.length > 0) {
      yield batch;
      batch = [];
      n = 0;
    }
    batch.push(b);
    n += count;
  }
  if (batch.length > 0) yield batch;
}

interface ChildResult {
  seconds: number;
  requests: number;
  throttled: number;
  records: number;
  blobs: number;
  errors: string[];
  peakRssMiB: number;
}

function collectChild(
  config: string,
  memoryLimit?: string,
  overrides: Record<string, unknown> = {},
  nodeFlags: string[] = [],
): ChildResult {
  const json = JSON.parse(readFileSync(config, 'utf8')) as {
    inputs: { office365: Record<string, unknown> };
  };
  Object.assign(json.inputs.office365, overrides);
  writeFileSync(config, JSON.stringify(json));
  const store = join(work, `collect-${Date.now()}.duckdb`);
  const run = spawnSync(
    process.execPath,
    [
      ...nodeFlags,
      join(repo, 'bench/lib/collect-child.mjs'),
      config,
      store,
      ...(memoryLimit ? [memoryLimit] : []),
    ],
    { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  if (run.status !== 0) throw new Error(`collector failed: ${run.stderr}`);
  const lines = run.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as ChildResult;
}

async function backfillAgainstThrottle(): Promise<BenchRow[]> {
  // The simulator's default throttle: a bucket of 2,000 requests refilled at 2,000 per minute.
  const sim = await simulatorProcess({ work, now: NOW, users: scale(80), days: 3 });
  try {
    const r = collectChild(sim.config, undefined, { requests_per_minute: 2000 });
    const minimum = (Math.max(0, r.requests - 2000) / 2000) * 60;
    return [
      {
        name: `least time the throttle allows for ${r.requests} requests`,
        value: minimum,
        unit: 's',
        ratio: 1,
      },
      {
        name: `backfill of ${r.records} records (${r.blobs} blobs), 2,000 requests/min`,
        value: r.seconds,
        unit: 's',
        ratio: minimum > 0 ? r.seconds / minimum : undefined,
        note: `${r.throttled} throttled answers`,
      },
    ];
  } finally {
    await sim.stop();
  }
}

/** The bounded configuration the README gives for small machines. */
const BOUNDED = { memoryLimit: '128MB', nodeFlags: ['--max-old-space-size=128'] };

async function memory(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  let baseline: number | undefined;
  const sizes = [scale(60), scale(240)];
  for (const users of sizes) {
    const sim = await simulatorProcess({ work, now: NOW, users, days: 7, extra: THROTTLE_OFF });
    try {
      const overrides = { requests_per_minute: 1_000_000, concurrency: 8 };
      const runs: Array<[string, ChildResult]> = [
        ['bounded', collectChild(sim.config, BOUNDED.memoryLimit, overrides, BOUNDED.nodeFlags)],
      ];
      // Without limits, on the larger size only: what a default configuration takes.
      if (users === sizes[sizes.length - 1])
        runs.push(['defaults', collectChild(sim.config, undefined, overrides)]);
      for (const [kind, r] of runs) {
        baseline ??= r.peakRssMiB;
        rows.push({
          name: `collector peak RSS (${kind}), 7-day backfill of ${r.records} records`,
          value: r.peakRssMiB,
          unit: 'MiB',
          ratio: r.peakRssMiB / baseline,
          note: `${(r.records / r.seconds).toFixed(0)} records/s end to end${kind === 'bounded' ? '; target < 512 MiB' : ''}`,
        });
      }
    } finally {
      await sim.stop();
    }
  }
  return rows;
}

/** Our import against DuckDB alone on the same NDJSON files; the peak memory of both. */
async function importCurve(): Promise<BenchRow[]> {
  const sizes = (process.env.BENCH_IMPORT_SIZES ?? '100000,300000,1000000').split(',').map(Number);
  const samples = await simulatedRecords();
  const rows: BenchRow[] = [];
  for (const size of sizes) {
    const file = join(work, `import-${size}.ndjson`);
    const bytes = await writeRecordsFile(file, samples, size);
    const label = `${size.toLocaleString('en-US')} records (${(bytes / 1e6).toFixed(0)} MB)`;
    const engineDb = join(work, `engine-${size}.duckdb`);
    const engine = nodeChild(work, [join(repo, 'bench/lib/engine-alone.mjs'), file, engineDb]);
    // Both timed from outside, process start to exit: the same overheads on both sides.
    const engineSeconds = engine.seconds;
    rmSync(engineDb, { force: true });
    const db = join(work, `import-${size}.duckdb`);
    const ours = nodeChild(work, [
      join(repo, 'bin/m365hunt.js'),
      'import',
      file,
      '--collector-id',
      '10001',
      '--db',
      db,
    ]);
    const stored = /, ([\d,]+) stored,/.exec(ours.stdout)?.[1] ?? '?';
    rmSync(db, { force: true });
    rows.push(
      {
        name: `DuckDB alone does the same work, ${label}`,
        value: size / engineSeconds,
        unit: 'records/s',
        ratio: 1,
        note: `peak RSS ${engine.peakRssMiB.toFixed(0)} MiB (DuckDB's defaults)`,
      },
      {
        name: `m365hunt import (defaults), ${label}`,
        value: size / ours.seconds,
        unit: 'records/s',
        ratio: engineSeconds / ours.seconds,
        note: `peak RSS ${ours.peakRssMiB.toFixed(0)} MiB (target < 400); ${stored} stored; target ratio ≥ 0.7`,
      },
    );
    if (size === sizes[0]) {
      // The same records as one JSON array on a single line (issue 20, item 4: was quadratic).
      const array = join(work, `import-${size}.json`);
      await writeRecordsFile(array, samples, size, 'array');
      const one = nodeChild(work, [
        join(repo, 'bin/m365hunt.js'),
        'import',
        array,
        '--collector-id',
        '10001',
        '--db',
        db,
      ]);
      rmSync(db, { force: true });
      rmSync(array, { force: true });
      rows.push({
        name: `m365hunt import, the same ${size.toLocaleString('en-US')} records as a one-line JSON array`,
        value: size / one.seconds,
        unit: 'records/s',
        ratio: engineSeconds / one.seconds,
        note: `peak RSS ${one.peakRssMiB.toFixed(0)} MiB`,
      });
    }
    rmSync(file, { force: true });
  }
  return rows;
}

/** The collector's peak memory at its defaults, on backfills of about 100k, 300k and 1M records. */
async function collectCurve(): Promise<BenchRow[]> {
  // About 98 records per user and day in the simulator (7-day backfill: 1,460 users ≈ 1M records).
  const users = (process.env.BENCH_COLLECT_USERS ?? '146,440,1460').split(',').map(Number);
  const rows: BenchRow[] = [];
  for (const n of users) {
    const sim = await simulatorProcess({ work, now: NOW, users: n, days: 7, extra: THROTTLE_OFF });
    try {
      const r = collectChild(sim.config, 'defaults', {
        requests_per_minute: 1_000_000,
        concurrency: 8,
      });
      rows.push({
        name: `collector (defaults), 7-day backfill of ${r.records.toLocaleString('en-US')} records`,
        value: r.peakRssMiB,
        unit: 'MiB',
        note: `${(r.records / r.seconds).toFixed(0)} records/s end to end; target < 400 MiB`,
      });
    } finally {
      await sim.stop();
    }
  }
  return rows;
}

// BENCH_PART=throughput|throttle|memory|import|collect runs one part.
const part = process.env.BENCH_PART;
try {
  if (!part || part === 'throughput')
    printTable('Ingest throughput (blob bytes → committed rows) vs JSON.parse', await throughput());
  if (!part || part === 'throttle')
    printTable('Backfill against the simulator throttle', await backfillAgainstThrottle());
  if (!part || part === 'import')
    printTable(
      'Import against DuckDB alone doing the same work (same NDJSON, same run), and peak memory',
      await importCurve(),
    );
  if (!part || part === 'collect')
    printTable('Collector peak memory at its defaults', await collectCurve());
  if (!part || part === 'memory')
    printTable(
      'Collector memory on backfills of two sizes (bounded: store.memory_limit 128MB, node --max-old-space-size=128)',
      await memory(),
    );
} finally {
  rmSync(work, { recursive: true, force: true });
}
