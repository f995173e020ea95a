// The simulator's Graph sources (issue 8): sign-in logs and directory audits consistent with the
// Management API's records, message trace consistent with the Send records, usage reports whose
// counts match the activity, paging with @odata.nextLink, throttling, the premium licence,
// permissions from the token, late arrival, ground truth per source, and the takeover scenario.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { api, control, listAll, small, token } from './helpers.js';

type Json = Record<string, unknown>;

let sim: SimulatorHandle;
let graph: string;
let audit: Array<Record<string, unknown>>;

async function pages(url: string, bearer = graph): Promise<{ value: Json[]; pages: number }> {
  const value: Json[] = [];
  let next: string | undefined = url;
  let n = 0;
  while (next) {
    const r = await api(sim, bearer, next);
    if (r.status !== 200) throw new Error(`${next}: ${r.status} ${r.text}`);
    const body = r.json() as { value: Json[]; '@odata.nextLink'?: string };
    value.push(...body.value);
    next = body['@odata.nextLink'];
    n++;
  }
  return { value, pages: n };
}

const iso = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

beforeAll(async () => {
  sim = await small({
    users: 20,
    days: 2,
    scenarios: ['account-takeover', 'password-spray'],
    switches: { auditLogThrottlePer10Seconds: 0, reportThrottlePer10Minutes: 0, duplicateRate: 0 },
  });
  graph = await token(sim, 'graph');
  const manage = await token(sim, 'manage');
  audit = [];
  // The whole history (two days): two 24-hour listing windows per content type.
  const now = sim.now().getTime();
  for (const ct of ['Audit.AzureActiveDirectory', 'Audit.Exchange']) {
    for (const [start, end] of [
      [now - 48 * 3600_000 + 1000, now - 24 * 3600_000],
      [now - 24 * 3600_000, now],
    ] as const) {
      const { entries } = await listAll(sim, manage, ct, start, end);
      for (const e of entries) {
        const r = await api(sim, manage, `${e.contentUri}?PublisherIdentifier=${sim.tenantId}`);
        audit.push(...(r.json() as Array<Record<string, unknown>>));
      }
    }
  }
}, 60_000);

afterAll(async () => {
  await sim.close();
});

