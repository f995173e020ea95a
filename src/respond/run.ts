// Runs an approved action: a fresh plan (the state may have moved since the proposal), the
// changes, the read-back, each appended to the log as soon as it is known; then the final status.
// An error anywhere ends the run with a `completed … failed` row saying what happened.
import type { Store } from '../store/store.js';
import type { Logger } from '../util/log.js';
import type { RespondConfig } from './config.js';
import { executePlan } from './execute.js';
import { GraphFailure, type GraphClient } from './graph/client.js';
import { appendRows, stepRow } from './log.js';
import {
  foldAction,
  summarise,
  type ActionEventRecord,
  type ActionStatus,
  type ActionView,
  type Actor,
  type ChangeResult,
  type CheckResult,
  type Plan,
  type StepName,
} from './model.js';
import { planAction } from './plan.js';
import { verifyPlan } from './verify.js';

export interface RunDeps {
  readonly store: Store;
  readonly config: RespondConfig;
  readonly log: Logger;
  readonly now: () => Date;
  /** The action's tenant's Graph client (throws when the tenant may not be acted on). */
  readonly graph: () => GraphClient;
  /** Keeps the action's lease while the run lasts. */
  readonly renew: () => Promise<unknown>;
}

export async function runApproved(
  deps: RunDeps,
  rows: readonly ActionEventRecord[],
  by: Actor,
): Promise<ActionView> {
  const view = foldAction(rows)!;
  const all = [...rows];
  const append = async (row: ActionEventRecord) => {
    all.push(row);
    await appendRows(deps.store, [row]);
    await deps.renew();
  };
  const next = (step: StepName, status: ActionStatus, extra: Partial<ActionEventRecord> = {}) =>
    stepRow(view, all.length + 1, step, status, by, deps.now(), extra);
  let results: ChangeResult[] = [];
  try {
    const graph = deps.graph();
    const plan = await planAction({ graph, store: deps.store, config: deps.config }, view.spec);
    await append(
      next('started', 'running', { Plan: plan, Target: plan.user.upn, Detail: planLine(plan) }),
    );
    results = await executePlan(graph, plan, (r) =>
      append(next('executed', 'running', resultColumns(r))),
    );
    const checks = await verifyPlan(graph, plan, results);
    for (const c of checks) await append(next('verified', 'running', checkColumns(c)));
    const status = finalStatus(results, checks);
    const done = foldAction(all)!;
    await append(
      next('completed', status, {
        Target: plan.user.upn,
        Detail: summarise({ ...done, status }),
      }),
    );
    deps.log.info(`${view.id} ${view.kind} ${view.user}: ${status}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const hint = error instanceof GraphFailure ? error.remedy : (error as { hint?: string }).hint;
    await append(next('completed', 'failed', { Detail: `${message}${hint ? ` — ${hint}` : ''}` }));
    deps.log.error(`${view.id} failed: ${message}`);
  }
  return foldAction(all)!;
}

export function finalStatus(
  results: readonly ChangeResult[],
  checks: readonly CheckResult[],
): ActionStatus {
  if (results.some((r) => r.outcome === 'failed' || r.outcome === 'skipped')) return 'failed';
  if (checks.some((c) => c.outcome === 'failed')) return 'failed';
  if (checks.some((c) => c.outcome === 'pending')) return 'executed';
  return 'verified';
}

export function planLine(plan: Plan): string {
  const changes = plan.changes.filter((c) => c.decision === 'change').length;
  const already = plan.changes.length - changes;
  return `${changes} change${changes === 1 ? '' : 's'} to make, ${already} already so, ${plan.skipped.length} left alone${plan.missingPermissions.length ? `; missing permissions: ${plan.missingPermissions.map((m) => m.permission).join(', ')}` : ''}`;
}

function resultColumns(r: ChangeResult): Partial<ActionEventRecord> {
  return {
    Result: r,
    Target: r.target,
    Outcome: r.outcome,
    ...(r.graph ? { Operation: `${r.graph.method} ${r.graph.path}` } : {}),
    ...(r.graph?.status ? { HttpStatus: r.graph.status } : {}),
    ...(r.graph?.code ? { GraphCode: r.graph.code } : {}),
    Detail: `${r.message}${r.remedy ? ` — ${r.remedy}` : ''}${r.outcome === 'failed' && r.graph?.excerpt ? ` [Graph: ${r.graph.excerpt}]` : ''}`,
  };
}

export function checkColumns(c: CheckResult): Partial<ActionEventRecord> {
  return {
    Check: c,
    Target: c.target,
    Outcome: c.outcome,
    ...(c.graph ? { Operation: `${c.graph.method} ${c.graph.path}` } : {}),
    ...(c.graph?.status ? { HttpStatus: c.graph.status } : {}),
    ...(c.graph?.code ? { GraphCode: c.graph.code } : {}),
    Detail: c.message,
  };
}
