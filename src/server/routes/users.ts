// A user's page: their records across workloads, their alerts, the files they shared and with
// whom, and the addresses they signed in from. Each section is a LINQ query the app can open in
// search; the server only fills the user's name in (quoted by the compiler's own rules).
import { z } from 'zod';
import type { ServerDeps } from '../deps.js';
import { badRequest } from '../http/errors.js';
import { queryParams } from '../http/validate.js';
import type { QueryEngine } from '../ports.js';
import { geoIp, isSpecialAddress, normaliseIp } from '../../enrich/geoip.js';
import { collectRows, type Table } from '../query/collect.js';
import type { JsonValue } from '../query/values.js';
import { resolveRange } from '../query/run.js';
import { engineOf } from './query.js';
import type { Routes } from './types.js';

const M = 'cloud.office365.management';

export interface UserSection {
  readonly id: string;
  readonly title: string;
  readonly query: string;
  readonly limit: number;
  /** A column of IP addresses to add the country and the network (AS) of, from GeoIP. */
  readonly addresses?: string;
  /**
   * The columns the page shows, when the query is not grouped: a LINQ `select` keeps the table's
   * columns after the selected ones (Devo's meaning, docs/linq.md), and the page needs a few, not
   * every record whole. "Open in search" gives them all.
   */
  readonly show?: readonly string[];
}

/** The user page's queries; exported for the tests and the benchmark. */
export function userSections(engine: QueryEngine, upn: string): UserSection[] {
  const u = engine.quote(upn);
  return [
    {
      id: 'signins',
      title: 'Sign-in addresses',
      query: `from ${M} where UserId = ${u}, Operation = "UserLoggedIn" or Operation = "UserLoginFailed" group by ActorIpAddress, Operation select count() as events, min(eventdate) as first_seen, max(eventdate) as last_seen order by events desc`,
      limit: 200,
      addresses: 'ActorIpAddress',
    },
    {
      id: 'shared',
      title: 'Files shared, and with whom',
      query: `from ${M} where UserId = ${u}, Operation = "SharingSet" or Operation = "AnonymousLinkCreated" or Operation = "SharingInvitationCreated" or Operation = "AddedToSecureLink" or Operation = "CompanyLinkCreated" group by ObjectId, TargetUserOrGroupName, TargetUserOrGroupType, Operation select count() as events, max(eventdate) as last_shared order by last_shared desc`,
      limit: 500,
    },
    {
      id: 'workloads',
      title: 'Activity by workload',
      query: `from ${M} where UserId = ${u} group by Workload, Operation select count() as events order by events desc`,
      limit: 200,
    },
    {
      id: 'activity',
      title: 'Activity over time',
      query: `from ${M} where UserId = ${u} group every 1h by Workload select count() as events`,
      limit: 5000,
    },
    {
      id: 'timeline',
      title: 'Timeline',
      query: `from ${M} where UserId = ${u} select eventdate, Workload, Operation, ObjectId, srcIp order by eventdate desc limit 1000`,
      limit: 1000,
      addresses: 'srcIp',
      show: ['eventdate', 'Workload', 'Operation', 'ObjectId', 'srcIp'],
    },
  ];
}

/** The table with only the named columns, in that order (names it lacks are left out). */
export function pickColumns(table: Table, names: readonly string[]): Table {
  const at = names.map((n) => table.columns.findIndex((c) => c.name === n)).filter((i) => i >= 0);
  return {
    columns: at.map((i) => table.columns[i]!),
    rows: table.rows.map((r) => at.map((i) => r[i] ?? null)),
    truncated: table.truncated,
  };
}

/** Adds `country` and `network` columns after an address column, from the shipped GeoIP data. */
export function withGeoIp(table: Table, column: string): Table {
  const at = table.columns.findIndex((c) => c.name === column);
  if (at < 0) return table;
  const geo = geoIp();
  const cache = new Map<string, [string | null, string | null]>();
  const look = (value: JsonValue | undefined): [string | null, string | null] => {
    if (typeof value !== 'string' || !value) return [null, null];
    let hit = cache.get(value);
    if (!hit) {
      try {
        const ip = normaliseIp(value);
        // Private, loopback and documentation ranges are in no country: say so, not "empty".
        if (isSpecialAddress(ip)) hit = ['–', 'private or reserved range'];
        else {
          const as = geo.as(ip);
          hit = [geo.countryCode(ip), as ? `AS${as.asn} ${as.org}` : null];
        }
      } catch {
        hit = [null, null];
      }
      cache.set(value, hit);
    }
    return hit;
  };
  return {
    ...table,
    columns: [
      ...table.columns.slice(0, at + 1),
      { name: 'country', type: 'str' },
      { name: 'network', type: 'str' },
      ...table.columns.slice(at + 1),
    ],
    rows: table.rows.map((r) => [...r.slice(0, at + 1), ...look(r[at]), ...r.slice(at + 1)]),
  };
}

const UPN_RE = /^[^\s"\\]{1,320}$/;

export function userRoutes(r: Routes, deps: ServerDeps): void {
  r.add('GET', '/api/users/:upn', async (c) => {
    // Hono has decoded the parameter once already; decoding again would turn %2525 into %.
    const upn = c.req.param('upn') ?? '';
    if (!UPN_RE.test(upn)) {
      throw badRequest('a user is named by a UPN such as alice@contoso.com', {
        problems: [{ field: 'upn', message: 'not a UPN' }],
      });
    }
    const params = queryParams(
      c,
      z
        .object({
          from: z.string().max(64).default('now-7d'),
          to: z.string().max(64).default('now'),
        })
        .strict(),
    );
    const engine = engineOf(deps);
    const range = resolveRange(engine, params.from, params.to, deps.now());
    const started = performance.now();
    const [sections, alerts, account] = await Promise.all([
      Promise.all(
        userSections(engine, upn).map(async (s) => {
          const all = await collectRows(engine, s.query, range, s.limit);
          const table = s.show ? pickColumns(all, s.show) : all;
          return { ...s, ...(s.addresses ? withGeoIp(table, s.addresses) : table) };
        }),
      ),
      deps.alerts ? deps.alerts.list({ user: upn, limit: 500 }) : Promise.resolve(null),
      deps.respond?.account ? deps.respond.account(upn) : Promise.resolve(null),
    ]);
    deps.metrics.queryDuration.observe((performance.now() - started) / 1000, { origin: 'user' });
    return c.json({
      user: upn,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      alerts,
      sections,
      account,
      respond: deps.respond !== undefined,
      fourEyes: deps.respond?.fourEyes ?? true,
    });
  });
}
