// GET /auditLogs/signIns, /auditLogs/directoryAudits and /admin/exchange/tracing/messageTraces
// (docs/microsoft-apis.md, "Sign-ins and directory audits", "Message trace"): a `$filter` on the
// time field (ge/gt/le/lt, unquoted ISO literal) and on the fields Microsoft lists (eq/ne with a
// string or number, startswith), `$top`, newest first, pages chained by an opaque
// `$skiptoken` in `@odata.nextLink` that pins the snapshot (filter, visibility time, offset) so
// that entries arriving late never shift a page. Permissions from the token's roles, the
// premium-licence check of sign-in logs, the audit-log throttle (5 requests / 10 s per app) and
// message trace's (100 requests per 5-minute running window per tenant).
import { createHmac } from 'node:crypto';
import type { Simulator } from '../simulator.js';
import { activityLogs, type LogEntry, type LogSource } from './activity-logs.js';
import { type GraphHandler, type GraphRequest, fail, ok, tooManyRequests } from './context.js';
import type { GraphAnswer } from './errors.js';
import { takeToken, takeWindow } from './throttle.js';

interface SourceSpec {
  readonly source: LogSource;
  readonly path: string;
  readonly timeField: string;
  /** Fields (paths with `/`) that `eq`, `ne` and `startswith` may filter on. */
  readonly eqFields: readonly string[];
  readonly maxTop: number;
  /** Any one set of roles suffices. */
  readonly roles: ReadonlyArray<readonly string[]>;
  /** Days Microsoft keeps the entries. */
  readonly retentionDays: number;
}

const SPECS: Readonly<Record<LogSource, SourceSpec>> = {
  signIns: {
    source: 'signIns',
    path: 'auditLogs/signIns',
    timeField: 'createdDateTime',
    // https://learn.microsoft.com/graph/api/signin-list (Optional query parameters).
    eqFields: [
      'id',
      'userPrincipalName',
      'userDisplayName',
      'userId',
      'appId',
      'appDisplayName',
      'ipAddress',
      'clientAppUsed',
      'conditionalAccessStatus',
      'correlationId',
      'resourceDisplayName',
      'resourceId',
      'status/errorCode',
      'location/city',
      'location/state',
      'location/countryOrRegion',
      'deviceDetail/browser',
      'deviceDetail/operatingSystem',
    ],
    maxTop: 1000,
    roles: [['AuditLog.Read.All', 'Directory.Read.All']],
    retentionDays: 30,
  },
  directoryAudits: {
    source: 'directoryAudits',
    path: 'auditLogs/directoryAudits',
    timeField: 'activityDateTime',
    eqFields: ['category', 'activityDisplayName', 'loggedByService', 'result'],
    maxTop: 1000,
    roles: [['AuditLog.Read.All', 'Directory.Read.All']],
    retentionDays: 30,
  },
  messageTraces: {
    source: 'messageTraces',
    path: 'admin/exchange/tracing/messageTraces',
    timeField: 'receivedDateTime',
    eqFields: ['senderAddress', 'recipientAddress', 'messageId', 'fromIP', 'status'],
    maxTop: 5000,
    roles: [['ExchangeMessageTrace.Read.All']],
    retentionDays: 90,
  },
};

/** Which sign-ins a listing returns (beta's signInEventTypes; v1.0 has interactive ones only). */
type EventTypes = { readonly op: 'eq' | 'ne'; readonly type: string } | null;

interface Filter {
  from: number;
  to: number;
  where: Array<(body: Record<string, unknown>) => boolean>;
  eventTypes: EventTypes;
}