describe('Graph sign-in logs and directory audits', () => {
  it('lists the same sign-ins as the audit feed, newest first, paged by @odata.nextLink', async () => {
    sim.setSwitches({ graphPageSize: 10 });
    const now = sim.now();
    const from = new Date(now.getTime() - 20 * 3600_000);
    const filter = `createdDateTime ge ${iso(from)} and createdDateTime lt ${iso(now)}`;
    const { value, pages: n } = await pages(
      `${sim.url}/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(filter)}&$top=1000`,
    );
    sim.setSwitches({ graphPageSize: 1000 });
    expect(n).toBeGreaterThan(2);
    expect(new Set(value.map((s) => s.id)).size).toBe(value.length);
    const times = value.map((s) => Date.parse(String(s.createdDateTime)));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // Every Graph sign-in is an audit record of the same user, time, address and app.
    const logons = new Map(
      audit
        .filter((r) => r.Operation === 'UserLoggedIn' || r.Operation === 'UserLoginFailed')
        .map((r) => [String(r.IntraSystemId), r]),
    );
    let matched = 0;
    for (const s of value) {
      const r = logons.get(String(s.id));
      if (!r) continue;
      matched++;
      expect(r.UserId).toBe(s.userPrincipalName);
      // Graph writes seven-digit fractions (2018-11-06T18:48:33.8527147Z in Microsoft's example).
      expect(String(s.createdDateTime)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
      expect(String(s.createdDateTime).slice(0, 19)).toBe(String(r.CreationTime));
      expect(s.isInteractive).toBe(true);
      expect(r.ActorIpAddress).toBe(s.ipAddress);
      expect(r.ApplicationId).toBe(s.appId);
      expect(String(r.ErrorNumber)).toBe(String((s.status as Json).errorCode));
    }
    // Audit blobs lag up to 3 h: most, not all, of the last 20 h are published.
    expect(matched).toBeGreaterThan(value.length * 0.7);
    expect(
      value.every(
        (s) =>
          typeof (s.location as Json).countryOrRegion === 'string' || s.ipAddress === '192.0.2.66',
      ),
    ).toBe(true);
  });

  it('v1.0 and beta serve interactive sign-ins; beta serves non-interactive ones by signInEventTypes', async () => {
    const now = sim.now();
    const time = `createdDateTime ge ${iso(new Date(now.getTime() - 40 * 3600_000))} and createdDateTime lt ${iso(now)}`;
    const at = (version: string, filter: string) =>
      `${sim.url}/${version}/auditLogs/signIns?$filter=${encodeURIComponent(filter)}`;
    const v1 = (await pages(at('v1.0', time))).value;
    const beta = (await pages(at('beta', time))).value;
    const nonInteractive = (
      await pages(at('beta', `${time} and signInEventTypes/any(t: t eq 'nonInteractiveUser')`))
    ).value;
    expect(v1.length).toBeGreaterThan(0);
    expect(nonInteractive.length).toBeGreaterThan(0);
    expect(v1.every((x) => x.isInteractive === true && !('signInEventTypes' in x))).toBe(true);
    expect(beta.map((x) => x.id)).toEqual(v1.map((x) => x.id));
    expect(beta.every((x) => JSON.stringify(x.signInEventTypes) === '["interactiveUser"]')).toBe(
      true,
    );
    expect(
      nonInteractive.every(
        (x) =>
          x.isInteractive === false &&
          JSON.stringify(x.signInEventTypes) === '["nonInteractiveUser"]',
      ),
    ).toBe(true);
    // Together they are every sign-in the audit feed has of the period (which Graph has shown).
    const ids = new Set([...v1, ...nonInteractive].map((x) => String(x.id)));
    const inAudit = audit.filter(
      (r) =>
        (r.Operation === 'UserLoggedIn' || r.Operation === 'UserLoginFailed') &&
        Date.parse(`${String(r.CreationTime)}Z`) >= now.getTime() - 40 * 3600_000 &&
        Date.parse(`${String(r.CreationTime)}Z`) < now.getTime() - 3 * 3600_000,
    );
    expect(inAudit.length).toBeGreaterThan(0);
    expect(inAudit.filter((r) => !ids.has(String(r.IntraSystemId)))).toEqual([]);
    // v1.0 has no signInEventTypes.
    const refused = await api(
      sim,
      graph,
      at('v1.0', `signInEventTypes/any(t: t eq 'nonInteractiveUser')`),
    );
    expect(refused.status).toBe(400);
  });

  it('filters sign-ins on status/errorCode, clientAppUsed and with startswith, as Microsoft documents', async () => {
    const list = async (filter: string) => {
      const r = await api(
        sim,
        graph,
        `${sim.url}/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(filter)}`,
      );
      expect(r.status, `${filter}: ${r.text}`).toBe(200);
      return (r.json() as { value: Json[] }).value;
    };
    const failed = await list('status/errorCode eq 50126');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((x) => (x.status as Json).errorCode === 50126)).toBe(true);
    const succeeded = await list('status/errorCode eq 0');
    expect(succeeded.every((x) => (x.status as Json).errorCode === 0)).toBe(true);
    const notOk = await list('status/errorCode ne 0');
    expect(notOk.length).toBeGreaterThanOrEqual(failed.length);
    expect(notOk.every((x) => (x.status as Json).errorCode !== 0)).toBe(true);
    const browser = await list("clientAppUsed eq 'Browser'");
    expect(browser.length).toBeGreaterThan(0);
    expect(browser.every((x) => x.clientAppUsed === 'Browser')).toBe(true);
    const upn = String(failed[0]!.userPrincipalName);
    const starting = await list(
      `startswith(userPrincipalName, '${upn.slice(0, 3).toUpperCase()}')`,
    );
    expect(starting.some((x) => x.userPrincipalName === upn)).toBe(true);
    expect(starting.every((x) => String(x.userPrincipalName).startsWith(upn.slice(0, 3)))).toBe(
      true,
    );
  });

  it('answers 403 without an Entra ID premium licence, and hides risk without P2', async () => {
    sim.setSwitches({ entraLicence: 'free' });
    const r = await api(sim, graph, `${sim.url}/v1.0/auditLogs/signIns`);
    expect(r.status).toBe(403);
    expect((r.json() as { error: { code: string } }).error.code).toBe(
      'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
    );
    // Directory audits need no premium licence.
    expect((await api(sim, graph, `${sim.url}/v1.0/auditLogs/directoryAudits?$top=5`)).status).toBe(
      200,
    );
    sim.setSwitches({ entraLicence: 'P2' });
  });

  it('checks AuditLog.Read.All and Directory.Read.All in the token', async () => {
    sim.setApp({ roles: { graph: ['AuditLog.Read.All'] } });
    const limited = await token(sim, 'graph');
    const r = await api(sim, limited, `${sim.url}/v1.0/auditLogs/signIns`);
    expect(r.status).toBe(403);
    expect(r.headers.get('x-m365hunt-required-roles')).toBe(
      'AuditLog.Read.All + Directory.Read.All',
    );
    const t = await api(sim, limited, `${sim.url}/v1.0/admin/exchange/tracing/messageTraces`);
    expect(t.status).toBe(403);
    sim.setApp({
      roles: {
        graph: [
          'AuditLog.Read.All',
          'Directory.Read.All',
          'Reports.Read.All',
          'ExchangeMessageTrace.Read.All',
        ],
      },
    });
  });

  it('throttles the audit logs at 5 requests per 10 seconds with Retry-After', async () => {
    sim.setSwitches({ auditLogThrottlePer10Seconds: 5 });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 7; i++) {
      const r = await api(sim, graph, `${sim.url}/v1.0/auditLogs/directoryAudits?$top=1`);
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    sim.setSwitches({ auditLogThrottlePer10Seconds: 0 });
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it('refuses filters it does not know and forged skiptokens', async () => {
    const bad = await api(
      sim,
      graph,
      `${sim.url}/v1.0/auditLogs/signIns?$filter=${encodeURIComponent("riskState eq 'x'")}`,
    );
    expect(bad.status).toBe(400);
    const forged = await api(sim, graph, `${sim.url}/v1.0/auditLogs/signIns?$skiptoken=abc.def`);
    expect(forged.status).toBe(400);
  });

  it('directory audits carry initiatedBy and targetResources', async () => {
    const { value } = await pages(`${sim.url}/v1.0/auditLogs/directoryAudits`);
    expect(value.length).toBeGreaterThan(0);
    for (const a of value) {
      expect(String(a.id)).toMatch(/^Directory_/);
      expect(String(a.activityDateTime)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
      expect(Array.isArray(a.targetResources)).toBe(true);
      expect(a.initiatedBy).toBeTruthy();
    }
  });
});

describe('message trace and usage reports', () => {
  it('traces every sent message once per recipient, with the Send record message id', async () => {
    const { value } = await pages(`${sim.url}/v1.0/admin/exchange/tracing/messageTraces?$top=5000`);
    const sends = audit.filter((r) => r.Operation === 'Send');
    const traced = new Set(value.map((t) => t.messageId));
    for (const s of sends) expect(traced.has((s.Item as Json).InternetMessageId)).toBe(true);
    expect(
      value.every((t) => t.status === 'Delivered' && typeof t.recipientAddress === 'string'),
    ).toBe(true);
  });

  it('redirects to a CSV download; counts match the Send records of the period', async () => {
    const fn = 'getEmailActivityUserDetail';
    const r = await fetch(`${sim.url}/v1.0/reports/${fn}(period='D7')`, {
      headers: { Authorization: `Bearer ${graph}` },
      redirect: 'manual',
    });
    expect(r.status).toBe(302);
    const location = r.headers.get('location')!;
    // The download is pre-authenticated: an Authorization header is refused.
    expect((await fetch(location, { headers: { Authorization: `Bearer ${graph}` } })).status).toBe(
      400,
    );
    const bytes = Buffer.from(await (await fetch(location)).arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // a UTF-8 BOM
    const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n');
    expect(lines[0]).toBe(
      'Report Refresh Date,User Principal Name,Display Name,Is Deleted,Deleted Date,Last Activity Date,Send Count,Receive Count,Read Count,Meeting Created Count,Meeting Interacted Count,Assigned Products,Report Period',
    );
    expect(lines).toHaveLength(21);
    const refresh = lines[1]!.split(',')[0]!;
    const start = Date.parse(`${refresh}T00:00:00Z`) - 6 * 86_400_000;
    const end = Date.parse(`${refresh}T00:00:00Z`) + 86_400_000;
    const sendsOf = new Map<string, number>();
    const truth: Array<Record<string, unknown>> = [];
    for await (const e of eventsOf(start, end)) truth.push(e);
    for (const e of truth) sendsOf.set(String(e.user), (sendsOf.get(String(e.user)) ?? 0) + 1);
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      expect(Number(cells[6])).toBe(sendsOf.get(cells[1]!) ?? 0);
    }
    expect([...sendsOf.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('serves per-user detail reports for one day, (date=YYYY-MM-DD), within the last 30 days', async () => {
    const fn = 'getEmailActivityUserDetail';
    const get = (args: string) =>
      fetch(`${sim.url}/v1.0/reports/${fn}(${args})`, {
        headers: { Authorization: `Bearer ${graph}` },
        redirect: 'manual',
      });
    const weekly = await get("period='D7'");
    const refresh = (await (await fetch(weekly.headers.get('location')!)).text())
      .split('\r\n')[1]!
      .split(',')[0]!;
    const r = await get(`date=${refresh}`);
    expect(r.status).toBe(302);
    const lines = (await (await fetch(r.headers.get('location')!)).text()).trim().split('\r\n');
    expect(lines).toHaveLength(21);
    const start = Date.parse(`${refresh}T00:00:00Z`);
    const sendsOf = new Map<string, number>();
    for await (const e of eventsOf(start, start + 86_400_000))
      sendsOf.set(String(e.user), (sendsOf.get(String(e.user)) ?? 0) + 1);
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      expect(Number(cells[6])).toBe(sendsOf.get(cells[1]!) ?? 0);
      expect(cells[12]).toBe('1');
    }
    // Older than 30 days, or after the refresh date: 400. Mailbox usage takes period only.
    const old = new Date(start - 31 * 86_400_000).toISOString().slice(0, 10);
    expect((await get(`date=${old}`)).status).toBe(400);
    const mailbox = await fetch(`${sim.url}/v1.0/reports/getMailboxUsageDetail(date=${refresh})`, {
      headers: { Authorization: `Bearer ${graph}` },
      redirect: 'manual',
    });
    expect(mailbox.status).toBe(400);
  });

  it('throttles each report at 14 requests per 10 minutes', async () => {
    sim.setSwitches({ reportThrottlePer10Minutes: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${sim.url}/v1.0/reports/getMailboxUsageDetail(period='D7')`, {
        headers: { Authorization: `Bearer ${graph}` },
        redirect: 'manual',
      });
      statuses.push(r.status);
    }
    const other = await fetch(
      `${sim.url}/v1.0/reports/getTeamsUserActivityUserDetail(period='D7')`,
      {
        headers: { Authorization: `Bearer ${graph}` },
        redirect: 'manual',
      },
    );
    sim.setSwitches({ reportThrottlePer10Minutes: 0 });
    expect(statuses).toEqual([302, 302, 429]);
    expect(other.status).toBe(302);
  });
});

/** Send records of the audit feed in [start, end), as {user}. */
async function* eventsOf(start: number, end: number): AsyncGenerator<Record<string, unknown>> {
  for (const r of audit) {
    if (r.Operation !== 'Send') continue;
    const t = Date.parse(`${String(r.CreationTime)}Z`);
    if (t >= start && t < end) yield { user: r.UserId };
  }
}

describe('late arrival, ground truth and the takeover scenario', () => {
  it('shows entries only after their delay; the truth lists what is visible', async () => {
    const visible: string[] = [];
    for await (const l of sim.truth({ source: 'signIns', availableOnly: true })) visible.push(l.Id);
    let shown = visible.length;
    for await (const _l of sim.truth({ source: 'nonInteractiveSignIns', availableOnly: true }))
      shown++;
    let all = 0;
    for (const source of ['signIns', 'nonInteractiveSignIns'] as const)
      for await (const _l of sim.truth({ source })) all++;
    expect(all).toBeGreaterThan(shown);
    const { value } = await pages(`${sim.url}/v1.0/auditLogs/signIns`);
    expect(value.map((s) => s.id).sort()).toEqual([...visible].sort());
    const res = await control(sim, 'truth?source=messageTraces&available=1');
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { contentType: string });
    expect(lines[0]?.contentType).toBe('Graph.MessageTraces');
  });

  it('the victim signs in from Germany, then Nigeria and Brazil; mail goes to 12 outside domains', async () => {
    const info = sim.scenarios().find((s) => s.name === 'account-takeover')!;
    const victim = info.actors[0]!;
    const { value } = await pages(
      `${sim.url}/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(`userPrincipalName eq '${victim}'`)}`,
    );
    const countries = value
      .filter((s) => (s.status as Json).errorCode === 0)
      .map((s) => (s.location as Json).countryOrRegion);
    expect(countries).toContain('DE');
    expect(countries).toContain('NG');
    expect(countries).toContain('BR');
    const labels = new Map<string, string>();
    for await (const l of sim.truth({ source: 'signIns', availableOnly: true }))
      labels.set(l.Id, l.label);
    const foreign = value.filter((s) => (s.location as Json).countryOrRegion === 'NG');
    expect(foreign.every((s) => labels.get(String(s.id)) === 'account-takeover')).toBe(true);
    const { value: traces } = await pages(
      `${sim.url}/v1.0/admin/exchange/tracing/messageTraces?$filter=${encodeURIComponent(`senderAddress eq '${victim}'`)}`,
    );
    const outside = new Set(
      traces
        .map((t) => String(t.recipientAddress).split('@')[1])
        .filter((d) => d && !d.endsWith('contoso.com')),
    );
    expect(outside.size).toBeGreaterThanOrEqual(12);
  });
});
