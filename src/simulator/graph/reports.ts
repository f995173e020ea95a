// Usage reports (docs/microsoft-apis.md, "Usage reports"): `GET /reports/{fn}(period='D7')` answers
// 302 with a pre-authenticated download URL valid a few minutes; the download (no Authorization
// header) is CSV with a UTF-8 BOM. Counts are computed from the very events the audit records were
// written from, over the period ending at the refresh date (yesterday, UTC: reports lag), so a
// report's `Send Count` equals the user's `Send` records of those days. 14 requests per
// 10 minutes per report and app; `Reports.Read.All` needed.
import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import {
  REPORT_PERIODS,
  type ReportPeriod,
  usageReport,
  type UsageReportDef,
} from '../../records/usage-reports.js';
import type { ActivityEvent } from '../activity/events.js';
import { httpDate } from '../http/common.js';
import type { Simulator } from '../simulator.js';
import type { TenantUser } from '../tenant/model.js';
import { hash32 } from '../util/prng.js';
import { DAY, MINUTE } from '../util/time.js';
import { activityLogs } from './activity-logs.js';
import { type GraphHandler, fail, tooManyRequests } from './context.js';
import { takeToken } from './throttle.js';

interface Download {
  fn: string;
  period: ReportPeriod;
  refresh: number;
  /** The day of a `(date=…)` report (epoch ms of its midnight UTC), else null. */
  date: number | null;
  expires: number;
}

/**
 * Per-user detail reports also come for one day, `(date=YYYY-MM-DD)`, within the last 30 days
 * (https://learn.microsoft.com/graph/api/reportroot-getemailactivityuserdetail).
 */
const DATE_REPORTS = new Set([
  'getEmailActivityUserDetail',
  'getOneDriveActivityUserDetail',
  'getSharePointActivityUserDetail',
  'getTeamsUserActivityUserDetail',
]);

interface ReportState {
  downloads: Map<string, Download>;
  csv: Map<string, string>;
}

const states = new WeakMap<Simulator, ReportState>();

function state(sim: Simulator): ReportState {
  let s = states.get(sim);
  if (!s) states.set(sim, (s = { downloads: new Map(), csv: new Map() }));
  return s;
}

