// Plans and actions as text for a terminal: what would change, what is left alone and why, what
// Microsoft guarantees; then what was done, what Graph answered, and what was read back.
import type { ActionView, Plan } from './model.js';

const MARK: Readonly<Record<string, string>> = {
  done: '✔',
  already: '=',
  skipped: '–',
  failed: '✘',
  ok: '✔',
  pending: '…',
};

export function renderPlan(plan: Plan): string[] {
  const u = plan.user;
  const lines = [
    `${u.upn}${u.displayName ? ` (${u.displayName})` : ''} in ${plan.tenant.name}`,
    `  now: accountEnabled ${String(u.accountEnabled)}, ${u.userType ?? 'unknown type'}, sessions valid from ${u.signInSessionsValidFrom ?? 'unknown'}${u.onPremisesSyncEnabled ? ', synchronised from on-premises' : ''}`,
  ];
  if (plan.missingPermissions.length > 0) {
    lines.push('', 'the app lacks Graph permissions this action needs:');
    for (const m of plan.missingPermissions)
      lines.push(`  ${m.permission}: to ${m.for}`, `    fix: ${m.fix}`);
  }
  const changes = plan.changes.filter((c) => c.decision === 'change');
  const already = plan.changes.filter((c) => c.decision === 'already');
  lines.push('', `would change (${changes.length}):`);
  if (changes.length === 0) lines.push('  nothing');
  for (const c of changes)
    lines.push(
      `  ${c.change.padEnd(17)} ${c.target}`,
      `    ${c.before} → ${c.after}`,
      `    ${c.call}`,
    );
  if (already.length > 0) {
    lines.push('', `already so (${already.length}), nothing will be sent:`);
    for (const c of already) lines.push(`  ${c.change.padEnd(17)} ${c.target}: ${c.before}`);
  }
  if (plan.sharing) {
    const s = plan.sharing;
    lines.push(
      '',
      `sharing by ${u.upn} from ${s.since} to ${s.until}: ${s.records} audit records, ${s.items.length} items found in Graph`,
    );
    for (const i of s.items)
      lines.push(
        `  ${i.path}: ${i.remove} to remove, ${i.inherited} inherited, ${i.kept} other permissions kept`,
      );
    if (s.error)
      lines.push(
        `  cannot look the sharing up: ${s.error.message}`,
        ...(s.error.remedy ? [`    fix: ${s.error.remedy}`] : []),
      );
  }
  if (plan.skipped.length > 0) {
    lines.push('', `left alone (${plan.skipped.length}):`);
    for (const k of plan.skipped) lines.push(`  ${k.target}`, `    ${k.reason}`);
  }
  if (plan.notes.length > 0) {
    lines.push('', 'what Microsoft does and does not guarantee:');
    for (const n of plan.notes) lines.push(`  - ${n}`);
  }
  return lines;
}

export function renderAction(a: ActionView): string[] {
  const lines = [
    `${a.id}  ${a.kind} ${a.user}  ${a.status.toUpperCase()}`,
    `tenant ${a.client}; proposed ${a.created} by ${a.proposedBy} (${a.proposedVia})${a.approvedBy ? `; approved by ${a.approvedBy}` : ''}${a.rejectedBy ? `; rejected by ${a.rejectedBy}` : ''}`,
  ];
  if (a.alertId) lines.push(`from alert ${a.alertId}${a.rule ? ` (${a.rule})` : ''}`);
  if (a.reason) lines.push(`reason: ${a.reason}`);
  if (a.undoOf) lines.push(`undoes ${a.undoOf}`);
  if (a.undoneBy) lines.push(`undone by ${a.undoneBy}`);
  const plan = a.executedPlan ?? a.proposalPlan;
  if (a.results.length === 0 && plan) {
    lines.push(
      '',
      a.executedPlan ? 'plan:' : 'dry run made at the proposal:',
      ...renderPlan(plan).map((l) => `  ${l}`),
    );
  }
  if (a.proposalPlanError && !a.executedPlan)
    lines.push('', `dry run at the proposal failed: ${a.proposalPlanError}`);
  if (a.results.length > 0) {
    lines.push('', 'changes:');
    for (const r of a.results) {
      lines.push(
        `  ${MARK[r.outcome] ?? '?'} ${r.outcome.padEnd(8)} ${r.change} ${r.target}`,
        `      ${r.message}`,
      );
      if (r.remedy) lines.push(`      fix: ${r.remedy}`);
    }
  }
  if (a.checks.length > 0) {
    lines.push('', 'read back from Graph:');
    for (const c of a.checks)
      lines.push(`  ${MARK[c.outcome] ?? '?'} ${c.outcome.padEnd(8)} ${c.target}: ${c.message}`);
  }
  if (plan && a.results.length > 0) {
    if (plan.skipped.length > 0) {
      lines.push('', `left alone (${plan.skipped.length}):`);
      for (const k of plan.skipped) lines.push(`  ${k.target}: ${k.reason}`);
    }
    if (plan.notes.length > 0) lines.push('', ...plan.notes.map((n) => `note: ${n}`));
  }
  lines.push('', 'log:');
  for (const h of a.history) {
    lines.push(
      `  ${h.at}  ${h.step.padEnd(9)} ${h.status.padEnd(9)} ${h.by}${h.outcome ? `  ${h.outcome}` : ''}${h.target && h.step !== 'proposed' ? `  ${h.target}` : ''}${h.detail && h.step !== 'executed' && h.step !== 'verified' ? `  — ${h.detail}` : ''}`,
    );
  }
  return lines;
}
