// Rules suggest responses (disable `UserId`, revoke its sessions, remove the sharing it created).
// This turns the suggestions of open alerts into proposals awaiting a responder — one per user and
// kind however many alerts ask (see mergedProposals), with an id derived from the alert and user
// so that running it again proposes nothing twice — and runs them at once where
// `respond.auto_approve` names the rule (nothing is auto-approved by default).
import { listAlerts } from '../alerts/store/alert-store.js';
import type { AlertView } from '../alerts/store/model.js';
import { describeError } from '../util/errors.js';
import type { Logger } from '../util/log.js';
import { autoApproved } from './config.js';
import { RespondError } from './errors.js';
import { listSummaries, type ActionSummary } from './log.js';
import type { ActionKind, ActionStatus, ActionView } from './model.js';
import { isProtected } from './plan.js';
import { seededActionId, type Proposal, type Responder } from './workflow.js';

/** What an alert's suggestions ask for one user, as one action. */
export function suggestedProposal(alert: AlertView, user: string, since: string): Proposal | null {
  const actions = new Set(
    alert.response
      .filter((r) => r.entity === 'user' && r.targets.includes(user))
      .map((r) => r.action),
  );
  const disable = actions.has('disable-user');
  const revoke = actions.has('revoke-sessions');
  const sharing = actions.has('remove-sharing-links');
  let kind: ActionKind;
  if (disable) kind = 'disable-user';
  else if (revoke) kind = 'revoke-sessions';
  else if (sharing) kind = 'remove-sharing';
  else return null;
  return {
    kind,
    user,
    // A disabled account keeps its sessions until they are revoked (docs/microsoft-apis.md, "Users:
    // look up, disable, revoke"): always pair.
    revokeSessions: disable,
    removeSharing: disable && sharing,
    ...(sharing ? { since } : {}),
    alertId: alert.id,
    rule: alert.rule,
    reason: `suggested by ${alert.rule}: ${alert.title}`,
    tenant: alert.tenant,
  };
}

export interface SuggestResult {
  readonly proposed: ActionView[];
  readonly autoRun: ActionView[];
  readonly errors: string[];
}

/** Statuses of an action still waiting or running: a second proposal for its user would repeat it. */
const OPEN: readonly ActionStatus[] = ['proposed', 'approved', 'running'];

/**
 * Whether an action already covers what `kind` would do for its user: one of the same kind still
 * open, or a disable (open, or done and not undone): a disabled account signs in no more and
 * shares nothing new, and its proposal carries the revocation and the sharing its alerts ask for.
 */
function covered(existing: readonly ActionSummary[], user: string, kind: ActionKind): boolean {
  const u = user.toLowerCase();
  return existing.some(
    (a) =>
      a.user.toLowerCase() === u &&
      ((a.action === kind && OPEN.includes(a.status)) ||
        (a.action === 'disable-user' &&
          (OPEN.includes(a.status) || a.status === 'verified' || a.status === 'executed'))),
  );
}

/**
 * The proposals for one user from all the open alerts that suggest something for them: one
 * disable (with the revocation, and the sharing removal when any alert asks for it) when any alert
 * suggests disabling; otherwise a revocation and a sharing removal, each once. Each names the
 * first alert (newest first) that asks for its kind, and how many alerts asked.
 */
