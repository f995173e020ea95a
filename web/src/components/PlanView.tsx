// A response plan as a person reads it (the same content as the CLI's dry run): each change with
// its target, the state now → after, and the Graph call that makes it; what is already so; the
// sharing found; what is left alone and why; missing permissions; what Microsoft guarantees.
// And the outcome of a run: each change's result and what was read back.
import type { ActionDetail, ChangeResult, Plan } from '../lib/types';

const CHANGE_LABEL: Readonly<Record<string, string>> = {
  disable: 'Disable the account',
  enable: 'Enable the account',
  revoke: 'Revoke sign-in sessions',
  'remove-permission': 'Remove a sharing permission',
  'discover-sharing': 'Look up the sharing',
};

const MARK: Readonly<Record<string, string>> = {
  done: '✔',
  already: '=',
  skipped: '–',
  failed: '✘',
  ok: '✔',
  pending: '…',
};

export function PlanView({ plan }: { plan: Plan }) {
  const changes = plan.changes.filter((c) => c.decision === 'change');
  const already = plan.changes.filter((c) => c.decision === 'already');
  return (
    <div class="plan-view">
      {plan.missingPermissions.length ? (
        <div class="state error" role="alert">
          <strong>The app lacks Graph permissions this action needs</strong>
          <ul>
            {plan.missingPermissions.map((m) => (
              <li>
                <code>{m.permission}</code> to {m.for}. Fix: {m.fix}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <h3>
        Would change ({changes.length}){already.length ? `; already so (${already.length})` : ''}
      </h3>
      {plan.changes.length === 0 ? (
        <p class="muted">Nothing to change.</p>
      ) : (
        <div class="table-scroll">
          <table class="table plan-table" data-testid="plan-table">
            <thead>
              <tr>
                <th>Change</th>
                <th>Target</th>
                <th>Now</th>
                <th>After</th>
                <th>Graph call</th>
              </tr>
            </thead>
            <tbody>
              {[...changes, ...already].map((c) => (
                <tr class={c.decision === 'already' ? 'muted-row' : ''}>
                  <td data-label="Change">
                    <strong>{CHANGE_LABEL[c.change] ?? c.change}</strong>
                    {c.decision === 'already' ? (
                      <span class="muted small"> (already so: nothing sent)</span>
                    ) : null}
                  </td>
                  <td class="wrap" data-label="Target">
                    {c.target}
                  </td>
                  <td class="wrap" data-label="Now">
                    {c.before}
                  </td>
                  <td class="wrap" data-label="After">
                    {c.decision === 'already' ? '–' : c.after}
                  </td>
                  <td class="wrap" data-label="Graph call">
                    <code>{c.call}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {plan.sharing ? (
        <>
          <h3>Sharing found</h3>
          <p class="muted small">
            {plan.sharing.records} sharing records from {plan.sharing.since.slice(0, 16)} to{' '}
            {plan.sharing.until.slice(0, 16)} UTC; {plan.sharing.items.length} items found in Graph.
          </p>
          {plan.sharing.items.length ? (
            <table class="table">
              <thead>
                <tr>
                  <th>Item</th>
                  <th class="num">To remove</th>
                  <th class="num">Inherited</th>
                  <th class="num">Kept</th>
                </tr>
              </thead>
              <tbody>
                {plan.sharing.items.map((i) => (
                  <tr>
                    <td class="wrap">{i.path}</td>
                    <td class="num">{i.remove}</td>
                    <td class="num">{i.inherited}</td>
                    <td class="num">{i.kept}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {plan.sharing.error ? (
            <p class="state error">
              The sharing cannot be looked up: {plan.sharing.error.message}
              {plan.sharing.error.remedy ? ` Fix: ${plan.sharing.error.remedy}` : ''}
            </p>
          ) : null}
        </>
      ) : null}
      {plan.skipped.length ? (
        <>
          <h3>Left alone ({plan.skipped.length})</h3>
          <ul class="skipped">
            {plan.skipped.map((k) => (
              <li>
                <span class="wrap">{k.target}</span>: <span class="muted">{k.reason}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {plan.notes.length ? (
        <>
          <h3>What Microsoft does and does not guarantee</h3>
          <ul class="notes">
            {plan.notes.map((n) => (
              <li>{n}</li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

export function ResultsView({ action }: { action: ActionDetail }) {
  if (action.results.length === 0) return null;
  return (
    <>
      <h3>What was done</h3>
      <table class="table results-table" data-testid="results-table">
        <thead>
          <tr>
            <th>Outcome</th>
            <th>Change</th>
            <th>Target</th>
            <th>Graph answered</th>
          </tr>
        </thead>
        <tbody>
          {action.results.map((r: ChangeResult) => (
            <tr class={`outcome-${r.outcome}`}>
              <td class="nowrap">
                {MARK[r.outcome]} {r.outcome}
              </td>
              <td class="nowrap">{CHANGE_LABEL[r.change] ?? r.change}</td>
              <td class="wrap">{r.target}</td>
              <td class="wrap">
                {r.message}
                {r.remedy ? <span class="hint"> Fix: {r.remedy}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {action.checks.length ? (
        <>
          <h3>Read back from Graph</h3>
          <ul class="checks">
            {action.checks.map((c) => (
              <li class={`outcome-${c.outcome}`}>
                {MARK[c.outcome]} {c.outcome}: {c.target}: {c.message}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

export function ActionHistory({ action }: { action: ActionDetail }) {
  return (
    <ol class="history">
      {action.history
        .filter((h) => h.step !== 'executed' && h.step !== 'verified')
        .map((h) => (
          <li>
            <span class="muted small nowrap">{h.at.replace('T', ' ').slice(0, 19)}</span>{' '}
            <strong>{h.by}</strong> {h.step}
            {h.detail ? <span class="muted"> — {h.detail}</span> : null}
          </li>
        ))}
    </ol>
  );
}
