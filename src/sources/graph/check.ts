// `config check` for the Microsoft Graph sources: their options, a Graph token, the application
// permissions in it (AuditLog.Read.All, Directory.Read.All, Reports.Read.All,
// ExchangeMessageTrace.Read.All), and one small call per source, whose failure is explained in
// the portal's words (a tenant without Entra ID P1/P2 is told so).
import type { CollectorInstance } from '../../config/load.js';
import { createLogger } from '../../util/log.js';
import { failure, tokenRoles, type CheckLine } from '../check.js';
import { createTenantClients } from '../collection.js';
import { resolveGraphOptions, type GraphOptions } from './options.js';

/** The Graph permissions each enabled source needs. */
export function requiredGraphRoles(options: GraphOptions): Array<{ role: string; for: string }> {
  const out: Array<{ role: string; for: string }> = [];
  if (options.entra) {
    out.push({ role: 'AuditLog.Read.All', for: 'sign-ins and directory audits' });
    out.push({ role: 'Directory.Read.All', for: 'sign-ins and directory audits' });
  }
  if (options.reports) out.push({ role: 'Reports.Read.All', for: 'usage reports' });
  if (options.messageTrace)
    out.push({ role: 'ExchangeMessageTrace.Read.All', for: 'message trace' });
  return out;
}

export async function checkGraph(
  instance: CollectorInstance,
  options: { fetch?: typeof fetch } = {},
): Promise<CheckLine[]> {
  if (Object.keys(instance.graphServices).length === 0) return [];
  const lines: CheckLine[] = [];
  let graph: GraphOptions;
  try {
    graph = resolveGraphOptions(instance);
    lines.push({ ok: true, what: 'Graph source options' });
  } catch (error) {
    const e = error as Error & { hint?: string };
    return [{ ok: false, what: 'Graph source options', detail: e.message, fix: e.hint }];
  }
  const clients = createTenantClients(instance, {
    log: createLogger('check'),
    fetch: options.fetch,
    retry: { attempts: 2, baseDelayMs: 200 },
  });
  const audience = instance.audiences.graph;
  let token: string;
  try {
    token = await clients.tokens.token(audience);
    lines.push({ ok: true, what: `token for ${audience}` });
  } catch (error) {
    lines.push(failure(`token for ${audience}`, error));
    return lines;
  }
  const roles = tokenRoles(token);
  for (const { role, for: what } of requiredGraphRoles(graph)) {
    const has = roles.includes(role);
    lines.push({
      ok: has,
      what: `permission ${role} (${what})`,
      detail: has ? undefined : `the token's roles are: ${roles.join(', ') || '(none)'}`,
      fix: has
        ? undefined
        : `Entra ID > App registrations > your app > API permissions > Add a permission > Microsoft Graph > Application permissions > ${role} > Add, then Grant admin consent.`,
    });
  }
  const base = `${instance.endpoints.graph}/v1.0`;
  const probes: Array<[string, string]> = [];
  if (graph.entra?.signIns) probes.push(['sign-in logs', `${base}/auditLogs/signIns?$top=1`]);
  if (graph.entra?.nonInteractiveSignIns) {
    const filter = encodeURIComponent("signInEventTypes/any(t: t eq 'nonInteractiveUser')");
    probes.push([
      'non-interactive sign-in logs (beta)',
      `${instance.endpoints.graph}/beta/auditLogs/signIns?$filter=${filter}&$top=1`,
    ]);
  }
  if (graph.entra?.directoryAudits)
    probes.push(['directory audits', `${base}/auditLogs/directoryAudits?$top=1`]);
  if (graph.messageTrace)
    probes.push(['message trace', `${base}/admin/exchange/tracing/messageTraces?$top=1`]);
  if (graph.reports) {
    const fn = graph.reports.reports[0]!;
    probes.push([`usage report ${fn}`, `${base}/reports/${fn}(period='${graph.reports.period}')`]);
  }
  for (const [what, url] of probes) {
    try {
      await clients.http.request({
        method: 'GET',
        url,
        audience,
        manualRedirect: true,
        accept: [302],
      });
      lines.push({ ok: true, what: `read ${what}` });
    } catch (error) {
      lines.push(failure(`read ${what}`, error));
    }
  }
  return lines;
}
