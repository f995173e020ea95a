// The alerts inbox: list and filter, one alert with its evidence, acknowledge, close with a reason.
// Thin adapters over the alerts module (the same functions `m365hunt alerts …` calls).
import { z } from 'zod';
import type { ServerDeps } from '../deps.js';
import { notFound, unavailable } from '../http/errors.js';
import { jsonBody, queryParams } from '../http/validate.js';
import type { AlertsPort } from '../ports.js';
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

function alertsOf(deps: ServerDeps): AlertsPort {
  if (!deps.alerts)
    throw unavailable('Alerting', 'the alert engine (src/alerts) is not part of this build yet');
  return deps.alerts;
}

function alertId(raw: string | undefined): string {
  if (!raw || !ID.test(raw)) throw notFound(`alert ${JSON.stringify(raw ?? '')}`);
  return raw;
}

export function alertRoutes(r: Routes, deps: ServerDeps): void {
  r.add('GET', '/api/alerts', async (c) => {
    const filter = queryParams(c, listSchema);
    return c.json(await alertsOf(deps).list(filter));
  });
  r.add('GET', '/api/alerts/:id', async (c) => {
    const id = alertId(c.req.param('id'));
    const alert = await alertsOf(deps).get(id);
    if (!alert) throw notFound(`alert ${id}`);
    return c.json(alert);
  });
  r.add('POST', '/api/alerts/:id/ack', async (c) => {
    const id = alertId(c.req.param('id'));
    const alerts = alertsOf(deps);
    if (!(await alerts.get(id))) throw notFound(`alert ${id}`);
    return c.json(await alerts.ack(id, caller(c).user));
  });
  r.add('POST', '/api/alerts/:id/close', async (c) => {
    const id = alertId(c.req.param('id'));
    const body = await jsonBody(
      c,
      z
        .object({ reason: z.string().trim().min(1, 'say why the alert is closed').max(2000) })
        .strict(),
    );
    const alerts = alertsOf(deps);
    if (!(await alerts.get(id))) throw notFound(`alert ${id}`);
    return c.json(await alerts.close(id, caller(c).user, body.reason));
  });
}
