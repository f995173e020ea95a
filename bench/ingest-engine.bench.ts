// Ingest against the engine alone, and the collector's memory at its defaults (issue 18):
// 1. `chdb`: chdb doing an import's work by itself on an NDJSON file (one statement: each line kept
//    as `message`, the promoted fields parsed into the store's columns, invalid records and
//    repeated ids dropped), against `m365hunt import` of the same file into a chdb store and the
//    collector's ingest path (commits of 5,000 records in blobs of 500) into a chdb store: wall
//    time as a ratio to the engine's (target ≥ 0.7), and the peak memory of each (target < 400 MiB).
//    Sizes: BENCH_CHDB_SIZES (default 100000,300000,1000000).
// 2. `collect`: peak RSS of `m365hunt collect --once` backfilling 7 days from the simulator over
//    loopback HTTP (the simulator in its own process), at the collector's defaults, into DuckDB
//    and into chdb. Users: BENCH_COLLECT_USERS (default 210,630,2100: about 100k, 300k and 1M
//    records; 146 users made 69,541 records, about 68 per user and day).
// Every run is a child process timed from outside, start to exit: the same overheads on both sides.
// `npm run bench -- ingest-engine`; BENCH_PART=chdb|collect runs one part.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable, type BenchRow } from './lib/report.js';
import { nodeChild, simulatorProcess } from './lib/processes.js';
import { simulatedRecords, writeRecordsFile } from './lib/records-file.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'm365hunt-bench-engine-'));
const NOW = new Date('2026-11-20T12:00:00Z');
const MEMORY_TARGET_MIB = 400;

function lastJson<T>(stdout: string): T {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}

const mib = (n: number) => `${n.toFixed(0)} MiB`;

/** chdb alone, `m365hunt import` into chdb and the collector's ingest into chdb, on one file. */
async function chdbAgainstChdb(): Promise<BenchRow[]> {
  const sizes = (process.env.BENCH_CHDB_SIZES ?? '100000,300000,1000000').split(',').map(Number);
  const samples = await simulatedRecords();
  const rows: BenchRow[] = [];
  for (const size of sizes) {
    const file = join(work, `records-${size}.ndjson`);
    const bytes = await writeRecordsFile(file, samples, size);
    const label = `${size.toLocaleString('en-US')} records (${(bytes / 1e6).toFixed(0)} MB)`;
    const dir = (name: string) => join(work, `${name}-${size}`);

    const engine = nodeChild(work, [join(repo, 'bench/lib/chdb-alone.mjs'), file, dir('alone')]);
    const engineRows = lastJson<{ rows: number }>(engine.stdout).rows;
    rmSync(dir('alone'), { recursive: true, force: true });

    const ours = nodeChild(work, [
      join(repo, 'bin/m365hunt.js'),
      'import',
      file,
      '--collector-id',
      '10001',
      '--store',
      `chdb:${dir('import')}`,
    ]);
    const stored = /, ([\d,]+) stored,/.exec(ours.stdout)?.[1] ?? '?';
    rmSync(dir('import'), { recursive: true, force: true });

    const collector = nodeChild(work, [
      join(repo, 'bench/lib/ingest-child.mjs'),
      file,
      `chdb:${dir('collector')}`,
    ]);
    const collected = lastJson<{ rows: number }>(collector.stdout).rows;
    rmSync(dir('collector'), { recursive: true, force: true });
    rmSync(file, { force: true });

    rows.push(
      {
        name: `chdb alone does the same work, ${label}`,
        value: size / engine.seconds,
        unit: 'records/s',
        ratio: 1,
        note: `peak RSS ${mib(engine.peakRssMiB)} (chdb's defaults); ${engineRows.toLocaleString('en-US')} stored`,
      },
      {
        name: `m365hunt import --store chdb:DIR, ${label}`,
        value: size / ours.seconds,
        unit: 'records/s',
        ratio: engine.seconds / ours.seconds,
        note: `peak RSS ${mib(ours.peakRssMiB)} (target < ${MEMORY_TARGET_MIB}); ${stored} stored; target ratio ≥ 0.7`,
      },
      {
        name: `collector ingest into chdb (commits of 5,000), ${label}`,
        value: size / collector.seconds,
        unit: 'records/s',
        ratio: engine.seconds / collector.seconds,
        note: `peak RSS ${mib(collector.peakRssMiB)}; ${collected.toLocaleString('en-US')} stored; target ratio ≥ 0.7`,
      },
    );
  }
  return rows;
}

interface CollectStats {
  seconds: number;
  requests: number;
  records: number;
  blobs: number;
  errors: string[];
  peakRssMiB: number;
}

/**
 * `m365hunt collect --once` as a user runs it, at the collector's defaults. One change: the
 * simulator answers without a throttle, and the collector's own pacing (requests_per_minute,
 * which spaces requests out and holds nothing) is lifted so that a backfill of a million records
 * takes minutes, not hours.
 */
function collectOnce(config: string, store: string): CollectStats {
  const json = JSON.parse(readFileSync(config, 'utf8')) as {
    inputs: { office365: Record<string, unknown> };
  };
  json.inputs.office365.requests_per_minute = 1_000_000;
  writeFileSync(config, JSON.stringify(json));
  const run = nodeChild(work, [
    join(repo, 'bin/m365hunt.js'),
    'collect',
    '--once',
    '--quiet',
    '--stats',
    '--config',
    config,
    '--store',
    store,
  ]);
  const stats = lastJson<CollectStats>(run.stdout);
  return { ...stats, peakRssMiB: run.peakRssMiB };
}

/** Peak RSS of `collect --once` on 7-day backfills of three sizes, into DuckDB and chdb. */
async function collectCurve(): Promise<BenchRow[]> {
  const users = (process.env.BENCH_COLLECT_USERS ?? '210,630,2100').split(',').map(Number);
  const kinds = (process.env.BENCH_COLLECT_STORES ?? 'duckdb,chdb').split(',');
  const rows: BenchRow[] = [];
  for (const n of users) {
    const sim = await simulatorProcess({
      work,
      now: NOW,
      users: n,
      days: 7,
      extra: ['--throttle-per-minute', '0'],
    });
    try {
      for (const kind of kinds) {
        const location = join(work, `collect-${n}-${kind}`);
        const r = collectOnce(sim.config, kind === 'chdb' ? `chdb:${location}` : location);
        rmSync(location, { recursive: true, force: true });
        rows.push({
          name: `collect --once (defaults) into ${kind}, 7-day backfill of ${r.records.toLocaleString('en-US')} records`,
          value: r.peakRssMiB,
          unit: 'MiB',
          note: `${(r.records / r.seconds).toFixed(0)} records/s end to end, ${r.blobs} blobs${r.errors.length > 0 ? `, ${r.errors.length} errors` : ''}; target < ${MEMORY_TARGET_MIB} MiB`,
        });
      }
    } finally {
      await sim.stop();
    }
  }
  return rows;
}

// BENCH_PART=chdb|collect runs one part.
const part = process.env.BENCH_PART;
try {
  if (!part || part === 'chdb')
    printTable(
      'chdb against chdb: import and collector ingest vs chdb alone doing the same work (same NDJSON, same run)',
      await chdbAgainstChdb(),
    );
  if (!part || part === 'collect')
    printTable(
      'Collector backfill at its defaults: peak RSS by size, DuckDB and chdb',
      await collectCurve(),
    );
} finally {
  rmSync(work, { recursive: true, force: true });
}
