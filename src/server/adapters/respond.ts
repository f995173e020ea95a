// The respond port over src/respond: the same Responder the `respond` CLI uses, acting as the
// signed-in account (the routes' policy table has checked its role). Answers are flat where the
// web app shows a grid (the log) and whole where it shows one action. In the background it turns
// the responses rules suggest into proposals (and runs those of auto-approved rules).
import type { ResolvedConfig } from '../../config/load.js';
import {
  proposeFromAlerts,
  RespondError,
  Responder,
  summarise,
  type ActionSummary,
  type ActionView,
  type Plan,
  type Proposal,
} from '../../respond/index.js';
import type { Store } from '../../store/store.js';
import { describeError } from '../../util/errors.js';
import type { Logger } from '../../util/log.js';
import { HttpError } from '../http/errors.js';
import type { Action, ActionDetail, Plan as ApiPlan } from '../../contracts/respond.js';
import type { ActionRequest, RespondPort } from '../ports.js';

/** The log's grid: scalars only. */
function row(a: ActionSummary): Action {
  const n = (o: Record<string, number>, k: string) => o[k] ?? 0;
  return {
    id: a.id,
    created: a.created,
    action: a.action,
    user: a.user,
    status: a.status,
    proposed_by: a.proposedBy,
    via: a.via,
    approved_by: a.approvedBy,
    alert: a.alertId,
    rule: a.rule,
    changed: n(a.outcomes, 'done'),
    already: n(a.outcomes, 'already'),
    failed: n(a.outcomes, 'failed') + n(a.outcomes, 'skipped'),
    checks_ok: n(a.checks, 'ok'),
    checks_pending: n(a.checks, 'pending'),
    updated: a.updated,
    tenant: a.client,
    reason: a.reason,
  };
}

function viewAnswer(v: ActionView): ActionDetail {
  const { id, status, kind, user, ...rest } = v;
  return { id, status, action: kind, user, summary: summarise(v), ...rest };
}

function planAnswer(plan: Plan): ApiPlan {
  const { user, kind, ...rest } = plan;
  const changes = plan.changes.filter((c) => c.decision === 'change');
  return {
    dryRun: true,
    action: kind,
    user: user.upn,
    summary: `${changes.length} change(s) to make, ${plan.changes.length - changes.length} already so, ${plan.skipped.length} left alone`,
    accountEnabled: user.accountEnabled,
    account: user,
    ...rest,
  };
}

function proposal(request: Omit<ActionRequest, 'dryRun'>): Proposal {
  return {
    kind: request.action,
    user: request.user,
    revokeSessions: request.revokeSessions,
    removeSharing: request.removeSharing,
    ...(request.since ? { since: request.since } : {}),
    ...(request.alertId ? { alertId: request.alertId } : {}),
    ...(request.reason ? { reason: request.reason } : {}),
  };
}

/** The responder's refusals as HTTP answers (other errors go to the server's handler). */
async function answering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof RespondError)) throw error;
    const status =
      error.kind === 'not-found'
        ? 404
        : error.kind === 'conflict'
          ? 409
          : error.kind === 'unavailable'
            ? 503
            : error.kind === 'four-eyes'
              ? 403
              : 400;
    throw new HttpError(status, {
      error: error.message,
      ...(error.hint ? { hint: error.hint } : {}),
    });
  }
}

export interface RespondPortOptions {
  readonly fetch?: typeof fetch;
  /** Look for alerts with a suggested response (default: the config's respond.propose_from_alerts). */
  readonly proposeFromAlerts?: boolean;
  /** When steps happen (the log's times): the server's clock. */
  readonly now?: () => Date;
}

/**
 * The respond port of a server, or undefined when no tenant is configured (the action routes then
 * answer 503). Throws the config's positioned error when the respond section is not valid.
 */
export function respondPort(
  store: Store,
  config: ResolvedConfig | undefined,
  log: Logger,
  options: RespondPortOptions = {},
): (RespondPort & { close(): Promise<void> }) | undefined {
  if (!config || config.instances.length === 0) return undefined;
  const responder = new Responder({
    store,
    config,
    log,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const actor = (by: string) => ({ name: by, via: 'server' as const });

  // Suggested responses: looked for on an interval; one pass at a time.
  let pass: Promise<void> | undefined;
  let closed = false;
  const suggest = () => {
    if (pass || closed) return;
    pass = proposeFromAlerts(responder, store, log)
      .then((r) => {
        if (r.proposed.length > 0)
          log.info(
            `${r.proposed.length} suggested responses proposed${r.autoRun.length ? `, ${r.autoRun.length} auto-approved and run` : ''}`,
          );
      })
      .catch((error: unknown) => log.warn(`suggested responses: ${describeError(error)}`))
      .finally(() => {
        pass = undefined;
      });
  };
  const timer =
    (options.proposeFromAlerts ?? responder.settings.proposeFromAlerts)
      ? setInterval(suggest, responder.settings.intervalMs)
      : undefined;
  timer?.unref();

  return {
    async list(limit) {
      return (await responder.list({ limit })).map(row);
    },
    async get(id) {
      try {
        return viewAnswer(await responder.get(id));
      } catch (error) {
        if (error instanceof RespondError && error.kind === 'not-found') return undefined;
        throw error;
      }
    },
    fourEyes: responder.settings.fourEyes,
    submit: (request, by) =>
      answering(async () => {
        if (request.dryRun) return planAnswer(await responder.dryRun(proposal(request)));
        if (responder.settings.fourEyes) {
          throw new HttpError(403, {
            error: `Four eyes: ${by} cannot run ${request.action} ${request.user} alone; propose it, and another responder approves it.`,
            hint: 'POST /api/actions/propose, then POST /api/actions/{id}/approve as another account (respond.four_eyes is on).',
          });
        }
        return viewAnswer(await responder.run(proposal(request), actor(by)));
      }),
    async account(upn) {
      const actions = (await responder.list({ user: upn })).map(row);
      try {
        return { directory: { ...(await responder.account(upn)) }, actions };
      } catch (error) {
        return { directory: null, error: describeError(error), actions };
      }
    },
    propose: (request, by) =>
      answering(async () => viewAnswer(await responder.propose(proposal(request), actor(by)))),
    approve: (id, by) => answering(async () => viewAnswer(await responder.approve(id, actor(by)))),
    reject: (id, by, reason) =>
      answering(async () => viewAnswer(await responder.reject(id, actor(by), reason))),
    undo: (id, by, reason) =>
      answering(async () => viewAnswer(await responder.undo(id, actor(by), reason))),
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      await pass;
    },
  };
}
