// Responding to an account: disable it, revoke its sessions, remove the sharing it created.
// Always a dry run first, shown as a change table; then, with four eyes (the default), a proposal
// that another responder reviews and approves — the approver sees the plan and confirms. An
// analyst proposes; a responder proposes or approves; nobody approves their own proposal.
import { useEffect, useState } from 'preact/hooks';
import { Link } from '../App';
import { ActionHistory, PlanView, ResultsView } from '../components/PlanView';
import { ErrorBox, Loading } from '../components/States';
import { api } from '../lib/api';
import { timeText } from '../lib/format';
import { atLeast, type ActionDetail, type Me, type Plan, type ActionRequest } from '../lib/types';

/** One action whole, with the steps the signed-in person may take on it. */
/** "13 changes: disable, revoke sessions, 11 sharing permissions". */
export function planSummary(plan: Plan): string {
  const changes = plan.changes.filter((c) => c.decision === 'change');
  const n = (kind: string) => changes.filter((c) => c.change === kind).length;
  const parts = [
    n('disable') ? 'disable the account' : null,
    n('enable') ? 'enable the account' : null,
    n('revoke') ? 'revoke its sessions' : null,
    n('remove-permission')
      ? `remove ${n('remove-permission')} sharing permission${n('remove-permission') > 1 ? 's' : ''}`
      : null,
  ].filter(Boolean);
  return `${changes.length} change${changes.length === 1 ? '' : 's'}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

export function ActionReview({
  id,
  me,
  onChanged,
  onClose,
  collapsed = false,
}: {
  id: string;
  me: Me;
  onChanged?: () => void;
  onClose?: () => void;
  /** Show the plan only on demand (and when confirming). */
  collapsed?: boolean;
}) {
  const [showPlan, setShowPlan] = useState(!collapsed);
  const [action, setAction] = useState<ActionDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [rejecting, setRejecting] = useState<string | null>(null);
  useEffect(() => {
    setAction(null);
    api('GET /api/actions/:id', { params: { id } }).then(setAction, setError);
  }, [id]);
  if (error && !action) return <ErrorBox error={error} />;
  if (!action) return <Loading what="the action" />;
  /** One step of the workflow on this action, then the action as it is after it. */
  const step = async (run: (params: { id: string }) => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await run({ id: action.id });
      setAction(await api('GET /api/actions/:id', { params: { id: action.id } }));
      setConfirming(false);
      setRejecting(null);
      onChanged?.();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const responder = atLeast(me.role, 'responder');
  const own = action.proposedBy.toLowerCase() === me.user.toLowerCase();
  const plan = action.executedPlan ?? action.proposalPlan;
  return (
    <section class="action-review" aria-label={`Action ${action.id}`} data-testid="action-review">
      <header class="record-head">
        <h2>
          {action.action} {action.user}
        </h2>
        <span class={`status status-${action.status}`} data-testid="action-status">
          {action.status}
        </span>
        <span class="spacer" />
        {onClose ? (
          <button class="secondary small" onClick={onClose} aria-label="Close">
            ✕
          </button>
        ) : null}
      </header>
      <p class="muted small">
        {action.id} · proposed {timeText(action.created)} UTC by{' '}
        <strong>{action.proposedBy}</strong>
        {action.approvedBy ? (
          <>
            {' '}
            · approved by <strong>{action.approvedBy}</strong>
          </>
        ) : null}
        {action.rejectedBy ? ` · rejected by ${action.rejectedBy}` : ''}
        {action.alertId ? (
          <>
            {' '}
            · from <Link href={`/alerts/${encodeURIComponent(action.alertId)}`}>an alert</Link>
          </>
        ) : null}
      </p>
      {action.reason ? <p>Why: {action.reason}</p> : null}
      {action.status === 'proposed' && responder ? (
        own ? (
          <p class="state" data-testid="four-eyes">
            You proposed this: another responder reviews and approves it (four eyes).
          </p>
        ) : confirming ? (
          <div class="confirm" role="alertdialog" aria-label="Confirm the approval">
            <p>
              <strong>
                Approve and run: {action.action} {action.user}?
              </strong>{' '}
              A fresh dry run is made first; the changes below are sent to Microsoft Graph as it
              says.
            </p>
            <button
              class="danger"
              disabled={busy}
              onClick={() =>
                void step((params) => api('POST /api/actions/:id/approve', { params, body: {} }))
              }
              data-testid="confirm-approve"
            >
              {busy ? 'Running…' : 'Yes, approve and run'}
            </button>
            <button class="secondary" disabled={busy} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        ) : rejecting !== null ? (
          <form
            class="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (rejecting.trim())
                void step((params) =>
                  api('POST /api/actions/:id/reject', {
                    params,
                    body: { reason: rejecting.trim() },
                  }),
                );
            }}
          >
            <input
              aria-label="Why it is rejected"
              autoFocus
              size={40}
              placeholder="Why is it rejected?"
              value={rejecting}
              onInput={(e) => setRejecting((e.currentTarget as HTMLInputElement).value)}
            />
            <button type="submit" disabled={busy || !rejecting.trim()}>
              Reject
            </button>
            <button type="button" class="secondary" onClick={() => setRejecting(null)}>
              Cancel
            </button>
          </form>
        ) : (
          <div class="toolbar">
            <button onClick={() => setConfirming(true)} data-testid="approve">
              Approve…
            </button>
            <button class="secondary" onClick={() => setRejecting('')}>
              Reject…
            </button>
          </div>
        )
      ) : null}
      {responder &&
      action.action === 'disable-user' &&
      (action.status === 'verified' || action.status === 'executed') ? (
        <div class="toolbar">
          <button
            class="secondary"
            disabled={busy}
            onClick={() =>
              void step((params) => api('POST /api/actions/:id/undo', { params, body: {} }))
            }
            data-testid="undo"
          >
            Undo: enable the account again
          </button>
        </div>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
      <ResultsView action={action} />
      {action.proposalPlanError && !action.executedPlan ? (
        <p class="state error">The dry run at the proposal failed: {action.proposalPlanError}</p>
      ) : null}
      {plan && action.results.length === 0 ? (
        showPlan || confirming ? (
          <>
            <p class="muted small">
              {action.executedPlan ? 'The plan run' : 'The dry run made at the proposal'} (
              {plan.plannedAt ? `${timeText(plan.plannedAt)} UTC` : ''}): {planSummary(plan)}.{' '}
              {collapsed && !confirming ? (
                <button class="link small" onClick={() => setShowPlan(false)}>
                  Hide the plan
                </button>
              ) : null}
            </p>
            <PlanView plan={plan} />
          </>
        ) : (
          <p class="small">
            Plan: {planSummary(plan)}.{' '}
            <button class="link small" onClick={() => setShowPlan(true)}>
              Show the plan
            </button>
          </p>
        )
      ) : null}
      {showPlan || !collapsed ? (
        <>
          <h3>Log</h3>
          <ActionHistory action={action} />
        </>
      ) : null}
    </section>
  );
}

/**
 * The respond panel of a user's page. `mode`: `propose` for analysts (a proposal with its dry
 * run recorded), `respond` for responders (dry run, then a proposal, or a run where four eyes are
 * off).
 */
export function RespondPanel({
  upn,
  me,
  fourEyes,
  pending,
  onChanged,
}: {
  upn: string;
  me: Me;
  fourEyes: boolean;
  /** Open proposals for this account, for review. */
  pending: readonly string[];
  onChanged: () => void;
}) {
  const responder = atLeast(me.role, 'responder');
  const [revoke, setRevoke] = useState(false);
  const [sharing, setSharing] = useState(false);
  const [since, setSince] = useState('7d');
  const [reason, setReason] = useState('');
  const [plan, setPlan] = useState<Plan | null>(null);
  const [made, setMade] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const request: Omit<ActionRequest, 'dryRun'> = {
    action: 'disable-user',
    user: upn,
    revokeSessions: revoke,
    removeSharing: sharing,
    since,
    ...(reason.trim() ? { reason: reason.trim() } : {}),
  };
  const go = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const dryRun = () =>
    go(async () => {
      const answer = await api('POST /api/actions', { body: { ...request, dryRun: true } });
      if ('changes' in answer) setPlan(answer);
    });
  const propose = () =>
    go(async () => {
      const answer = await api('POST /api/actions/propose', { body: request });
      setMade(answer.id);
      setPlan(null);
      onChanged();
    });
  const runAlone = () =>
    go(async () => {
      const answer = await api('POST /api/actions', { body: { ...request, dryRun: false } });
      if ('id' in answer) setMade(answer.id);
      setPlan(null);
      onChanged();
    });
  return (
    <section class="panel respond" id="respond" aria-labelledby="respond-title">
      <h2 id="respond-title">Respond</h2>
      {made ? <ActionReview id={made} me={me} onChanged={onChanged} /> : null}
      {pending
        .filter((id) => id !== made)
        .map((id) => (
          <ActionReview id={id} me={me} onChanged={onChanged} collapsed />
        ))}
      {made ? null : (
        <>
          <fieldset disabled={busy || plan !== null}>
            <legend class="sr-only">What to do</legend>
            <label class="check">
              <input type="checkbox" checked disabled /> Disable the account (no new sign-ins)
            </label>
            <label class="check">
              <input
                type="checkbox"
                checked={revoke}
                data-testid="revoke"
                onChange={(e) => setRevoke((e.currentTarget as HTMLInputElement).checked)}
              />{' '}
              Revoke sign-in sessions{' '}
              <span class="muted small">
                (a disabled account keeps the sessions it has until they are revoked)
              </span>
            </label>
            <label class="check">
              <input
                type="checkbox"
                checked={sharing}
                data-testid="remove-sharing"
                onChange={(e) => setSharing((e.currentTarget as HTMLInputElement).checked)}
              />{' '}
              Remove the sharing links and grants {upn} created in the last
              <input
                aria-label="Period"
                value={since}
                size={4}
                onInput={(e) => setSince((e.currentTarget as HTMLInputElement).value)}
              />
            </label>
            <label class="reason">
              Why{' '}
              <input
                aria-label="Why (for the action log)"
                placeholder="e.g. shared the roadmap with a competitor (alert …)"
                size={50}
                value={reason}
                onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)}
              />
            </label>
          </fieldset>
          <div class="toolbar">
            {!responder ? (
              <button disabled={busy} onClick={() => void propose()} data-testid="propose">
                Propose: disable {upn}, for a responder to approve
              </button>
            ) : plan === null ? (
              <button disabled={busy} onClick={() => void dryRun()} data-testid="dry-run">
                Dry run: disable {upn}…
              </button>
            ) : (
              <>
                <button disabled={busy} onClick={() => void propose()} data-testid="propose">
                  {fourEyes ? 'Propose for approval' : 'Propose'}
                </button>
                {!fourEyes ? (
                  <button
                    class="danger"
                    disabled={busy}
                    onClick={() => void runAlone()}
                    data-testid="confirm"
                  >
                    Run it now: disable {upn}
                  </button>
                ) : null}
                <button class="secondary" disabled={busy} onClick={() => setPlan(null)}>
                  Cancel
                </button>
              </>
            )}
          </div>
          {responder && fourEyes ? (
            <p class="muted small">
              Four eyes: what you propose is approved by another responder (Actions, or this page).
            </p>
          ) : null}
          {error ? <ErrorBox error={error} /> : null}
          {plan ? (
            <div class="plan" data-testid="plan">
              <h3>Dry run: nothing has changed yet ({planSummary(plan)})</h3>
              <PlanView plan={plan} />
            </div>
          ) : null}
        </>
      )}
      <p class="small">
        <Link href="/actions">The action log</Link>
      </p>
    </section>
  );
}
