// Response actions and their log: thin adapters over the responder (src/respond). A dry run shows
// what would change; a real run is approved by the calling responder and executed. An analyst can
// propose an action for a responder to approve or reject; a responder can undo a disable.
import { z } from 'zod';
import type { ServerDeps } from '../deps.js';
import { notFound, unavailable } from '../http/errors.js';
import { jsonBody, queryParams } from '../http/validate.js';
import type { RespondPort } from '../ports.js';
import { caller, type Routes } from './types.js';

const actionSchema = z
  .object({
    action: z.enum(['disable-user', 'enable-user']),
    user: z
      .string()
      .min(3)
      .max(320)
      .regex(/^[^\s@]+@[^\s@]+$/, 'must be a UPN such as alice@contoso.com'),
    revokeSessions: z.boolean().default(true),
    removeSharing: z.boolean().default(true),
    since: z
      .string()
      .regex(/^\d+[mhdw]$/, 'must be a duration such as 7d')
      .default('7d'),
    dryRun: z.boolean(),
    alertId: z.string().max(200).optional(),
    reason: z.string().max(2000).optional(),
  })
  .strict();

const proposalSchema = actionSchema.omit({ dryRun: true });
const reasonSchema = z.object({ reason: z.string().trim().min(1).max(2000) }).strict();
const optionalReasonSchema = z.object({ reason: z.string().max(2000).optional() }).strict();
const ID = /^[A-Za-z0-9._:-]{1,200}$/;

/** The action id of a path, or 404. */
function actionId(id: string | undefined): string {
  if (!id || !ID.test(id)) throw notFound(`action ${id ?? ''}`);
  return id;
}

/** A workflow step the port may lack (503, as a missing responder). */
function step<K extends 'propose' | 'approve' | 'reject' | 'undo'>(
  deps: ServerDeps,
  name: K,
): NonNullable<RespondPort[K]> {
  const port = respondOf(deps);
  const fn = port[name];
  if (!fn) throw unavailable(`Response ${name}`, 'this responder has no approval workflow');
  return fn.bind(port) as NonNullable<RespondPort[K]>;
}

function respondOf(deps: ServerDeps): RespondPort {
  if (!deps.respond)
    throw unavailable('Response', 'the responder (src/respond) is not part of this build yet');
  return deps.respond;
}

export function actionRoutes(r: Routes, deps: ServerDeps): void {
  r.add('GET', '/api/actions', async (c) => {
    const { limit } = queryParams(
      c,
      z.object({ limit: z.coerce.number().int().min(1).max(5000).default(200) }).strict(),
    );
    return c.json(await respondOf(deps).list(limit));
  });
  r.add('GET', '/api/actions/:id', async (c) => {
    const id = c.req.param('id') ?? '';
    const action = /^[A-Za-z0-9._:-]{1,200}$/.test(id) ? await respondOf(deps).get(id) : undefined;
    if (!action) throw notFound(`action ${id}`);
    return c.json(action);
  });
  r.add('POST', '/api/actions', async (c) => {
    const body = await jsonBody(c, actionSchema);
    const result = await respondOf(deps).submit(body, caller(c).user);
    deps.log.info(
      `${caller(c).user} ${body.dryRun ? 'dry-ran' : 'ran'} ${body.action} ${body.user}`,
    );
    return c.json(result);
  });
  r.add('POST', '/api/actions/propose', async (c) => {
    const body = await jsonBody(c, proposalSchema);
    const result = await step(deps, 'propose')(body, caller(c).user);
    deps.log.info(`${caller(c).user} proposed ${body.action} ${body.user}`);
    return c.json(result);
  });
  r.add('POST', '/api/actions/:id/approve', async (c) => {
    const id = actionId(c.req.param('id'));
    const result = await step(deps, 'approve')(id, caller(c).user);
    deps.log.info(`${caller(c).user} approved ${id}`);
    return c.json(result);
  });
  r.add('POST', '/api/actions/:id/reject', async (c) => {
    const id = actionId(c.req.param('id'));
    const { reason } = await jsonBody(c, reasonSchema);
    return c.json(await step(deps, 'reject')(id, caller(c).user, reason));
  });
  r.add('POST', '/api/actions/:id/undo', async (c) => {
    const id = actionId(c.req.param('id'));
    const { reason } = await jsonBody(c, optionalReasonSchema);
    const result = await step(deps, 'undo')(id, caller(c).user, reason);
    deps.log.info(`${caller(c).user} undid ${id}`);
    return c.json(result);
  });
}
