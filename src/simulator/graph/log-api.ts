// GET /auditLogs/signIns, /auditLogs/directoryAudits and /admin/exchange/tracing/messageTraces
// (reference §C7, §C8, §C10): a `$filter` on the time field (ge/gt/le/lt, unquoted ISO literal)
// and on a few string fields (eq), `$top`, newest first, pages chained by an opaque
// `$skiptoken` in `@odata.nextLink` that pins the snapshot (filter, visibility time, offset) so
// that entries arriving late never shift a page. Permissions from the token's roles, the
// premium-licence check of sign-in logs, and the audit-log throttle (5 requests / 10 s per app).
import { createHmac } from 'node:crypto';
import type { Simulator } from '../simulator.js';
import { activityLogs, type LogEntry, type LogSource } from './activity-logs.js';
import { type GraphHandler, type GraphRequest, fail, ok, tooManyRequests } from './context.js';
import type { GraphAnswer } from './errors.js';
import { takeToken } from './throttle.js';

interface SourceSpec {
  readonly source: LogSource;
  readonly path: string;
  readonly timeField: string;
  /** String fields `eq` may filter on. */
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
    eqFields: ['userPrincipalName', 'userId', 'appId', 'appDisplayName', 'ipAddress'],
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

interface Filter {
  from: number;
  to: number;
  eq: Array<[string, string]>;
}

/** The supported `$filter` subset; an error message for anything else. */
export function parseFilter(text: string, spec: SourceSpec): Filter | string {
  const filter: Filter = { from: -Infinity, to: Infinity, eq: [] };
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
    const eq = /^\s*([A-Za-z]+)\s+eq\s+'((?:[^']|'')*)'\s*$/.exec(clause);
    if (eq && spec.eqFields.includes(eq[1]!)) {
      filter.eq.push([eq[1]!, eq[2]!.replace(/''/g, "'")]);
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

function matches(e: LogEntry, eq: Filter['eq']): boolean {
  return eq.every(([field, value]) => {
    const v = e.body[field];
    return typeof v === 'string' && v.toLowerCase() === value.toLowerCase();
  });
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
  const filter = parseFilter(token.f, spec);
  if (typeof filter === 'string')
    return fail(req, { status: 400, code: 'BadRequest', message: filter });
  const oldest = token.a - spec.retentionDays * 86_400_000;
  const logs = activityLogs(sim);
  const all: LogEntry[] = [];
  for (const e of logs.entries(spec.source, Math.max(filter.from, oldest), filter.to, token.a)) {
    if (matches(e, filter.eq)) all.push(e);
  }
  // Newest first, as Graph answers these logs.
  all.sort((x, y) => y.t - x.t || (x.id < y.id ? 1 : x.id > y.id ? -1 : 0));
  const size = Math.min(token.n, sw.graphPageSize);
  const page = all.slice(token.o, token.o + size);
  sim.counters.inc(`graph.${spec.source}.pages`);
  sim.counters.inc(`graph.${spec.source}.entries`, page.length);
  const body: Record<string, unknown> = {
    '@odata.context': `${req.origin}/v1.0/$metadata#${spec.path.replace(/\//g, '/')}`,
    value: page.map((e) => e.body),
  };
  if (token.o + size < all.length) {
    const next = encodeToken(sim, { ...token, o: token.o + size });
    // Graph's own nextLink keeps the original query and appends the token.
    const q = new URLSearchParams();
    if (token.f) q.set('$filter', token.f);
    q.set('$top', String(token.n));
    q.set('$skiptoken', next);
    body['@odata.nextLink'] = `${req.origin}/v1.0/${spec.path}?${q.toString()}`;
  }
  return ok(body);
}

export const listSignIns: GraphHandler = (sim, req) => list(sim, req, SPECS.signIns);
export const listDirectoryAudits: GraphHandler = (sim, req) =>
  list(sim, req, SPECS.directoryAudits);
export const listMessageTraces: GraphHandler = (sim, req) => list(sim, req, SPECS.messageTraces);
