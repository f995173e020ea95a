// The Graph sources' backfill against the least time Microsoft's documented limits allow for the
// same data (docs/collecting.md, "Microsoft's limits"): a simulated tenant that enforces those
// limits, 7 days of history, one source at a time into a fresh DuckDB store, over loopback HTTP.
//   entra_id       sign-ins + directory audits: 5 requests per 10 s per app and tenant, pages of
//                  1,000 → least = floor((R − 1) / 5) × 10 s for R = ⌈sign-ins/1000⌉ + ⌈audits/1000⌉
//   message_trace  100 requests per 5-minute running window per tenant, pages of 5,000
//                  → least = floor((R − 1) / 100) × 300 s for R = ⌈entries/5000⌉
//   reports        14 requests per 10 minutes per report: one request per report → least = 0
// The ratio is time ÷ least when the quota decides (least > 0); otherwise the note gives the
// time a handful of requests and commits take. Target: ≤ 1.2×.
// `npm run bench -- graph`; BENCH_USERS="30,1000" sets the tenant sizes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.js';
import { createTenantClients, hostchainFor } from '../src/sources/collection.js';
import { GraphSources } from '../src/sources/graph/sources.js';
import { openStore } from '../src/store/open.js';
import { createLogger, setLogLevel } from '../src/util/log.js';
import { type BenchRow, printTable, time } from './lib/report.js';
import { readFileSync, writeFileSync } from 'node:fs';

const sizes = (process.env.BENCH_USERS ?? '30,1000')
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n >= 10);
const now = new Date('2026-03-04T12:00:00Z');
setLogLevel('error');
const log = createLogger('bench');

type Source = 'entra_id' | 'message_trace' | 'reports';

async function truthCount(
  sim: SimulatorHandle,
  source: 'signIns' | 'directoryAudits' | 'messageTraces',
) {
  let n = 0;
  for await (const _ of sim.truth({ source, availableOnly: true })) n++;
  return n;
}

function leastSeconds(requests: number, limit: number, windowSeconds: number): number {
  return requests <= 0 ? 0 : Math.floor((requests - 1) / limit) * windowSeconds;
}

async function backfill(sim: SimulatorHandle, users: number, source: Source): Promise<BenchRow> {
  const dir = mkdtempSync(join(tmpdir(), 'm365hunt-bench-graph-'));
  try {
    const file = join(dir, 'config.json');
    await sim.writeConfig(file, { graph: true });
    const json = JSON.parse(readFileSync(file, 'utf8')) as {
      inputs: { office365: { services: Record<string, unknown> } };
    };
    // This source alone, at Microsoft's limits (the simulator's defaults), a 7-day backfill.
    const services = json.inputs.office365.services;
    for (const key of Object.keys(services)) if (key !== source) delete services[key];
    if (source !== 'reports') services[source] = { backfill: '7d' };
    writeFileSync(file, JSON.stringify(json));
    const config = loadConfig(file);
    const instance = config.instances[0]!;
    const store = await openStore(join(dir, 'store.duckdb'));
    try {
      // Time spent waiting for answers (the simulator's share, not the collector's).
      let answering = 0;
      const timedFetch: typeof fetch = async (input, init) => {
        const t0 = performance.now();
        try {
          const r = await fetch(input, init);
          await r.clone().arrayBuffer();
          return r;
        } finally {
          answering += performance.now() - t0;
        }
      };
      const clients = createTenantClients(instance, { log });
      const graph = new GraphSources({
        fetch: timedFetch,
        store,
        instance,
        tokens: clients.tokens,
        clock: clients.clock,
        hostchain: hostchainFor(instance),
        log,
      });
      // The simulator builds its logs on first use: count the truth first, so that the time
      // measured is the collector's and the limit's.
      const signIns = await truthCount(sim, 'signIns');
      const audits = await truthCount(sim, 'directoryAudits');
      const traces = await truthCount(sim, 'messageTraces');
      const before = sim.counters();
      const { seconds, result } = await time(() => graph.pass());
      const errors = result.filter((r) => r.error).map((r) => r.error);
      if (errors.length) throw new Error(`${source}: ${errors.join('; ')}`);
      const after = sim.counters();
      const delta = (k: string) => (after[k] ?? 0) - (before[k] ?? 0);
      const records = result.reduce((n, r) => n + r.inserted, 0);
      let least = 0;
      let detail = '';
      if (source === 'entra_id') {
        const needed = Math.ceil(signIns / 1000) + Math.ceil(audits / 1000);
        least = leastSeconds(needed, 5, 10);
        const sent = delta('graph.signIns.pages') + delta('graph.directoryAudits.pages');
        detail = `${signIns} sign-ins + ${audits} audits; ${sent} pages (least ${needed}), ${delta('graph.auditLogs.throttled')} throttled`;
      } else if (source === 'message_trace') {
        const entries = traces;
        const needed = Math.ceil(entries / 5000);
        least = leastSeconds(needed, 100, 300);
        detail = `${entries} entries; ${delta('graph.messageTraces.pages')} pages (least ${needed}), ${delta('graph.messageTraces.throttled')} throttled`;
      } else {
        detail = `${result.length} reports, ${records} rows`;
      }
      return {
        name: `${source} backfill, ${users} users, 7 days`,
        value: seconds,
        unit: 's',
        ...(least > 0 ? { ratio: seconds / least } : {}),
        note: `${detail}; least ${least.toFixed(0)} s by the documented limit; ${(answering / 1000).toFixed(1)} s waiting for answers`,
      };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rows: BenchRow[] = [];
  for (const users of sizes) {
    const sim = await startSimulator({
      host: '127.0.0.1',
      port: 0,
      seed: 11,
      users,
      days: 7,
      scenarios: ['all'],
      now,
      speed: 0,
    });
    try {
      for (const source of ['entra_id', 'message_trace', 'reports'] as const) {
        const row = await backfill(sim, users, source);
        rows.push(row);
        console.log(`${row.name}: ${row.value.toFixed(2)} s (${row.note})`);
      }
    } finally {
      await sim.close();
    }
  }
  printTable('Graph backfill against the least time the documented limits allow', rows);
}

await main();