/** The refresh date of reports at sim time `now`: the last whole day (UTC). */
export function refreshDate(now: number): number {
  return Math.floor(now / DAY) * DAY - DAY;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function csvField(v: string | number | boolean): string {
  const s = typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

interface Counters {
  send: number;
  receive: number;
  read: number;
  last: number;
  odViewed: number;
  odSynced: number;
  odSharedIn: number;
  odSharedOut: number;
  odLast: number;
  spViewed: number;
  spSynced: number;
  spSharedIn: number;
  spSharedOut: number;
  spLast: number;
  teamChat: number;
  privateChat: number;
  meetings: number;
  teamsLast: number;
}

const VIEW_OPS = new Set([
  'FileAccessed',
  'FilePreviewed',
  'FileModified',
  'FileUploaded',
  'FileDownloaded',
]);
const SYNC_OPS = new Set(['FileSyncDownloadedFull', 'FileSyncUploadedFull']);
const SHARE_OPS = new Set([
  'SharingSet',
  'SharingInvitationCreated',
  'AnonymousLinkCreated',
  'CompanyLinkCreated',
  'SecureLinkCreated',
  'AddedToSecureLink',
]);

/** Per-user activity of [from, to). */
function countActivity(sim: Simulator, from: number, to: number): Map<number, Counters> {
  const kinds = new Map<string, 'onedrive' | 'sharepoint'>();
  for (const u of sim.tenant.users) kinds.set(u.drive.id, 'onedrive');
  for (const s of sim.tenant.sites) kinds.set(s.drive.id, 'sharepoint');
  const byUpn = new Map(sim.tenant.users.map((u) => [u.upn.toLowerCase(), u.index]));
  const out = new Map<number, Counters>();
  const of = (i: number): Counters => {
    let c = out.get(i);
    if (!c) {
      c = {
        send: 0,
        receive: 0,
        read: 0,
        last: 0,
        odViewed: 0,
        odSynced: 0,
        odSharedIn: 0,
        odSharedOut: 0,
        odLast: 0,
        spViewed: 0,
        spSynced: 0,
        spSharedIn: 0,
        spSharedOut: 0,
        spLast: 0,
        teamChat: 0,
        privateChat: 0,
        meetings: 0,
        teamsLast: 0,
      };
      out.set(i, c);
    }
    return c;
  };
  const tally = (e: ActivityEvent) => {
    switch (e.kind) {
      case 'mailSend': {
        const c = of(e.from);
        c.send++;
        c.last = Math.max(c.last, e.t);
        for (const r of e.to) {
          const i = byUpn.get(r.toLowerCase());
          if (i !== undefined) of(i).receive++;
        }
        break;
      }
      case 'mailAccess':
        if (!e.app && e.accessType === 'Bind') {
          const c = of(e.owner);
          c.read += e.items;
          c.last = Math.max(c.last, e.t);
        }
        break;
      case 'file':
      case 'share': {
        if (e.actor.type !== 'user') break;
        const kind = kinds.get(e.driveId);
        if (!kind) break;
        const c = of(e.actor.index);
        const od = kind === 'onedrive';
        let counter: keyof Counters;
        if (e.kind === 'file') {
          if (VIEW_OPS.has(e.op)) counter = od ? 'odViewed' : 'spViewed';
          else if (SYNC_OPS.has(e.op)) counter = od ? 'odSynced' : 'spSynced';
          else break;
        } else {
          if (!SHARE_OPS.has(e.op)) break;
          const outside =
            e.op === 'AnonymousLinkCreated' ||
            e.target?.type === 'Guest' ||
            (e.grant?.recipients ?? []).some((r) => !byUpn.has(r.email.toLowerCase()));
          if (outside) counter = od ? 'odSharedOut' : 'spSharedOut';
          else counter = od ? 'odSharedIn' : 'spSharedIn';
        }
        c[counter]++;
        if (od) c.odLast = Math.max(c.odLast, e.t);
        else c.spLast = Math.max(c.spLast, e.t);
        break;
      }
      case 'teams': {
        const c = of(e.actor);
        if (e.op === 'MessageSent' && e.chat) {
          if (e.chat.communicationType === 'Team') c.teamChat++;
          else c.privateChat++;
        } else if (e.op === 'TeamsSessionStarted') c.meetings++;
        else break;
        c.teamsLast = Math.max(c.teamsLast, e.t);
        break;
      }
      default:
        break;
    }
  };
  for (const e of activityLogs(sim).events(from, to)) tally(e);
  return out;
}

function row(
  def: UsageReportDef,
  u: TenantUser,
  c: Counters | undefined,
  refresh: string,
  days: number,
  seed: number,
): Array<string | number | boolean> {
  const h = (what: string, mod: number) => hash32(seed, 'report', what, u.index) % mod;
  const lastDay = (ms: number | undefined) => (ms ? day(ms) : '');
  const products = 'MICROSOFT 365 E5';
  const values: Record<string, string | number | boolean> = {
    'Report Refresh Date': refresh,
    'User Principal Name': u.upn,
    'Display Name': u.displayName,
    'User Id': u.id,
    'Is Deleted': false,
    'Deleted Date': '',
    'Assigned Products': products,
    'Report Period': days,
  };
  switch (def.fn) {
    case 'getEmailActivityUserDetail':
      Object.assign(values, {
        'Last Activity Date': lastDay(c?.last),
        'Send Count': c?.send ?? 0,
        'Receive Count': c?.receive ?? 0,
        'Read Count': c?.read ?? 0,
        'Meeting Created Count': h('meetings', 4),
        'Meeting Interacted Count': h('interacted', 7),
      });
      break;
    case 'getMailboxUsageDetail': {
      const items = 2000 + h('items', 9000) + (c?.receive ?? 0);
      Object.assign(values, {
        'Created Date': day(u.createdMs),
        'Last Activity Date': lastDay(c?.last),
        'Item Count': items,
        'Storage Used (Byte)': items * 74_213,
        'Issue Warning Quota (Byte)': 105_226_698_752,
        'Prohibit Send Quota (Byte)': 106_300_440_576,
        'Prohibit Send/Receive Quota (Byte)': 107_374_182_400,
        'Deleted Item Count': h('deleted', 400),
        'Deleted Item Size (Byte)': h('deleted', 400) * 51_113,
        'Has Archive': h('archive', 3) === 0,
        'Recipient Type': 'UserMailbox',
      });
      break;
    }
    case 'getOneDriveActivityUserDetail':
      Object.assign(values, {
        'Last Activity Date': lastDay(c?.odLast),
        'Viewed Or Edited File Count': c?.odViewed ?? 0,
        'Synced File Count': c?.odSynced ?? 0,
        'Shared Internally File Count': c?.odSharedIn ?? 0,
        'Shared Externally File Count': c?.odSharedOut ?? 0,
      });
      break;
    case 'getSharePointActivityUserDetail':
      Object.assign(values, {
        'Last Activity Date': lastDay(c?.spLast),
        'Viewed Or Edited File Count': c?.spViewed ?? 0,
        'Synced File Count': c?.spSynced ?? 0,
        'Shared Internally File Count': c?.spSharedIn ?? 0,
        'Shared Externally File Count': c?.spSharedOut ?? 0,
        'Visited Page Count': (c?.spViewed ?? 0) + h('pages', 30),
      });
      break;
    case 'getTeamsUserActivityUserDetail':
      Object.assign(values, {
        'Last Activity Date': lastDay(c?.teamsLast),
        'Team Chat Message Count': c?.teamChat ?? 0,
        'Private Chat Message Count': c?.privateChat ?? 0,
        'Call Count': h('calls', 5),
        'Meeting Count': c?.meetings ?? 0,
      });
      break;
  }
  return def.columns.map((col) => values[col.header] ?? '');
}

/** The report as Microsoft's CSV (BOM, CRLF), computed once per refresh and period. */
export function reportCsv(
  sim: Simulator,
  def: UsageReportDef,
  period: ReportPeriod,
  refresh: number,
  date: number | null = null,
): string {
  const key = `${def.fn}|${period}|${refresh}|${date ?? ''}`;
  const s = state(sim);
  const cached = s.csv.get(key);
  if (cached) return cached;
  const days = date === null ? Number(period.slice(1)) : 1;
  const counts =
    date === null
      ? countActivity(sim, refresh - (days - 1) * DAY, refresh + DAY)
      : countActivity(sim, date, date + DAY);
  const lines = [def.columns.map((c) => csvField(c.header)).join(',')];
  for (const u of sim.tenant.users) {
    lines.push(
      row(def, u, counts.get(u.index), day(refresh), days, sim.opts.seed).map(csvField).join(','),
    );
  }
  const csv = `\uFEFF${lines.join('\r\n')}\r\n`;
  s.csv.set(key, csv);
  return csv;
}

/** `GET /reports/{fn}(period='D7')` → 302 to a short-lived download URL. */
export const getReport: GraphHandler = (sim, req, [fn = '', args = '']) => {
  const def = usageReport(fn);
  if (!def) {
    return fail(req, {
      status: 400,
      code: 'BadRequest',
      message: `Resource not found for the segment '${fn}'.`,
    });
  }
  if (!req.roles.includes('Reports.Read.All')) {
    return fail(
      req,
      {
        status: 403,
        code: 'Authorization_RequestDenied',
        message: 'Insufficient privileges to complete the operation.',
      },
      { 'x-m365hunt-required-roles': 'Reports.Read.All' },
    );
  }
  const refresh = refreshDate(req.now);
  const period = /^period='(D\d+)'$/.exec(args.trim())?.[1] as ReportPeriod | undefined;
  const dateText = /^date=(\d{4}-\d{2}-\d{2})$/.exec(args.trim())?.[1];
  let date: number | null = null;
  if (dateText !== undefined) {
    date = Date.parse(`${dateText}T00:00:00Z`);
    // Wording and status: UNVERIFIED (docs/real-records.md).
    if (!DATE_REPORTS.has(def.fn)) {
      return fail(req, {
        status: 400,
        code: 'BadRequest',
        message: `${def.fn} takes period only, not date.`,
      });
    }
    if (Number.isNaN(date) || date > refresh || date < refresh - 29 * DAY) {
      return fail(req, {
        status: 400,
        code: 'BadRequest',
        message: `Invalid date '${dateText}': the report is available for the last 30 days, up to ${day(refresh)}.`,
      });
    }
  } else if (!period || !REPORT_PERIODS.includes(period)) {
    return fail(req, {
      status: 400,
      code: 'BadRequest',
      message: `Invalid parameter '${args}': give period='D7', 'D30', 'D90' or 'D180', or date=YYYY-MM-DD.`,
    });
  }
  const sw = sim.switches;
  const retry = takeToken(
    sim,
    `reports:${req.appId}:${def.fn}`,
    sw.reportThrottlePer10Minutes,
    600,
  );
  if (retry !== null) {
    sim.counters.inc('graph.reports.throttled');
    return tooManyRequests(req, sw.retryAfterSeconds === null ? null : retry);
  }
  const token = randomUUID();
  state(sim).downloads.set(token, {
    fn: def.fn,
    period: period ?? 'D7',
    refresh,
    date,
    expires: req.now + 5 * MINUTE,
  });
  sim.counters.inc(`graph.reports.${def.fn}`);
  return {
    status: 302,
    headers: { Location: `${req.origin}/data/download/${token}?fn=${def.fn}` },
    body: null,
  };
};

/** The download host of reports: pre-authenticated URLs, refused with an Authorization header. */
export function registerReportDownloads(app: Hono, sim: Simulator): void {
  app.get('/data/download/:token', (c) => {
    const now = sim.sync();
    const headers = { Date: httpDate(now) };
    const d = state(sim).downloads.get(c.req.param('token'));
    if (c.req.header('authorization')) {
      sim.counters.inc('reports.download.withAuthorization');
      return c.text(
        'The download URL is pre-authenticated: send no Authorization header.',
        400,
        headers,
      );
    }
    if (!d || d.expires < now) {
      return c.text('The download link has expired or does not exist.', 404, headers);
    }
    const def = usageReport(d.fn)!;
    sim.counters.inc('reports.download');
    const span = d.date === null ? d.period : day(d.date);
    return c.body(reportCsv(sim, def, d.period, d.refresh, d.date), 200, {
      ...headers,
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': `attachment; filename="${def.fn.replace(/^get/, '')}${span}_${day(d.refresh)}.csv"`,
    });
  });
}
