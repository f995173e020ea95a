// `config check` against the tenant: the token, the permissions it carries, the subscriptions and
// a listing per content type, each as a line that says what is wrong and how to fix it in the portal.
import type { CollectorInstance } from '../config/load.js';
import { requiredRole } from '../records/content-types.js';
import { createLogger } from '../util/log.js';
import { createTenantClients } from './collection.js';
import { checkGraph } from './graph/check.js';
import { ApiError } from './http/api-error.js';
import { conciseMessage, remedyFor } from './remedies.js';

export interface CheckLine {
  readonly ok: boolean;
  readonly what: string;
  readonly detail?: string;
  readonly fix?: string;
}

/** A failed check, with the portal step that fixes it when the error is a known one. */
export function failure(what: string, error: unknown): CheckLine {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? error.code : null;
  const remedy = remedyFor(code, message);
  return {
    ok: false,
    what,
    detail: remedy
      ? `${remedy.problem} (${code && /^[A-Za-z0-9_]+$/.test(code) ? code : 'error'}): ${conciseMessage(message)}`
      : message,
    fix: remedy?.fix,
  };
}

/** Roles of an app-only access token (read from its claims, never printed). */
export function tokenRoles(token: string): string[] {
  try {
    const payload = token.split('.')[1] ?? '';
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      roles?: unknown;
    };
    return Array.isArray(claims.roles)
      ? claims.roles.filter((r): r is string => typeof r === 'string')
      : [];
  } catch {
    return [];
  }
}

export async function checkInstance(
  instance: CollectorInstance,
  options: { fetch?: typeof fetch } = {},
): Promise<CheckLine[]> {
  const lines: CheckLine[] = [];
  const runtime = createTenantClients(instance, {
    log: createLogger('check'),
    fetch: options.fetch,
    retry: { attempts: 2, baseDelayMs: 200 },
  });
  if (instance.credential.kind === 'secret' && instance.credential.expires) {
    const days = Math.floor((instance.credential.expires.getTime() - Date.now()) / 86_400_000);
    lines.push({
      ok: days > 30,
      what: `client secret expires ${instance.credential.expires.toISOString().slice(0, 10)}`,
      detail: days < 0 ? 'expired' : `in ${days} days`,
      fix:
        days <= 30
          ? 'Entra ID > App registrations > your app > Certificates & secrets > New client secret'
          : undefined,
    });
  }
  // The Microsoft Graph sources (entra_id, reports, message_trace) have checks of their own.
  if (instance.contentTypes.length === 0)
    return [...lines, ...(await checkGraph(instance, options))];
  lines.push(...(await checkGraph(instance, options)));
  let token: string;
  try {
    token = await runtime.tokens.token(instance.audiences.manage);
    lines.push({ ok: true, what: `token for ${instance.audiences.manage}` });
  } catch (error) {
    lines.push(failure(`token for ${instance.audiences.manage}`, error));
    return lines;
  }
  const roles = tokenRoles(token);
  for (const role of new Set(instance.contentTypes.map(requiredRole))) {
    const has = roles.includes(role);
    lines.push({
      ok: has,
      what: `permission ${role}`,
      detail: has ? undefined : `the token's roles are: ${roles.join(', ') || '(none)'}`,
      fix: has
        ? undefined
        : `Entra ID > App registrations > your app > API permissions > Add a permission > Office 365 Management APIs > Application permissions > ${role} > Add, then Grant admin consent.`,
    });
  }
  let subscriptions: Map<string, string> | undefined;
  try {
    const list = await runtime.api.listSubscriptions();
    subscriptions = new Map(list.map((s) => [s.contentType, s.status ?? 'unknown']));
  } catch (error) {
    lines.push(failure('list subscriptions', error));
  }
  const now = runtime.clock.now();
  for (const ct of instance.contentTypes) {
    let status = subscriptions?.get(ct);
    if (subscriptions && !status) {
      // Started here, as `collect` would: a tenant whose unified audit logging is off answers
      // only this call with its error (a DataServiceException, no AF code).
      try {
        await runtime.api.startSubscription(ct);
        status = 'enabled';
        lines.push({
          ok: true,
          what: `subscription ${ct}`,
          detail: 'started now (first content can take up to 12 hours to appear)',
        });
      } catch (error) {
        lines.push(failure(`start subscription ${ct}`, error));
      }
      continue;
    }
    if (subscriptions) lines.push({ ok: true, what: `subscription ${ct}`, detail: status });
    if (status?.toLowerCase() !== 'enabled') continue;
    try {
      let entries = 0;
      for await (const page of runtime.api.listContent(
        ct,
        new Date(now.getTime() - 3_600_000),
        now,
      )) {
        entries += page.length;
      }
      lines.push({
        ok: true,
        what: `list content ${ct}`,
        detail: `${entries} blobs in the last hour`,
      });
    } catch (error) {
      lines.push(failure(`list content ${ct}`, error));
    }
  }
  return lines;
}
