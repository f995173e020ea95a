// Options of the Microsoft Graph sources, from the config's `services` keys (`entra_id`,
// `reports`, `message_trace`): defined and checked here, with the key's path in every message.
// Every option has a default, so `"entra_id": {}` is a complete configuration.
import type { CollectorInstance } from '../../config/load.js';
import { REPORT_PERIODS, type ReportPeriod, USAGE_REPORTS } from '../../records/usage-reports.js';
import { parseDuration } from '../../util/duration.js';
import { M365HuntError } from '../../util/errors.js';
import { closest } from '../../util/suggest.js';
import { RETENTION } from '../retention.js';

const DAY = 86_400_000;

/** How a time-filtered log (sign-ins, audits, message trace) is read. */
export interface LogStreamOptions {
  /** First run: how far back to start. */
  readonly backfillMs: number;
  /** Each pass re-reads this much before the cursor: entries Graph shows late are still found. */
  readonly overlapMs: number;
  /**
   * Longest time filter of one query. Windows are sized to the data under this (a quiet week is
   * one request; a busy one is split, see log-stream.ts).
   */
  readonly windowMs: number;
  /** `$top`: entries per page. */
  readonly pageSize: number;
}

export interface EntraOptions extends LogStreamOptions {
  readonly signIns: boolean;
  /** Non-interactive sign-ins too, from Graph beta (see entra/index.ts). */
  readonly nonInteractiveSignIns: boolean;
  readonly directoryAudits: boolean;
  /** Sign-in and audit requests per 10 seconds (Microsoft allows 5 per app and tenant). */
  readonly requestsPer10s: number;
}

export interface MessageTraceOptions extends LogStreamOptions {
  /** Requests per running 5 minutes (Microsoft allows 100 per tenant, details included). */
  readonly requestsPer5Min: number;
}

export interface ReportsOptions {
  /** Graph functions, e.g. `getEmailActivityUserDetail`. */
  readonly reports: readonly string[];
  readonly period: ReportPeriod;
  /** How often a report is asked for (reports change once a day). */
  readonly intervalMs: number;
  /** Requests per 10 minutes per report (Microsoft allows 14). */
  readonly requestsPer10Min: number;
}

export interface GraphOptions {
  readonly entra?: EntraOptions;
  readonly messageTrace?: MessageTraceOptions;
  readonly reports?: ReportsOptions;
}

type Raw = Readonly<Record<string, unknown>>;