export function mergedProposals(
  alerts: readonly AlertView[],
  user: string,
  since: string,
): Array<{ proposal: Proposal; alert: AlertView }> {
  const asks = alerts
    .map((alert) => ({ alert, p: suggestedProposal(alert, user, since) }))
    .filter((x): x is { alert: AlertView; p: Proposal } => x.p !== null);
  const sharing = asks.some((x) =>
    x.alert.response.some(
      (r) => r.action === 'remove-sharing-links' && r.entity === 'user' && r.targets.includes(user),
    ),
  );
  const reason = (first: AlertView, n: number) =>
    `suggested by ${first.rule}: ${first.title}${n > 1 ? ` (and ${n - 1} more alert${n > 2 ? 's' : ''} on ${user})` : ''}`;
  const disable = asks.find((x) => x.p.kind === 'disable-user');
  if (disable) {
    return [
      {
        alert: disable.alert,
        proposal: {
          ...disable.p,
          removeSharing: sharing,
          ...(sharing ? { since } : {}),
          reason: reason(disable.alert, asks.length),
        },
      },
    ];
  }
  const out: Array<{ proposal: Proposal; alert: AlertView }> = [];
  for (const kind of ['revoke-sessions', 'remove-sharing'] as const) {
    const of = asks.filter((x) => x.p.kind === kind);
    const first = of[0];
    if (first)
      out.push({
        alert: first.alert,
        proposal: { ...first.p, reason: reason(first.alert, of.length) },
      });
  }
  return out;
}

/**
 * Proposes the suggested responses of open alerts, once per user: several alerts about one
 * account (one rule firing on each burst, or several rules) make one proposal, not one each.
 * An open proposal (or a disable done) for the user and kind stops another; a new alert after a
 * rejection proposes again.
 */
export async function proposeFromAlerts(
  responder: Responder,
  store: Parameters<typeof listAlerts>[0],
  log?: Logger,
): Promise<SuggestResult> {
  const result: SuggestResult = { proposed: [], autoRun: [], errors: [] };
  const alerts = await listAlerts(store, { status: ['new', 'acknowledged'] });
  const summaries = await listSummaries(store);
  const existing = new Set(summaries.map((a) => a.id));
  const allowed = new Set(responder.tenants().map((t) => t.tenantId));
  // Users in the order their newest alert came, each with their alerts (newest first).
  const byUser = new Map<string, AlertView[]>();
  for (const alert of alerts) {
    if (!allowed.has(alert.tenant)) continue;
    const users = new Set(
      alert.response.filter((r) => r.entity === 'user').flatMap((r) => r.targets),
    );
    for (const user of users) {
      const key = `${alert.tenant}|${user.toLowerCase()}`;
      const list = byUser.get(key) ?? [];
      list.push(alert);
      byUser.set(key, list);
    }
  }
  for (const [key, list] of byUser) {
    const user =
      list[0]!.response
        .flatMap((r) => r.targets)
        .find((t) => t.toLowerCase() === key.slice(key.indexOf('|') + 1)) ??
      key.slice(key.indexOf('|') + 1);
    if (isProtected(responder.settings, user)) continue;
    for (const { proposal, alert } of mergedProposals(list, user, responder.settings.since)) {
      const id = seededActionId(`${alert.id}|${user.toLowerCase()}|${proposal.kind}`);
      if (existing.has(id) || covered(summaries, user, proposal.kind)) continue;
      try {
        const rule = { name: `rule:${alert.rule}`, via: 'rule' as const };
        const view = await responder.propose(proposal, rule, id);
        existing.add(view.id);
        summaries.push({
          id: view.id,
          action: view.kind,
          user: view.user,
          client: view.client,
          status: view.status,
          created: view.created,
          updated: view.updated,
          proposedBy: view.proposedBy,
          via: view.proposedVia,
          approvedBy: null,
          alertId: view.alertId,
          rule: view.rule,
          reason: view.reason,
          outcomes: {},
          checks: {},
        });
        result.proposed.push(view);
        if (autoApproved(responder.settings, alert.rule)) {
          const ran = await responder.approve(view.id, {
            name: 'auto-approval (respond.auto_approve)',
            via: 'auto',
          });
          result.autoRun.push(ran);
        }
      } catch (error) {
        if (
          error instanceof RespondError &&
          (error.kind === 'not-found' || error.kind === 'protected')
        )
          continue;
        const message = `alert ${alert.id} (${user}): ${describeError(error)}`;
        result.errors.push(message);
        log?.warn(`suggested response not proposed: ${message}`);
      }
    }
  }
  return result;
}
