// `rules eval`: how well the packs catch the simulator's labelled attacks, and how quiet they stay
// on its benign activity. The simulator runs in-process with every scenario on; the real collector
// fills a temporary DuckDB store; the engine evaluates every enabled rule; then each alert is
// judged by the ground truth of its evidence records:
// - a scenario is detected when an alert's evidence holds one of its records AND the alert names
//   one of its actors (the account to stop);
// - an alert whose evidence is all benign is a false positive; the target is fewer than 1 per
//   1,000 user-days (users × days of history);
// - inactivity alerts have no evidence records: they are reported apart, as data-flow health.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultAlertsConfig } from '../alerts/config.js';
import { AlertEngine } from '../alerts/engine/engine.js';
import { judge, type EvaluationResult } from '../alerts/eval/evaluate.js';
import type { RulePlan } from '../alerts/rules/profiles.js';
import { listAlerts } from '../alerts/store/alert-store.js';
import { loadConfig } from '../config/load.js';
import { Collection } from '../sources/collection.js';
import { openStore } from '../store/open.js';
import type { Logger } from '../util/log.js';

export interface EvaluationOptions {
  readonly plans: readonly RulePlan[];
  readonly users?: number;
  readonly days?: number;
  readonly seed?: number;
  /** Scenario names, or ['all'] (default). */
  readonly scenarios?: readonly string[];
  readonly progress?: (line: string) => void;
}

function quietLogger(progress?: (line: string) => void): Logger {
  const l: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (m) => progress?.(`warning: ${m}`),
    error: (m) => progress?.(`error: ${m}`),
    child: () => l,
  };
  return l;
}

export async function evaluatePacks(options: EvaluationOptions): Promise<EvaluationResult> {
  const users = options.users ?? 50;
  const days = options.days ?? 2;
  const seed = options.seed ?? 1;
  const progress = options.progress ?? (() => undefined);
  // Loaded on use: the CLI imports this module for every command, the simulator only for this one.
  const { startSimulator } = await import('../simulator/index.js');
  const dir = mkdtempSync(join(tmpdir(), 'm365hunt-eval-'));
  const sim = await startSimulator({
    port: 0,
    seed,
    users,
    days,
    scenarios: [...(options.scenarios ?? ['all'])],
    speed: 0,
    // Graph's audit-log limit (5 requests per 10 s) would make the sign-in backfill slow; this
    // measures the rules, not the throttle.
    switches: { auditLogThrottlePer10Seconds: 1000 },
  });
  try {
    progress(
      `simulated tenant: ${users} users, ${days} days, seed ${seed}, scenarios ${sim
        .scenarios()
        .map((s) => s.name)
        .join(', ')}`,
    );
    const configFile = join(dir, 'config.json');
    // The Graph sources too: the takeover rules read sign-ins and message trace.
    await sim.writeConfig(configFile, { graph: true });
    const config = loadConfig(configFile);
    const store = await openStore(join(dir, 'eval.duckdb'));
    try {
      const log = quietLogger(progress);
      const t0 = performance.now();
      const collection = new Collection(config, store, { log });
      await collection.once();
      const collectSeconds = (performance.now() - t0) / 1000;
      const records = Number(await store.maxSeq());
      progress(`collected ${records} records in ${collectSeconds.toFixed(1)} s`);
      const alertsConfig = defaultAlertsConfig(
        new Map(config.instances.map((i) => [i.name, i.tenantId])),
      );
      const engine = new AlertEngine({
        store,
        plans: options.plans,
        config: alertsConfig,
        log,
        now: () => sim.now(),
      });
      const t1 = performance.now();
      const summary = await engine.run();
      const evaluateSeconds = (performance.now() - t1) / 1000;
      progress(
        `evaluated ${options.plans.length} rules in ${evaluateSeconds.toFixed(1)} s: ${summary.raised} alerts`,
      );
      for (const e of summary.errors) progress(`error: ${e.rule}: ${e.message}`);
      const labels = new Map<string, string>();
      for await (const line of sim.truth({ availableOnly: true })) labels.set(line.Id, line.label);
      // The Graph sources' records have labels of their own (a taken-over account's mail out).
      for (const source of ['signIns', 'directoryAudits', 'messageTraces'] as const)
        for await (const line of sim.truth({ availableOnly: true, source }))
          labels.set(line.Id, line.label);
      const alerts = await listAlerts(store);
      return judge(options.plans, alerts, labels, sim.scenarios(), {
        users,
        days,
        seed,
        records,
        collectSeconds,
        evaluateSeconds,
      });
    } finally {
      await store.close();
    }
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