class OptionReader {
  constructor(
    private readonly raw: Raw,
    private readonly at: string,
    known: readonly string[],
  ) {
    for (const key of Object.keys(raw)) {
      if (key === 'enabled' || known.includes(key)) continue;
      const suggestion = closest(key, known);
      throw this.error(
        key,
        `unknown option${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
        `Known options: ${known.join(', ')}.`,
      );
    }
  }

  error(key: string, message: string, hint?: string): M365HuntError {
    return new M365HuntError(`${this.at}.${key}: ${message}`, hint ? { hint } : {});
  }

  duration(key: string, fallback: number, min: number, max: number): number {
    const v = this.raw[key];
    if (v === undefined) return Math.min(fallback, max);
    const ms = typeof v === 'string' ? parseDuration(v) : undefined;
    if (ms === undefined)
      throw this.error(key, `"${String(v)}" is not a duration such as 30m, 6h or 7d`);
    if (ms < min || ms > max) {
      throw this.error(key, `must be between ${fmt(min)} and ${fmt(max)} (got ${String(v)})`);
    }
    return ms;
  }

  int(key: string, fallback: number, min: number, max: number): number {
    const v = this.raw[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw this.error(
        key,
        `must be a whole number from ${min} to ${max} (got ${JSON.stringify(v)})`,
      );
    }
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.raw[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean')
      throw this.error(key, `must be true or false (got ${JSON.stringify(v)})`);
    return v;
  }

  value(key: string): unknown {
    return this.raw[key];
  }
}

function fmt(ms: number): string {
  if (ms % DAY === 0) return `${ms / DAY}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  return `${Math.round(ms / 60_000)}m`;
}

function logStream(
  r: OptionReader,
  instance: CollectorInstance,
  maxBackfillMs: number,
  maxWindowMs: number,
  maxTop: number,
): LogStreamOptions {
  return {
    backfillMs: r.duration('backfill', instance.backfillMs, 60_000, maxBackfillMs),
    overlapMs: r.duration('overlap', instance.overlapMs, 0, DAY),
    windowMs: r.duration('window', maxWindowMs, 60_000, maxWindowMs),
    // Microsoft's largest page: the fewest requests for the data.
    pageSize: r.int('page_size', maxTop, 1, maxTop),
  };
}

/** The Graph sources a collector instance turns on, with their options checked. */
export function resolveGraphOptions(instance: CollectorInstance): GraphOptions {
  const at = (key: string) => `inputs.office365[${instance.id}].services.${key}`;
  const out: {
    entra?: EntraOptions;
    messageTrace?: MessageTraceOptions;
    reports?: ReportsOptions;
  } = {};
  const entra = instance.graphServices.entra_id;
  if (entra) {
    const r = new OptionReader(entra, at('entra_id'), [
      'sign_ins',
      'non_interactive_sign_ins',
      'directory_audits',
      'backfill',
      'overlap',
      'window',
      'page_size',
      'requests_per_10s',
    ]);
    out.entra = {
      // Sign-in logs are kept 30 days with Entra ID P1/P2; pages hold at most 1,000 entries.
      ...logStream(r, instance, RETENTION.entra.keptMs, RETENTION.entra.keptMs, 1000),
      signIns: r.bool('sign_ins', true),
      nonInteractiveSignIns: r.bool('non_interactive_sign_ins', false),
      directoryAudits: r.bool('directory_audits', true),
      requestsPer10s: r.int('requests_per_10s', 5, 1, 100),
    };
  }
  const trace = instance.graphServices.message_trace;
  if (trace) {
    const r = new OptionReader(trace, at('message_trace'), [
      'backfill',
      'overlap',
      'window',
      'page_size',
      'requests_per_5min',
    ]);
    out.messageTrace = {
      // Graph keeps 90 days of message trace, pages of up to 5,000; a query spans at most 10
      // days (Get-MessageTraceV2's limit; docs/collecting.md).
      ...logStream(r, instance, RETENTION.message_trace.keptMs, 10 * DAY, 5000),
      // Above 100 only for a simulator that allows it (tests).
      requestsPer5Min: r.int('requests_per_5min', 100, 1, 100_000),
    };
  }
  const reports = instance.graphServices.reports;
  if (reports) {
    const r = new OptionReader(reports, at('reports'), [
      'reports',
      'period',
      'interval',
      'requests_per_10min',
    ]);
    const list = r.value('reports');
    let fns: string[] = USAGE_REPORTS.map((d) => d.fn);
    if (list !== undefined) {
      if (!Array.isArray(list) || list.length === 0 || !list.every((x) => typeof x === 'string')) {
        throw r.error('reports', 'must be a list of report names');
      }
      fns = list.map((name: string) => {
        const def = USAGE_REPORTS.find(
          (d) => d.fn.toLowerCase() === name.toLowerCase() || d.table === name.toLowerCase(),
        );
        if (!def) {
          const names = USAGE_REPORTS.flatMap((d) => [d.fn, d.table]);
          const suggestion = closest(name, names);
          throw r.error(
            'reports',
            `unknown report "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
            `Known: ${USAGE_REPORTS.map((d) => `${d.fn} (${d.table})`).join(', ')}.`,
          );
        }
        return def.fn;
      });
    }
    const period = r.value('period') ?? 'D7';
    if (typeof period !== 'string' || !(REPORT_PERIODS as readonly string[]).includes(period)) {
      throw r.error('period', `must be one of ${REPORT_PERIODS.join(', ')}`);
    }
    out.reports = {
      reports: [...new Set(fns)],
      period: period as ReportPeriod,
      intervalMs: r.duration('interval', 6 * 3_600_000, 10 * 60_000, 7 * DAY),
      requestsPer10Min: r.int('requests_per_10min', 14, 1, 14),
    };
  }
  return out;
}
