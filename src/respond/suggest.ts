// Rules suggest responses (disable `UserId`, revoke its sessions, remove the sharing it created).
// This turns the suggestions of open alerts into proposals awaiting a responder — one per alert and
// user, with an id derived from both so that running it again proposes nothing twice — and runs
// them at once where `respond.auto_approve` names the rule (nothing is auto-approved by default).
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
    // A disabled account keeps its sessions until they are revoked (reference §C4): always pair.
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
 * open, or a disable (open, or done and not undone), which ends the sessions' use and the sharing
 * by that account too; a disabled account needs no revocation proposed.
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
 * Proposes the suggested responses of open alerts, once per user: several alerts about one
 * account (the same rule firing on each of its bursts, or several rules) make one proposal,
 * not one each.
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
  for (const alert of alerts) {
    if (!allowed.has(alert.tenant)) continue;
    const users = [
      ...new Set(alert.response.filter((r) => r.entity === 'user').flatMap((r) => r.targets)),
    ];
    for (const user of users) {
      if (isProtected(responder.settings, user)) continue;
      const proposal = suggestedProposal(alert, user, responder.settings.since);
      if (!proposal) continue;
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
