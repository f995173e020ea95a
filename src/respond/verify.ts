// Reads the state back from Graph after an action: the account's accountEnabled, its
// signInSessionsValidFromDateTime (moved to the revocation or later), each removed permission
// gone (404). A check Microsoft may take minutes to reflect is `pending`, not failed.
import { GraphFailure, type GraphClient } from './graph/client.js';
import { getPermission } from './graph/drives.js';
import { getUser } from './graph/users.js';
import type { ChangeResult, CheckResult, Plan, UserState } from './model.js';

function failure(key: string, target: string, error: GraphFailure): CheckResult {
  return {
    key,
    target,
    outcome: 'failed',
    message: `cannot read back: ${error.message}`,
    graph: error.ref,
  };
}

export async function verifyPlan(
  graph: GraphClient,
  plan: Plan,
  results: readonly ChangeResult[],
): Promise<CheckResult[]> {
  const checks: CheckResult[] = [];
  const applied = results.filter((r) => r.outcome === 'done' || r.outcome === 'already');
  const byKey = new Map(plan.changes.map((c) => [c.key, c]));
  const userResults = applied.filter((r) => r.change !== 'remove-permission');
  if (userResults.length > 0) {
    let after: UserState | undefined;
    let read: Awaited<ReturnType<typeof getUser>> | undefined;
    try {
      read = await getUser(graph, plan.user.id);
      after = read.state;
    } catch (error) {
      if (!(error instanceof GraphFailure)) throw error;
      for (const r of userResults) checks.push(failure(r.key, r.target, error));
    }
    if (after && read) {
      for (const r of userResults) {
        if (r.change === 'disable' || r.change === 'enable') {
          const want = r.change === 'enable';
          checks.push({
            key: r.key,
            target: r.target,
            outcome: after.accountEnabled === want ? 'ok' : 'failed',
            message:
              after.accountEnabled === want
                ? `accountEnabled is ${String(want)}`
                : `accountEnabled is still ${String(after.accountEnabled)}`,
            graph: read.answer.ref,
          });
        } else if (r.change === 'revoke') {
          const before = plan.user.signInSessionsValidFrom;
          const now = after.signInSessionsValidFrom;
          // Moved: later than before, or at least as late as Graph's clock when it answered the revoke
          // (Graph's times have whole seconds).
          const answered = r.graph?.date ? Date.parse(r.graph.date) : NaN;
          const moved =
            now !== null &&
            ((before !== null && Date.parse(now) > Date.parse(before)) ||
              (!Number.isNaN(answered) && Date.parse(now) >= answered - 1000));
          checks.push({
            key: r.key,
            target: r.target,
            outcome: moved ? 'ok' : 'pending',
            message: moved
              ? `signInSessionsValidFromDateTime moved from ${before ?? 'unknown'} to ${now}`
              : `signInSessionsValidFromDateTime is still ${now ?? 'unknown'}: Microsoft says revocation may take a few minutes; read it again later with respond show`,
            graph: read.answer.ref,
          });
        }
      }
    }
  }
  for (const r of applied) {
    if (r.change !== 'remove-permission') continue;
    const p = byKey.get(r.key)?.permission;
    if (!p) continue;
    try {
      const a = await getPermission(graph, p);
      checks.push({
        key: r.key,
        target: r.target,
        outcome: a.status === 404 ? 'ok' : 'failed',
        message:
          a.status === 404 ? 'gone (Graph answers 404)' : `still there (Graph answers ${a.status})`,
        graph: a.ref,
      });
    } catch (error) {
      if (!(error instanceof GraphFailure)) throw error;
      checks.push(failure(r.key, r.target, error));
    }
  }
  return checks;
}
