// The triage queue: list and filter, one alert with its evidence, and the triage steps —
// acknowledge, close with a classification and a reason, reopen, assign, comment — on one alert or
// on many at once (bulk). Thin adapters over the alerts module (the functions `m365hunt alerts …`
// calls); every step is an event of the alert's history, with who and when.
import { z } from 'zod';
import type { ServerDeps } from '../deps.js';
import { badRequest, notFound, unavailable } from '../http/errors.js';
import { jsonBody, queryParams } from '../http/validate.js';
import type { AlertsPort, TriageStep } from '../ports.js';
import { atLeast } from '../roles.js';
import { caller, type Routes } from './types.js';

const listSchema = z
  .object({
    status: z.enum(['new', 'acknowledged', 'closed']).optional(),
    severity: z.string().max(32).optional(),
    rule: z.string().max(200).optional(),
    user: z.string().max(320).optional(),
    limit: z.coerce.number().int().min(1).max(5000).default(500),
  })
  .strict();

const ID = /^[A-Za-z0-9._:-]{1,200}$/;

const classification = z.enum(
  ['true-positive', 'benign-positive', 'false-positive', 'undetermined'],
  {
    error:
      'say what the alert turned out to be: true-positive, benign-positive, false-positive or undetermined',
  },
);
const reason = z.string().trim().min(1, 'say why the alert is closed').max(2000);
const closeSchema = z
  .object({ reason, classification: classification.default('undetermined') })
  .strict();
const assignSchema = z.object({ assignee: z.string().trim().min(1).max(64).nullable() }).strict();
const commentSchema = z
  .object({ text: z.string().trim().min(1, 'the comment is empty').max(4000) })
  .strict();
const reopenSchema = z.object({ reason: z.string().trim().max(2000).optional() }).strict();

/** A bulk step: the same change on every listed alert. */
const bulkSchema = z.discriminatedUnion('action', [
  z
    .object({ action: z.literal('ack'), ids: z.array(z.string().regex(ID)).min(1).max(1000) })
    .strict(),
  z
    .object({
      action: z.literal('close'),
      ids: z.array(z.string().regex(ID)).min(1).max(1000),
      reason,
      classification,
    })
    .strict(),
  z
    .object({
      action: z.literal('assign'),
      ids: z.array(z.string().regex(ID)).min(1).max(1000),
      assignee: z.string().trim().min(1).max(64).nullable(),
    })
    .strict(),
  z
    .object({
      action: z.literal('reopen'),
      ids: z.array(z.string().regex(ID)).min(1).max(1000),
      reason: z.string().trim().max(2000).optional(),
    })
    .strict(),
]);

function alertsOf(deps: ServerDeps): AlertsPort {
  if (!deps.alerts)
    throw unavailable('Alerting', 'the alert engine (src/alerts) is not part of this build yet');
  return deps.alerts;
}

function alertId(raw: string | undefined): string {
  if (!raw || !ID.test(raw)) throw notFound(`alert ${JSON.stringify(raw ?? '')}`);
  return raw;
}

/** An assignee must be an account that may triage (an analyst or above), enabled. */
async function checkAssignee(deps: ServerDeps, name: string | null): Promise<void> {
  if (name === null) return;
  const account = (await deps.accounts.list()).find((a) => a.name === name);
  if (!account || account.disabled || !atLeast(account.role, 'analyst')) {
    throw badRequest(`${name} is not an account that can triage alerts`, {
      problems: [{ field: 'assignee', message: 'must be an enabled analyst, responder or admin' }],
    });
  }
}

export function alertRoutes(r: Routes, deps: ServerDeps): void {
  r.add('GET', '/api/alerts', async (c) => {
    const filter = queryParams(c, listSchema);
    return c.json(await alertsOf(deps).list(filter));
  });
  r.add('GET', '/api/alerts/assignees', async (c) => {
    const accounts = await deps.accounts.list();
    return c.json(
      accounts
        .filter((a) => !a.disabled && atLeast(a.role, 'analyst'))
        .map((a) => a.name)
        .sort(),
    );
  });
  r.add('GET', '/api/alerts/:id', async (c) => {
    const id = alertId(c.req.param('id'));
    const alert = await alertsOf(deps).get(id);
    if (!alert) throw notFound(`alert ${id}`);
    return c.json(alert);
  });

  const step = async (id: string, change: TriageStep, by: string) => {
    const alerts = alertsOf(deps);
    if (!(await alerts.get(id))) throw notFound(`alert ${id}`);
    if (!alerts.triage) throw unavailable('Triage', 'this alert store has no triage steps');
    return alerts.triage(id, change, by);
  };
  r.add('POST', '/api/alerts/:id/ack', async (c) =>
    c.json(await step(alertId(c.req.param('id')), { kind: 'acknowledged' }, caller(c).user)),
  );
  r.add('POST', '/api/alerts/:id/close', async (c) => {
    const id = alertId(c.req.param('id'));
    const body = await jsonBody(c, closeSchema);
    return c.json(await step(id, { kind: 'closed', ...body }, caller(c).user));
  });
  r.add('POST', '/api/alerts/:id/reopen', async (c) => {
    const id = alertId(c.req.param('id'));
    const body = await jsonBody(c, reopenSchema);
    return c.json(
      await step(
        id,
        { kind: 'reopened', ...(body.reason ? { reason: body.reason } : {}) },
        caller(c).user,
      ),
    );
  });
  r.add('POST', '/api/alerts/:id/assign', async (c) => {
    const id = alertId(c.req.param('id'));
    const { assignee } = await jsonBody(c, assignSchema);
    await checkAssignee(deps, assignee);
    return c.json(await step(id, { kind: 'assigned', assignee }, caller(c).user));
  });
  r.add('POST', '/api/alerts/:id/comment', async (c) => {
    const id = alertId(c.req.param('id'));
    const { text } = await jsonBody(c, commentSchema);
    return c.json(await step(id, { kind: 'commented', text }, caller(c).user));
  });
  r.add('POST', '/api/alerts/triage', async (c) => {
    const body = await jsonBody(c, bulkSchema);
    const alerts = alertsOf(deps);
    if (!alerts.triageMany) throw unavailable('Triage', 'this alert store has no bulk triage');
    let change: TriageStep;
    switch (body.action) {
      case 'ack':
        change = { kind: 'acknowledged' };
        break;
      case 'close':
        change = { kind: 'closed', reason: body.reason, classification: body.classification };
        break;
      case 'assign':
        await checkAssignee(deps, body.assignee);
        change = { kind: 'assigned', assignee: body.assignee };
        break;
      case 'reopen':
        change = { kind: 'reopened', ...(body.reason ? { reason: body.reason } : {}) };
        break;
    }
    const result = await alerts.triageMany(body.ids, change, caller(c).user);
    deps.log.info(
      `${caller(c).user} ${body.action} ${result.changed.length} alerts (${result.refused.length} refused)`,
    );
    return c.json(result);
  });
}