function valueAt(body: Record<string, unknown>, path: string): unknown {
  let v: unknown = body;
  for (const k of path.split('/'))
    v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

const STRING = "'((?:[^']|'')*)'";
const unquote = (s: string) => s.replace(/''/g, "'");

/** The supported `$filter` subset; an error message for anything else. */
export function parseFilter(
  text: string,
  spec: SourceSpec,
  version: 'v1.0' | 'beta' = 'v1.0',
): Filter | string {
  const filter: Filter = { from: -Infinity, to: Infinity, where: [], eventTypes: null };
  if (!text.trim()) return filter;
  for (const clause of text.split(/\s+and\s+/i)) {
    const time = new RegExp(
      `^\\s*${spec.timeField}\\s+(ge|gt|le|lt)\\s+(\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z?)\\s*$`,
      'i',
    ).exec(clause);
    if (time) {
      const raw = time[2]!;
      const ms = Date.parse(raw.endsWith('Z') ? raw : `${raw}Z`);
      if (Number.isNaN(ms)) return `Invalid DateTimeOffset literal '${raw}'.`;
      const op = time[1]!.toLowerCase();
      if (op === 'ge') filter.from = Math.max(filter.from, ms);
      else if (op === 'gt') filter.from = Math.max(filter.from, ms + 1);
      else if (op === 'lt') filter.to = Math.min(filter.to, ms);
      else filter.to = Math.min(filter.to, ms + 1);
      continue;
    }
    // beta only: signInEventTypes/any(t: t eq 'nonInteractiveUser')
    const types = new RegExp(
      `^\\s*\\(?\\s*signInEventTypes/any\\(\\s*(\\w+)\\s*:\\s*\\1\\s+(eq|ne)\\s+${STRING}\\s*\\)\\s*\\)?\\s*$`,
      'i',
    ).exec(clause);
    if (types && spec.source === 'signIns') {
      if (version !== 'beta') {
        return "Could not find a property named 'signInEventTypes' on type 'microsoft.graph.signIn'.";
      }
      filter.eventTypes = { op: types[2]!.toLowerCase() as 'eq' | 'ne', type: unquote(types[3]!) };
      continue;
    }
    const cmp = new RegExp(
      `^\\s*([A-Za-z/]+)\\s+(eq|ne)\\s+(?:${STRING}|(-?\\d+)|(true|false|null))\\s*$`,
      'i',
    ).exec(clause);
    if (cmp && spec.eqFields.includes(cmp[1]!)) {
      const [, field, op, str, num, word] = cmp;
      const want: unknown =
        str !== undefined
          ? unquote(str)
          : num !== undefined
            ? Number(num)
            : word === 'null'
              ? null
              : word === 'true';
      const equal = (v: unknown) =>
        typeof v === 'string' && typeof want === 'string'
          ? v.toLowerCase() === want.toLowerCase()
          : (v ?? null) === want;
      const negate = op!.toLowerCase() === 'ne';
      filter.where.push((b) => equal(valueAt(b, field!)) !== negate);
      continue;
    }
    const starts = new RegExp(
      `^\\s*startswith\\(\\s*([A-Za-z/]+)\\s*,\\s*${STRING}\\s*\\)\\s*$`,
      'i',
    ).exec(clause);
    if (starts && spec.eqFields.includes(starts[1]!)) {
      const prefix = unquote(starts[2]!).toLowerCase();
      filter.where.push((b) => {
        const v = valueAt(b, starts[1]!);
        return typeof v === 'string' && v.toLowerCase().startsWith(prefix);
      });
      continue;
    }
    return `Invalid filter clause: '${clause.trim()}' is not supported on ${spec.path}.`;
  }
  return filter;
}

interface PageToken {
  /** The request's $filter and $top, bound to the token. */
  f: string;
  n: number;
  /** Sim time the listing started: entries visible then, and only those, are paged. */
  a: number;
  /** Entries already returned. */
  o: number;
}

function tokenKey(sim: Simulator): string {
  return `${sim.opts.seed}|${sim.opts.tenantId}|graph-skiptoken`;
}

function encodeToken(sim: Simulator, t: PageToken): string {
  const body = Buffer.from(JSON.stringify(t)).toString('base64url');
  const mac = createHmac('sha256', tokenKey(sim)).update(body).digest('base64url').slice(0, 16);
  return `${body}.${mac}`;
}

function decodeToken(sim: Simulator, text: string): PageToken | null {
  const [body, mac] = text.split('.');
  if (!body || !mac) return null;
  const expected = createHmac('sha256', tokenKey(sim))
    .update(body)
    .digest('base64url')
    .slice(0, 16);
  if (mac !== expected) return null;
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as PageToken;
  } catch {
    return null;
  }
}

function matches(e: LogEntry, where: Filter['where']): boolean {
  return where.every((p) => p(e.body));
}

/**
 * Graph serves interactive sign-ins only, on v1.0 and on beta without a signInEventTypes filter
 * (https://learn.microsoft.com/graph/api/signin-list). On beta each entry says its types.
 */
function signInFor(
  e: LogEntry,
  version: 'v1.0' | 'beta',
  types: EventTypes,
): Record<string, unknown> | null {
  const type = e.body.isInteractive === false ? 'nonInteractiveUser' : 'interactiveUser';
  const wanted = types ?? { op: 'eq', type: 'interactiveUser' };
  if ((type === wanted.type) === (wanted.op === 'ne')) return null;
  return version === 'beta' ? { ...e.body, signInEventTypes: [type] } : e.body;
}

