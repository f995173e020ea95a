// The Office 365 Management Activity API (docs/microsoft-apis.md, "Management Activity API") under
// /api/v1.0/{tenant}/activity/feed (and /api/v1/, the form Microsoft's NextPageUri example uses):
// subscriptions, content listing with windows and paging, blob download, notifications, DLP
// sensitive types.
import { createHmac, randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { type ContentType, isContentType } from '../../records/content-types.js';
import { checkAccessToken } from '../auth/access-token.js';
import { SENSITIVE_TYPES } from '../records/compliance.js';
import { AF, type AfError, afBody, auditDisabled } from '../manage/af-errors.js';
import type { Webhook } from '../manage/subscriptions.js';
import { formatWindowTime, resolveWindow } from '../manage/window.js';
import { parseContentId } from '../publish/content-id.js';
import type { BlobMeta } from '../publish/catalog.js';
import type { Simulator } from '../simulator.js';
import { unit } from '../util/prng.js';
import { MINUTE, isoMillis } from '../util/time.js';
import { GUID, httpDate, json, originOf, queryOf } from './common.js';
import type { WebhookClient } from './webhooks.js';

const MANAGE_AUDIENCES = ['https://manage.office.com', 'c5393580-f805-4401-95e8-94b7a6ef2fc2'];

export const MANAGE_PREFIXES = ['/api/v1.0/', '/api/v1/'];

/** Whether a blob's body is broken by the brokenBlobRate switch (decided per contentId). */
export function isBrokenBlob(sim: Simulator, contentId: string): boolean {
  const rate = sim.switches.brokenBlobRate;
  return rate > 0 && unit(sim.opts.seed, 'broken', contentId) < rate;
}

/** The AF429 "Method" of a Management API path (for throttling messages). */
export function manageMethod(path: string): string {
  if (/\/audit\//.test(path)) return 'GetBlob';
  if (path.endsWith('/subscriptions/content')) return 'ListContent';
  if (path.endsWith('/subscriptions/notifications')) return 'ListNotifications';
  if (path.endsWith('/subscriptions/list')) return 'ListSubscriptions';
  if (path.endsWith('/subscriptions/start')) return 'StartSubscription';
  if (path.endsWith('/subscriptions/stop')) return 'StopSubscription';
  if (path.endsWith('/resources/dlpSensitiveTypes')) return 'GetDlpSensitiveTypes';
  return 'Unknown';
}

interface Caller {
  now: number;
  tenant: string;
  appId: string;
  roles: string[];
  query: Map<string, string>;
  origin: string;
}

export function registerManage(app: Hono, sim: Simulator, webhooks: WebhookClient): void {
  const pageKey = `${sim.opts.seed}:${sim.opts.tenantId}:nextPage`;

  const fail = (e: AfError, now: number) => {
    sim.counters.inc(`manage.error.${e.code}`);
    return json(afBody(e), e.status, { Date: httpDate(now) });
  };

  /** Shared checks of every Management API call; a Response means: answer that. */
  const authorize = (c: Context, op: string): Caller | Response => {
    const now = sim.sync();
    sim.counters.inc(`manage.${op}`);
    const query = queryOf(c.req.url);
    if (!query.has('publisheridentifier')) sim.counters.inc('manage.noPublisherIdentifier');
    const tenant = c.req.param('tenant') ?? '';
    if (!GUID.test(tenant)) return fail(AF.tenantNotGuid(tenant), now);
    const check = checkAccessToken(
      c.req.header('authorization'),
      MANAGE_AUDIENCES,
      sim.verifyKey,
      now,
    );
    if (!check.ok) {
      sim.counters.inc(`manage.unauthorized.${check.reason}`);
      return json({ Message: 'Authorization has been denied for this request.' }, 401, {
        Date: httpDate(now),
        'WWW-Authenticate': 'Bearer',
      });
    }
    if (check.claims.tid.toLowerCase() !== tenant.toLowerCase()) {
      return fail(AF.tenantMismatch(tenant, check.claims.tid), now);
    }
    if (sim.tenantState === 'deleted') return fail(AF.tenantDoesNotExist(tenant), now);
    if (sim.tenantState === 'misconfigured') return fail(AF.tenantMisconfigured(tenant), now);
    if (!check.claims.roles.includes('ActivityFeed.Read')) {
      return fail(AF.missingPermission(check.claims.roles, 'ActivityFeed.Read'), now);
    }
    return {
      now,
      tenant,
      appId: check.claims.appid,
      roles: check.claims.roles,
      query,
      origin: originOf(c.req.url),
    };
  };

  /** contentType parameter: present, valid, allowed by the token, subscribed. */
  const contentType = (caller: Caller, needSubscription: boolean): ContentType | Response => {
    const raw = caller.query.get('contenttype');
    if (raw === undefined || raw === '')
      return fail(AF.missingParameter('contentType'), caller.now);
    if (!isContentType(raw)) return fail(AF.invalidContentType(), caller.now);
    if (raw === 'DLP.All' && !caller.roles.includes('ActivityFeed.ReadDlp')) {
      return fail(AF.missingPermission(caller.roles, 'ActivityFeed.ReadDlp'), caller.now);
    }
    if (needSubscription) {
      // With unified audit logging off no subscription can exist (UNVERIFIED: what listings
      // answer then; AF20022 is what a tenant with no subscription gets).
      if (sim.tenantState === 'auditOff') return fail(AF.notSubscribed(), caller.now);
      const access = sim.subscriptions.access(raw);
      if (access?.kind === 'none') return fail(AF.notSubscribed(), caller.now);
      if (access?.kind === 'disabled') return fail(AF.subscriptionDisabled(access.by), caller.now);
    }
    return raw;
  };

  const entry = (b: BlobMeta, caller: Caller) => ({
    contentType: b.contentType,
    contentId: b.contentId,
    contentUri: `${caller.origin}/api/v1.0/${caller.tenant}/activity/feed/audit/${b.contentId}`,
    contentCreated: isoMillis(b.created),
    contentExpiration: isoMillis(b.created + sim.switches.contentExpiryMinutes * MINUTE),
  });

  const sign = (payload: string) =>
    createHmac('sha256', pageKey).update(payload).digest('base64url').slice(0, 16);

  for (const prefix of MANAGE_PREFIXES) {
    const root = `${prefix}:tenant/activity/feed`;

    app.post(`${root}/subscriptions/start`, async (c) => {
      const caller = authorize(c, 'start');
      if (caller instanceof Response) return caller;
      const ct = contentType(caller, false);
      if (ct instanceof Response) return ct;
      if (sim.tenantState === 'auditOff') {
        return fail(
          auditDisabled(
            {
              tenant: caller.tenant,
              contentType: ct,
              appId: caller.appId,
              publisher:
                caller.query.get('publisheridentifier') ?? '00000000-0000-0000-0000-000000000000',
            },
            randomUUID(),
          ),
          caller.now,
        );
      }
      let webhook: Webhook | null = null;
      const text = await c.req.text();
      if (text.trim()) {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          return fail(AF.invalidParameterType('webhook', 'guid'), caller.now);
        }
        const w = (
          body as { webhook?: { address?: unknown; authId?: unknown; expiration?: unknown } }
        ).webhook;
        if (w && typeof w === 'object') {
          const address = typeof w.address === 'string' ? w.address : '';
          if (!address) return fail(AF.missingParameter('webhook.address'), caller.now);
          const expiration = typeof w.expiration === 'string' && w.expiration ? w.expiration : null;
          if (expiration !== null) {
            const ms = Date.parse(expiration);
            if (Number.isNaN(ms))
              return fail(AF.invalidParameterType('expiration', 'datetime'), caller.now);
            if (ms < caller.now) return fail(AF.expirationInPast(expiration), caller.now);
          }
          if (!address.toLowerCase().startsWith('https://')) {
            return fail(
              AF.webhookNotValidated(address, 'The address must begin with HTTPS.'),
              caller.now,
            );
          }
          const authId = typeof w.authId === 'string' ? w.authId : '';
          if (!(await webhooks.validate(address, authId))) {
            return fail(
              AF.webhookNotValidated(address, 'The endpoint did not return HTTP 200.'),
              caller.now,
            );
          }
          webhook = { address, authId, expiration, status: 'enabled' };
        }
      }
      if (sim.subscriptions.start(ct, webhook, caller.now) === 'noop') {
        return fail(AF.alreadyEnabled(), caller.now);
      }
      return json({ contentType: ct, status: 'enabled', webhook }, 200, {
        Date: httpDate(caller.now),
      });
    });

    app.post(`${root}/subscriptions/stop`, (c) => {
      const caller = authorize(c, 'stop');
      if (caller instanceof Response) return caller;
      const ct = contentType(caller, false);
      if (ct instanceof Response) return ct;
      sim.subscriptions.stop(ct, caller.now);
      return new Response(null, { status: 200, headers: { Date: httpDate(caller.now) } });
    });

    app.get(`${root}/subscriptions/list`, (c) => {
      const caller = authorize(c, 'list');
      if (caller instanceof Response) return caller;
      const list = sim.tenantState === 'auditOff' ? [] : sim.subscriptions.list();
      return json(list, 200, { Date: httpDate(caller.now) });
    });

    const listing = (kind: 'content' | 'notifications') => (c: Context) => {
      const caller = authorize(c, kind);
      if (caller instanceof Response) return caller;
      const ct = contentType(caller, true);
      if (ct instanceof Response) return ct;
      const window = resolveWindow(
        caller.query.get('starttime'),
        caller.query.get('endtime'),
        caller.now,
      );
      if ('code' in window) return fail(window, caller.now);
      if (
        window.explicit &&
        window.end - window.start >= 24 * 3_600_000 &&
        sim.switches.fullDayWindows === 'refuse'
      ) {
        return fail(AF.windowInvalid(), caller.now);
      }
      let after: { created: number; contentId: string } | undefined;
      const token = caller.query.get('nextpage');
      if (token !== undefined) {
        const [payload = '', mac = ''] = token.split('.');
        const decoded = Buffer.from(payload, 'base64url').toString('utf8');
        const [created, contentId, scope] = decoded.split('|');
        if (
          mac !== sign(`${payload}|${ct}|${window.start}|${window.end}`) ||
          !created ||
          !contentId ||
          scope !== kind
        ) {
          return fail(AF.invalidNextPage(token), caller.now);
        }
        after = { created: Number(created), contentId };
      }
      const size = sim.switches.pageSize;
      let blobs: BlobMeta[];
      let notifications: Array<Record<string, unknown>> = [];
      if (kind === 'content') {
        blobs = sim.catalog
          .list(ct, window.start, window.end, after)
          .filter((b) => sim.available(b, caller.now));
      } else {
        const all = webhooks.attempts(ct).filter((a) => {
          const created = Date.parse(String(a.contentCreated));
          return created >= window.start && created < window.end;
        });
        const start = after
          ? all.findIndex(
              (a) =>
                `${Date.parse(String(a.contentCreated))}|${String(a.contentId)}` ===
                `${after.created}|${after.contentId}`,
            ) + 1
          : 0;
        notifications = all.slice(start);
        blobs = [];
      }
      const total = kind === 'content' ? blobs.length : notifications.length;
      const headers: Record<string, string> = { Date: httpDate(caller.now) };
      if (total > size) {
        const last = kind === 'content' ? (blobs[size - 1] as BlobMeta) : undefined;
        const lastN = kind === 'notifications' ? notifications[size - 1] : undefined;
        const key = last
          ? `${last.created}|${last.contentId}|${kind}`
          : `${Date.parse(String(lastN?.contentCreated))}|${String(lastN?.contentId)}|${kind}`;
        const payload = Buffer.from(key).toString('base64url');
        const next = `${payload}.${sign(`${payload}|${ct}|${window.start}|${window.end}`)}`;
        const publisher = caller.query.get('publisheridentifier');
        const params = new URLSearchParams({
          contentType: ct,
          startTime: formatWindowTime(window.start),
          endTime: formatWindowTime(window.end),
          nextPage: next,
        });
        if (publisher) params.set('PublisherIdentifier', publisher);
        headers.NextPageUri = `${caller.origin}/api/v1.0/${caller.tenant}/activity/feed/subscriptions/${kind}?${params.toString()}`;
      }
      if (kind === 'content') {
        return json(
          blobs.slice(0, size).map((b) => entry(b, caller)),
          200,
          headers,
        );
      }
      return json(notifications.slice(0, size), 200, headers);
    };
    // The window must be the original one: paging tokens are bound to it (AF20031 otherwise).
    app.get(`${root}/subscriptions/content`, listing('content'));
    app.get(`${root}/subscriptions/notifications`, listing('notifications'));

    app.get(`${root}/audit/:contentId{.+}`, (c) => {
      const caller = authorize(c, 'blob');
      if (caller instanceof Response) return caller;
      const id = c.req.param('contentId') ?? '';
      const parsed = parseContentId(id);
      if (!parsed) return fail(AF.invalidContentId(id), caller.now);
      const expiry = sim.switches.contentExpiryMinutes * MINUTE;
      const found = sim.catalog.find(id);
      if (!found) {
        return fail(
          parsed.created + expiry <= caller.now ? AF.contentExpired(id) : AF.contentNotFound(id),
          caller.now,
        );
      }
      const blob = found.blob;
      if (!found.published) return fail(AF.contentNotFound(id), caller.now);
      if (blob.contentType === 'DLP.All' && !caller.roles.includes('ActivityFeed.ReadDlp')) {
        return fail(AF.missingPermission(caller.roles, 'ActivityFeed.ReadDlp'), caller.now);
      }
      const access = sim.subscriptions.access(blob.contentType);
      if (access?.kind === 'none') return fail(AF.notSubscribed(), caller.now);
      if (access?.kind === 'disabled') return fail(AF.subscriptionDisabled(access.by), caller.now);
      if (!sim.subscriptions.visible(blob.contentType, blob.created))
        return fail(AF.contentNotFound(id), caller.now);
      if (blob.created + expiry <= caller.now) return fail(AF.contentExpired(id), caller.now);
      let body = sim.catalog.body(blob);
      if (isBrokenBlob(sim, id)) {
        sim.counters.inc('fault.brokenBlob');
        body = body.slice(0, Math.max(1, Math.floor(body.length * 0.6)));
      }
      sim.counters.inc('manage.blob.records', blob.count);
      return new Response(body, {
        status: 200,
        headers: { 'Content-Type': 'application/json; charset=utf-8', Date: httpDate(caller.now) },
      });
    });

    app.get(`${root}/resources/dlpSensitiveTypes`, (c) => {
      const caller = authorize(c, 'dlpSensitiveTypes');
      if (caller instanceof Response) return caller;
      const lang = c.req.header('accept-language');
      if (lang !== undefined) {
        if (lang.includes(',')) return fail(AF.tooManyLanguages(), caller.now);
        if (!/^\s*[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*(;q=[01](\.\d{1,3})?)?\s*$/.test(lang)) {
          return fail(AF.badLanguage(), caller.now);
        }
      }
      return json(
        SENSITIVE_TYPES.map((t) => ({ id: t.id, name: t.name })),
        200,
        { Date: httpDate(caller.now) },
      );
    });
  }
}
