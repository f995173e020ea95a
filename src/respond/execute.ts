// Runs a plan through Graph, one change at a time, in the order that stops the harm soonest:
// the account first (no new sign-ins, no new sharing), then its sessions, then the permissions.
// Idempotent: what is already so succeeds and says so (a disabled account, a link gone: 404).
// Each outcome is handed to `record` as soon as it is known, so a crash loses none of them.
import { GraphFailure, type GraphClient, type GraphResult } from './graph/client.js';
import { deletePermission } from './graph/drives.js';
import { revokeSessions, setAccountEnabled } from './graph/users.js';
import type { ChangeResult, Plan, PlannedChange } from './model.js';

const ORDER: Readonly<Record<PlannedChange['change'], number>> = {
  disable: 0,
  enable: 0,
  revoke: 1,
  'remove-permission': 2,
};

function failed(c: PlannedChange, error: GraphFailure): ChangeResult {
  return {
    key: c.key,
    change: c.change,
    target: c.target,
    outcome: 'failed',
    message: error.message,
    graph: error.ref,
    ...(error.remedy ? { remedy: error.remedy } : {}),
  };
}

function throttledNote(a: GraphResult): string {
  return a.ref.throttled > 0
    ? ` after ${a.ref.throttled} throttled attempt${a.ref.throttled > 1 ? 's' : ''} (429, waited as Retry-After said)`
    : '';
}

async function runChange(graph: GraphClient, plan: Plan, c: PlannedChange): Promise<ChangeResult> {
  const base = { key: c.key, change: c.change, target: c.target };
  if (c.decision === 'already') {
    return {
      ...base,
      outcome: 'already',
      message: `already ${c.change === 'disable' ? 'disabled' : 'enabled'} (${c.before}): nothing sent`,
      graph: null,
    };
  }
  switch (c.change) {
    case 'disable':
    case 'enable': {
      const a = await setAccountEnabled(graph, plan.user, c.change === 'enable');
      return {
        ...base,
        outcome: 'done',
        message: `${c.change === 'enable' ? 'enabled' : 'disabled'}: Graph answered ${a.status}${throttledNote(a)}`,
        graph: a.ref,
      };
    }
    case 'revoke': {
      const a = await revokeSessions(graph, plan.user);
      return {
        ...base,
        outcome: 'done',
        message: `sessions revoked: Graph answered ${a.status}${throttledNote(a)}`,
        graph: a.ref,
      };
    }
    case 'remove-permission': {
      const p = c.permission!;
      const a = await deletePermission(graph, p);
      return a.status === 404
        ? {
            ...base,
            outcome: 'already',
            message: `already removed: Graph answered 404${a.ref.code ? ` ${a.ref.code}` : ''}${throttledNote(a)}`,
            graph: a.ref,
          }
        : {
            ...base,
            outcome: 'done',
            message: `removed: Graph answered ${a.status}${throttledNote(a)}`,
            graph: a.ref,
          };
    }
  }
}

export async function executePlan(
  graph: GraphClient,
  plan: Plan,
  record: (result: ChangeResult) => Promise<void>,
): Promise<ChangeResult[]> {
  const results: ChangeResult[] = [];
  const emit = async (r: ChangeResult) => {
    results.push(r);
    await record(r);
  };
  // A permission Graph refused for one removal is refused for all: say so once, skip the rest.
  let filesRefused: ChangeResult | undefined;
  const ordered = [...plan.changes].sort((a, b) => ORDER[a.change] - ORDER[b.change]);
  for (const c of ordered) {
    if (c.change === 'remove-permission' && filesRefused) {
      await emit({
        key: c.key,
        change: c.change,
        target: c.target,
        outcome: 'skipped',
        message: `not attempted: Graph refused the first removal (${filesRefused.graph?.status ?? ''} ${filesRefused.graph?.code ?? ''})`,
        graph: null,
        ...(filesRefused.remedy ? { remedy: filesRefused.remedy } : {}),
      });
      continue;
    }
    try {
      await emit(await runChange(graph, plan, c));
    } catch (error) {
      if (!(error instanceof GraphFailure)) throw error;
      const r = failed(c, error);
      if (c.change === 'remove-permission' && error.status === 400) {
        // Graph refuses to delete an inherited permission (the plan skips those it can tell).
        await emit({
          ...r,
          message: `${r.message} — Graph removes a permission only on the item where it is set`,
        });
        continue;
      }
      if (
        c.change === 'remove-permission' &&
        error.status === 403 &&
        error.diagnosis?.missing.length
      )
        filesRefused = r;
      await emit(r);
    }
  }
  if (plan.sharing?.error) {
    await emit({
      key: 'discover-sharing',
      change: 'discover-sharing',
      target: plan.user.upn,
      outcome: 'failed',
      message: `the sharing could not be looked up: ${plan.sharing.error.message}`,
      graph: null,
      ...(plan.sharing.error.remedy ? { remedy: plan.sharing.error.remedy } : {}),
    });
  }
  return results;
}