function list(sim: Simulator, req: GraphRequest, spec: SourceSpec): GraphAnswer {
  const allowed = spec.roles.some((set) => set.every((r) => req.roles.includes(r)));
  if (!allowed) {
    return fail(
      req,
      {
        status: 403,
        code: 'Authorization_RequestDenied',
        message: 'Insufficient privileges to complete the operation.',
      },
      { 'x-m365hunt-required-roles': (spec.roles[0] ?? []).join(' + ') },
    );
  }
  const sw = sim.switches;
  if (spec.source === 'signIns' && sw.entraLicence === 'free') {
    sim.counters.inc('graph.error.nonPremium');
    return fail(req, {
      status: 403,
      code: 'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
      message: "Neither tenant is B2C or tenant doesn't have premium license",
    });
  }
  if (spec.source !== 'messageTraces') {
    const retry = takeToken(sim, `auditLogs:${req.appId}`, sw.auditLogThrottlePer10Seconds, 10);
    if (retry !== null) {
      sim.counters.inc('graph.auditLogs.throttled');
      // The switch decides whether a Retry-After is sent; its value is the bucket's own.
      return tooManyRequests(req, sw.retryAfterSeconds === null ? null : retry);
    }
  } else {
    // Per tenant, every app together: 100 in a 5-minute running window.
    const retry = takeWindow(sim, 'messageTrace', sw.messageTraceThrottlePer5Minutes, 300);
    if (retry !== null) {
      sim.counters.inc('graph.messageTraces.throttled');
      return tooManyRequests(req, sw.retryAfterSeconds === null ? null : retry);
    }
  }
  const skip = req.query.get('$skiptoken') ?? req.query.get('$skipToken');
  let token: PageToken;
  if (skip !== null) {
    const t = decodeToken(sim, skip);
    if (!t) return fail(req, { status: 400, code: 'BadRequest', message: 'Invalid $skiptoken.' });
    token = t;
  } else {
    const top = req.query.get('$top');
    const n = top === null ? spec.maxTop : Number(top);
    if (!Number.isInteger(n) || n < 1 || n > spec.maxTop) {
      return fail(req, {
        status: 400,
        code: 'BadRequest',
        message: `Invalid value for $top: it must be between 1 and ${spec.maxTop}.`,
      });
    }
    token = { f: req.query.get('$filter') ?? '', n, a: req.now, o: 0 };
  }
  const filter = parseFilter(token.f, spec, req.version);
  if (typeof filter === 'string')
    return fail(req, { status: 400, code: 'BadRequest', message: filter });
  const oldest = token.a - spec.retentionDays * 86_400_000;
  const logs = activityLogs(sim);
  const all: LogEntry[] = [];
  for (const e of logs.entries(spec.source, Math.max(filter.from, oldest), filter.to, token.a)) {
    const body = spec.source === 'signIns' ? signInFor(e, req.version, filter.eventTypes) : e.body;
    if (body && matches(e, filter.where)) all.push(body === e.body ? e : { ...e, body });
  }
  // Newest first, as Graph answers these logs.
  all.sort((x, y) => y.t - x.t || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0));
  const size = Math.min(token.n, sw.graphPageSize);
  const page = all.slice(token.o, token.o + size);
  sim.counters.inc(`graph.${spec.source}.pages`);
  sim.counters.inc(`graph.${spec.source}.entries`, page.length);
  const body: Record<string, unknown> = {
    '@odata.context': `${req.origin}/${req.version}/$metadata#${spec.path}`,
    value: page.map((e) => e.body),
  };
  if (token.o + size < all.length) {
    const next = encodeToken(sim, { ...token, o: token.o + size });
    // Graph's own nextLink keeps the original query and appends the token.
    const q = new URLSearchParams();
    if (token.f) q.set('$filter', token.f);
    q.set('$top', String(token.n));
    q.set('$skiptoken', next);
    body['@odata.nextLink'] = `${req.origin}/${req.version}/${spec.path}?${q.toString()}`;
  }
  return ok(body);
}

export const listSignIns: GraphHandler = (sim, req) => list(sim, req, SPECS.signIns);
export const listDirectoryAudits: GraphHandler = (sim, req) =>
  list(sim, req, SPECS.directoryAudits);
export const listMessageTraces: GraphHandler = (sim, req) => list(sim, req, SPECS.messageTraces);
