// How well the packs catch the simulator's labelled attacks, and how quiet they stay on its benign
// activity: each alert judged by the ground truth of its evidence records (the run that collects
// the simulator's records and raises the alerts is src/app/evaluate-packs.ts):
// - a scenario is detected when an alert's evidence holds one of its records AND the alert names
//   one of its actors (the account to stop);
// - an alert whose evidence is all benign is a false positive; the target is fewer than 1 per
//   1,000 user-days (users × days of history);
// - inactivity alerts have no evidence records: they are reported apart, as data-flow health.
import type { RulePlan } from '../rules/profiles.js';
import type { AlertView } from '../store/model.js';

export interface ScenarioResult {
  name: string;
  actors: string[];
  techniques: string[];
  detected: boolean;
  /** Rules with an alert that holds the scenario's records and names an actor. */
  rules: string[];
  /** Rules with an alert that holds its records (naming an actor or not). */
  touched: string[];
}

export interface RuleResult {
  id: string;
  alerts: number;
  truePositives: number;
  falsePositives: number;
  health: number;
  scenarios: string[];
}

export interface EvaluationResult {
  users: number;
  days: number;
  seed: number;
  userDays: number;
  records: number;
  rules: number;
  collectSeconds: number;
  evaluateSeconds: number;
  scenarios: ScenarioResult[];
  perRule: RuleResult[];
  alerts: number;
  falsePositives: number;
  falsePositivesPer1000UserDays: number;
  healthAlerts: number;
  recall: number;
  passed: boolean;
  /** The false positives, for tuning. */
  falsePositiveAlerts: Array<{ id: string; rule: string; group: string; count: number }>;
}

interface ScenarioInfoLike {
  readonly name: string;
  readonly actors: readonly string[];
  readonly techniques: readonly string[];
}

/** Scores alerts against the ground truth (exported for tests on hand-made data). */
export function judge(
  plans: readonly RulePlan[],
  alerts: readonly AlertView[],
  labels: ReadonlyMap<string, string>,
  scenarios: readonly ScenarioInfoLike[],
  run: {
    users: number;
    days: number;
    seed: number;
    records: number;
    collectSeconds: number;
    evaluateSeconds: number;
  },
): EvaluationResult {
  const perRule = new Map<string, RuleResult>(
    plans.map((p) => [
      p.rule.id,
      { id: p.rule.id, alerts: 0, truePositives: 0, falsePositives: 0, health: 0, scenarios: [] },
    ]),
  );
  const results: ScenarioResult[] = scenarios.map((s) => ({
    name: s.name,
    actors: [...s.actors],
    techniques: [...s.techniques],
    detected: false,
    rules: [],
    touched: [],
  }));
  const fpAlerts: EvaluationResult['falsePositiveAlerts'] = [];
  let falsePositives = 0;
  let health = 0;
  for (const alert of alerts) {
    const rule = perRule.get(alert.rule);
    if (rule) rule.alerts++;
    const ids = alert.evidence.map((e) => e.id).filter((id) => id !== '');
    if (ids.length === 0) {
      health++;
      if (rule) rule.health++;
      continue;
    }
    const found = new Set(ids.map((id) => labels.get(id) ?? 'unknown'));
    const attacks = [...found].filter((l) => l !== 'benign' && l !== 'unknown');
    if (attacks.length === 0) {
      falsePositives++;
      if (rule) rule.falsePositives++;
      fpAlerts.push({ id: alert.id, rule: alert.rule, group: alert.group_key, count: alert.count });
      continue;
    }
    if (rule) rule.truePositives++;
    const named = new Set((alert.entities.user ?? []).map((u) => u.toLowerCase()));
    for (const name of attacks) {
      const s = results.find((r) => r.name === name);
      if (!s) continue;
      if (!s.touched.includes(alert.rule)) s.touched.push(alert.rule);
      if (rule && !rule.scenarios.includes(name)) rule.scenarios.push(name);
      if (s.actors.some((a) => named.has(a.toLowerCase()))) {
        s.detected = true;
        if (!s.rules.includes(alert.rule)) s.rules.push(alert.rule);
      }
    }
  }
  const userDays = run.users * run.days;
  const rate = userDays > 0 ? (falsePositives / userDays) * 1000 : 0;
  const recall = results.length ? results.filter((s) => s.detected).length / results.length : 1;
  return {
    ...run,
    userDays,
    rules: plans.length,
    scenarios: results,
    perRule: [...perRule.values()],
    alerts: alerts.length,
    falsePositives,
    falsePositivesPer1000UserDays: rate,
    healthAlerts: health,
    recall,
    passed: recall === 1 && rate < 1,
    falsePositiveAlerts: fpAlerts,
  };
}

/** The evaluation as text: per scenario, per rule (rules with alerts), and the totals. */
export function formatEvaluation(r: EvaluationResult): string {
  const lines: string[] = [];
  const pad = (s: string, n: number) => s.padEnd(n);
  lines.push(
    `Simulated tenant: ${r.users} users × ${r.days} days = ${r.userDays} user-days, seed ${r.seed}, ${r.records} records; ${r.rules} rules.`,
    '',
    'Per scenario (detected = an alert holds its records and names its actor):',
  );
  const w = Math.max(...r.scenarios.map((s) => s.name.length), 8);
  for (const s of r.scenarios) {
    lines.push(
      `  ${pad(s.name, w)}  ${s.detected ? 'detected' : 'MISSED  '}  recall ${s.detected ? '1.00' : '0.00'}  ${s.rules.join(', ') || (s.touched.length ? `(alerts without the actor: ${s.touched.join(', ')})` : '-')}`,
    );
  }
  lines.push('', 'Per rule (rules that raised alerts):');
  const rw = Math.max(...r.perRule.map((x) => x.id.length), 8);
  lines.push(
    `  ${pad('rule', rw)}  alerts  true  false  FP/1k user-days  health  scenarios detected`,
  );
  for (const x of r.perRule.filter((x) => x.alerts > 0)) {
    const rate = r.userDays > 0 ? (x.falsePositives / r.userDays) * 1000 : 0;
    const detected = r.scenarios.filter((s) => s.rules.includes(x.id)).map((s) => s.name);
    lines.push(
      `  ${pad(x.id, rw)}  ${String(x.alerts).padStart(6)}  ${String(x.truePositives).padStart(4)}  ${String(x.falsePositives).padStart(5)}  ${rate.toFixed(2).padStart(15)}  ${String(x.health).padStart(6)}  ${detected.join(', ') || (x.scenarios.length ? `(${x.scenarios.join(', ')}, without naming the actor)` : '-')}`,
    );
  }
  const silent = r.perRule.filter((x) => x.alerts === 0).length;
  lines.push(`  (${silent} rules raised no alert)`);
  lines.push(
    '',
    `Recall: ${(r.recall * 100).toFixed(0)}% of ${r.scenarios.length} scenarios.`,
    `False positives: ${r.falsePositives} in ${r.userDays} user-days = ${r.falsePositivesPer1000UserDays.toFixed(2)} per 1,000 user-days (target < 1).`,
    `Data-flow (inactivity) alerts: ${r.healthAlerts}.`,
    `Collection ${r.collectSeconds.toFixed(1)} s, evaluation ${r.evaluateSeconds.toFixed(1)} s.`,
    r.passed ? 'PASSED' : 'FAILED',
  );
  for (const fp of r.falsePositiveAlerts.slice(0, 20))
    lines.push(`  false positive: ${fp.id} ${fp.rule} ${fp.group} (${fp.count} events)`);
  return lines.join('\n');
}
