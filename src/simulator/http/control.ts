// The control surface for tests, under /_sim only (never on a Microsoft path, no token needed):
// ground truth, counters, switches, the clock, scenarios, blobs, the app registration, tenant
// state and world changes.
import type { Hono } from 'hono';
import { z } from 'zod';
import { isContentType } from '../../records/content-types.js';
import { appPatchSchema } from '../auth/app-registry.js';
import { graphTruth, isGraphTruthSource } from '../graph/truth.js';
import { switchesPatchSchema } from '../options.js';
import type { Simulator } from '../simulator.js';
import { isoMillis } from '../util/time.js';
import { json } from './common.js';
import { isBrokenBlob } from './manage.js';

async function body(req: { text(): Promise<string> }): Promise<unknown> {
  const text = await req.text();
  if (!text.trim()) return {};
  return JSON.parse(text) as unknown;
}

function problem(message: string, status = 400): Response {
  return json({ error: message }, status);
}

const tenantPatch = z
  .object({
    state: z.enum(['active', 'deleted', 'misconfigured', 'auditOff']),
    disableSubscription: z.object({
      contentType: z.string(),
      by: z.enum(['a tenant admin', 'a service admin']).default('a tenant admin'),
    }),
  })
  .partial()
  .strict();

export function registerControl(app: Hono, sim: Simulator): void {
  app.get('/_sim/truth', (c) => {
    const available = ['1', 'true'].includes(c.req.query('available') ?? '');
    const source = c.req.query('source') ?? '';
    if (source && !isGraphTruthSource(source)) {
      return c.json(
        { error: `unknown source ${source} (signIns, directoryAudits, messageTraces, reports)` },
        400,
      );
    }
    const lines = isGraphTruthSource(source)
      ? graphTruth(sim, source, available)
      : sim.truth(available);
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        let chunk = '';
        for (let i = 0; i < 2000; i++) {
          const next = lines.next();
          if (next.done) {
            if (chunk) controller.enqueue(encoder.encode(chunk));
            controller.close();
            return;
          }
          chunk += `${JSON.stringify(next.value)}\n`;
        }
        controller.enqueue(encoder.encode(chunk));
      },
    });
    return new Response(stream, { headers: { 'Content-Type': 'application/x-ndjson' } });
  });

  app.get('/_sim/counters', () => {
    sim.sync();
    return json({ ...sim.counters.snapshot(), ...prefixed('catalog', sim.catalog.stats) });
  });

  app.get('/_sim/switches', () => json(sim.switches));
  app.put('/_sim/switches', async (c) => {
    let patch: unknown;
    try {
      patch = await body(c.req);
    } catch {
      return problem('body is not JSON');
    }
    const parsed = switchesPatchSchema.safeParse(patch);
    if (!parsed.success) return problem(z.prettifyError(parsed.error));
    return json(sim.setSwitches(parsed.data));
  });

  app.get('/_sim/time', () => {
    const now = sim.sync();
    return json({
      now: isoMillis(now),
      speed: sim.clock.speed,
      plannedUntil: isoMillis(sim.catalog.plannedUntil),
    });
  });
  app.post('/_sim/advance', async (c) => {
    let b: unknown;
    try {
      b = await body(c.req);
    } catch {
      return problem('body is not JSON');
    }
    const parsed = z
      .object({
        minutes: z
          .number()
          .min(0)
          .max(7 * 24 * 60),
      })
      .strict()
      .safeParse(b);
    if (!parsed.success) return problem(z.prettifyError(parsed.error));
    const now = sim.advance(parsed.data.minutes * 60_000);
    return json({ now: isoMillis(now) });
  });

  app.get('/_sim/scenarios', () => json(sim.scenarios.infos()));

  app.get('/_sim/blobs', (c) => {
    const ct = c.req.query('contentType');
    if (ct !== undefined && !isContentType(ct)) return problem(`unknown content type ${ct}`);
    if (['1', 'true'].includes(c.req.query('broken') ?? '')) {
      return json(
        sim
          .brokenBlobs((id) => isBrokenBlob(sim, id))
          .filter((id) => !ct || id.includes(ct.replace('.', '_'))),
      );
    }
    return json(
      sim.blobsOf(ct).map((b) => ({
        contentId: b.contentId,
        contentType: b.contentType,
        contentCreated: isoMillis(b.created),
        records: b.count,
        duplicates: b.part === 999,
      })),
    );
  });

  app.get('/_sim/app', () => json(sim.app.describe()));
  app.put('/_sim/app', async (c) => {
    let b: unknown;
    try {
      b = await body(c.req);
    } catch {
      return problem('body is not JSON');
    }
    const parsed = appPatchSchema.safeParse(b);
    if (!parsed.success) return problem(z.prettifyError(parsed.error));
    try {
      sim.updateApp(parsed.data);
    } catch (error) {
      return problem(`cannot apply: ${(error as Error).message}`);
    }
    return json(sim.app.describe());
  });

  app.get('/_sim/tenant', () => {
    const now = sim.sync();
    const t = sim.tenant;
    return json({
      id: t.id,
      name: t.name,
      domains: [t.domain, t.initialDomain],
      state: sim.tenantState,
      users: t.users.map((u) => ({
        id: u.id,
        userPrincipalName: u.upn,
        displayName: u.displayName,
        department: u.department,
        adminRoles: u.adminRoles,
        accountEnabled: !sim.world.isDisabled(u.index, now),
      })),
      guests: t.guests.map((g) => ({ id: g.id, userPrincipalName: g.upn, mail: g.mail })),
      sites: t.sites.map((s) => ({ name: s.name, webUrl: s.drive.siteUrl, driveId: s.drive.id })),
      subscriptions: sim.subscriptions.list(),
    });
  });
  app.put('/_sim/tenant', async (c) => {
    let b: unknown;
    try {
      b = await body(c.req);
    } catch {
      return problem('body is not JSON');
    }
    const parsed = tenantPatch.safeParse(b);
    if (!parsed.success) return problem(z.prettifyError(parsed.error));
    if (parsed.data.state) sim.tenantState = parsed.data.state;
    const d = parsed.data.disableSubscription;
    if (d) {
      if (!isContentType(d.contentType)) return problem(`unknown content type ${d.contentType}`);
      sim.subscriptions.disable(d.contentType, d.by);
    }
    return json({ state: sim.tenantState, subscriptions: sim.subscriptions.list() });
  });

  app.get('/_sim/world', () =>
    json(
      sim.world.all().map((w) => ({
        kind: w.kind,
        time: isoMillis(w.t),
        by: w.by.name,
        ...(w.kind === 'permissionRemoved'
          ? { driveId: w.grant.driveId, itemId: w.grant.itemId, permissionId: w.grant.permissionId }
          : {
              user: sim.tenant.users[w.user]?.upn,
              ...(w.kind === 'account' ? { enabled: w.enabled } : {}),
            }),
      })),
    ),
  );

  app.all('/_sim/*', () => problem('unknown control endpoint', 404));
}

function prefixed(prefix: string, values: object): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${prefix}.${k}`, Number(v)]));
}
