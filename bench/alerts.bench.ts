// Alert engine benchmark, on the simulator's tenant of 1,000 users with every scenario on
// (BENCH_SCALE=n simulates n days, at most 7; default 1), collected once by the real collector:
// 1. alert latency: the history is evaluated, then the rest of the records is committed in
//    blob-sized batches, each followed by an engine run, as the collector's hook does: the time
//    from a batch committed to its alerts stored, with every pack enabled (the runner waits its
//    debounce, 20 s by default, before starting; that wait is configuration, not work);
// 2. evaluation time against the number of rules (10, 37, 74, 148: every rule twice), ratio
//    against 10 rules, over all the records;
// 3. evaluation time against ingest volume (25%, 50%, 100% of the records), ratio against 25%.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultAlertsConfig, type AlertsConfig } from '../src/alerts/config.js';
import { AlertEngine } from '../src/alerts/engine/engine.js';
import type { Rule } from '../src/alerts/rules/load.js';
import type { RulePlan } from '../src/alerts/rules/profiles.js';
import { setupAlerting } from '../src/alerts/setup.js';
import { loadConfig } from '../src/config/load.js';
import { startSimulator } from '../src/simulator/index.js';
import { Collection } from '../src/sources/collection.js';
import { openStore } from '../src/store/open.js';
import type { RawRecordSet, Store } from '../src/store/store.js';
import type { Logger } from '../src/util/log.js';
import { peakRssMiB, printTable, time, type BenchRow } from './lib/report.js';

const USERS = 1_000;
const DAYS = Math.min(7, Math.max(1, Math.round(Number(process.env.BENCH_SCALE ?? '1'))));
const BATCH = 1_000;

const quiet: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (m) => console.error(m),
  child: () => quiet,
};

interface Row {
  tenant: string;
  client: string;
  hostchain: string;
  contentType: string;
  message: string;
}

async function collect(dir: string): Promise<{ rows: Row[]; now: Date; config: AlertsConfig }> {
  const sim = await startSimulator({
    port: 0,
    seed: 11,
    users: USERS,
    days: DAYS,
    scenarios: ['all'],
    speed: 0,
  });
  try {
    const file = join(dir, 'config.json');
    await sim.writeConfig(file);
    const config = loadConfig(file);
    const store = await openStore(join(dir, 'source.duckdb'));
    const { seconds } = await time(() => new Collection(config, store, { log: quiet }).once());
    const rows = (await store.queryAll({
      sql: `SELECT _tenant AS tenant, client, hostchain, _content_type AS "contentType", message
            FROM management ORDER BY _seq`,
      params: [],
    })) as unknown as Row[];
    await store.close();
    console.log(
      `collected ${rows.length} records of ${USERS} users × ${DAYS} day(s) in ${seconds.toFixed(0)} s`,
    );
    return {
      rows,
      now: sim.now(),
      config: defaultAlertsConfig(new Map(config.instances.map((i) => [i.name, i.tenantId]))),
    };
  } finally {
    await sim.close();
  }
}

function sets(rows: readonly Row[]): RawRecordSet[] {
  const first = rows[0]!;
  return [
    {
      family: 'management',
      tenant: first.tenant,
      client: first.client,
      hostchain: first.hostchain,
      contentType: null,
      origin: 'bench',
      records: rows.map((r) => r.message),
    },
  ];
}

async function load(store: Store, rows: readonly Row[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 20_000)
    await store.ingest({ sets: sets(rows.slice(i, i + 20_000)) });
}

/** Each rule again under another id: a pack twice as large, with the same work per rule. */
function doubled(plans: readonly RulePlan[]): RulePlan[] {
  const copies = plans.map((p): RulePlan => {
    const rule: Rule = { ...p.rule, id: `${p.rule.id}-copy` };
    return { rule, profiles: p.profiles.map((pr) => ({ ...pr, rule })) };
  });
  return [...plans, ...copies];
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'm365hunt-bench-alerts-'));
  let n = 0;
  const fresh = () => openStore(join(dir, `bench-${n++}.duckdb`));
  try {
    const { rows, now, config } = await collect(dir);
    const { plans } = setupAlerting(undefined);
    const engine = (store: Store, p: readonly RulePlan[]) =>
      new AlertEngine({ store, plans: p, config, log: quiet, now: () => now });

    // 1. Latency: history first, then batches committed and evaluated one by one.
    const latency: number[] = [];
    const raising: number[] = [];
    let raised = 0;
    {
      const store = await fresh();
      const history = Math.floor(rows.length * 0.75);
      await load(store, rows.slice(0, history));
      const backfill = await time(() => engine(store, plans).run());
      console.log(
        `history: ${history} records evaluated by ${plans.length} rules in ${backfill.seconds.toFixed(1)} s (${backfill.result.raised} alerts)`,
      );
      const live = engine(store, plans);
      for (let i = history; i < rows.length; i += BATCH) {
        await store.ingest({ sets: sets(rows.slice(i, i + BATCH)) });
        // The batch is committed: from here to the alerts stored is the engine's latency.
        const { seconds, result } = await time(() => live.run());
        latency.push(seconds);
        if (result.raised > 0) raising.push(seconds);
        raised += result.raised;
      }
      await store.close();
    }
    printTable(
      `Alert latency, ${plans.length} rules, ${USERS} users, batches of ${BATCH} records`,
      [
        {
          name: 'batch committed → alerts stored, median',
          value: percentile(latency, 50),
          unit: 's',
          note: `${latency.length} batches`,
        },
        {
          name: 'batch committed → alerts stored, p95',
          value: percentile(latency, 95),
          unit: 's',
          ratio: percentile(latency, 95) / percentile(latency, 50),
        },
        {
          name: 'batches that raised alerts, median',
          value: percentile(raising.length ? raising : [0], 50),
          unit: 's',
          note: `${raising.length} batches, ${raised} alerts; add the runner's debounce (20 s default)`,
        },
      ],
    );

    // 2. Rules: the same records, more rules.
    const sets2: Array<[string, RulePlan[]]> = [
      ['10 rules', plans.slice(0, 10)],
      ['37 rules', plans.slice(0, 37)],
      [`${plans.length} rules (all packs)`, [...plans]],
      [`${plans.length * 2} rules (every rule twice)`, doubled(plans)],
    ];
    const byRules: BenchRow[] = [];
    for (const [name, p] of sets2) {
      const store = await fresh();
      await load(store, rows);
      const { seconds } = await time(() => engine(store, p).run());
      await store.close();
      byRules.push({
        name,
        value: seconds,
        unit: 's',
        ratio: seconds / (byRules[0]?.value ?? seconds),
        note: `${(rows.length / seconds / 1000).toFixed(1)}k records/s`,
      });
    }
    printTable(`Evaluation time against the number of rules, ${rows.length} records`, byRules);

    // 3. Volume: all rules, more records.
    const byVolume: BenchRow[] = [];
    for (const share of [0.25, 0.5, 1]) {
      const part = rows.slice(0, Math.floor(rows.length * share));
      const store = await fresh();
      await load(store, part);
      const { seconds } = await time(() => engine(store, plans).run());
      await store.close();
      byVolume.push({
        name: `${part.length} records (${share * 100}%)`,
        value: seconds,
        unit: 's',
        ratio: seconds / (byVolume[0]?.value ?? seconds),
        note: `${(part.length / seconds / 1000).toFixed(1)}k records/s`,
      });
    }
    printTable(`Evaluation time against ingest volume, ${plans.length} rules`, byVolume);
    printTable('Memory', [{ name: 'peak resident memory', value: peakRssMiB(), unit: 'MiB' }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
