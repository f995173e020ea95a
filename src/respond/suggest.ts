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
import { listSummaries } from './log.js';
import type { ActionKind, ActionView } from './model.js';
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

/** Proposes the suggested responses of open alerts that have none yet. */
export async function proposeFromAlerts(
  responder: Responder,
  store: Parameters<typeof listAlerts>[0],
  log?: Logger,
): Promise<SuggestResult> {
  const result: SuggestResult = { proposed: [], autoRun: [], errors: [] };
  const alerts = await listAlerts(store, { status: ['new', 'acknowledged'] });
  const existing = new Set((await listSummaries(store)).map((a) => a.id));
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
      if (existing.has(id)) continue;
      try {
        const rule = { name: `rule:${alert.rule}`, via: 'rule' as const };
        const view = await responder.propose(proposal, rule, id);
        existing.add(view.id);
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
