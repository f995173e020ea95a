// Usage reports (docs/microsoft-apis.md, "Usage reports") into
// `cloud.office365.reporting.<report>`: each report is asked for with a period (`D7` by default) at
// most every `interval`; Graph answers 302 with a pre-authenticated download URL, fetched without
// the Authorization header; the CSV rows become JSON records with stable ids. A report changes once
// a day (its Report Refresh Date): the cursor holds the refresh date stored, commits with the rows,
// and a report whose refresh date is already stored is not stored again. 14 requests per 10 minutes
// per report are allowed: each report has its own limiter.
import { usageReport, type UsageReportDef } from '../../records/usage-reports.js';
import type { StreamKey } from '../../store/store.js';
import { M365HuntError } from '../../util/errors.js';
import type { HttpClient } from '../http/http-client.js';
import type { StreamPassResult } from '../management-activity/collector.js';
import { runStreamPass } from '../stream-pass.js';
import type { GraphSourceDeps } from '../graph/log-stream.js';
import type { ReportsOptions } from '../graph/options.js';
import { reportRecords } from './csv.js';

export const REPORTS_SOURCE = 'reports';

export interface ReportCursor {
  v: 1;
  /** Midnight UTC of the refresh date stored (the lag `status` shows). */
  listedThrough: string;
  refreshDate: string;
  period: string;
}

export interface ReportsDeps extends GraphSourceDeps {
  /** One client per report: each has its own limiter (14 requests per 10 minutes). */
  readonly httpFor: (fn: string) => HttpClient;
  /** For the download URL: no token, no limiter. */
  readonly download: HttpClient;
}

export class ReportsCollector {
  private readonly lastAsked = new Map<string, number>();
  private readonly defs: UsageReportDef[];

  constructor(
    private readonly options: ReportsOptions,
    private readonly d: ReportsDeps,
  ) {
    this.defs = options.reports.map((fn) => usageReport(fn)!);
  }

  key(def: UsageReportDef): StreamKey {
    return { source: REPORTS_SOURCE, tenant: this.d.instance.tenantId, stream: def.fn };
  }

  /** One pass: each report not asked for within `interval`. */
  async pass(): Promise<StreamPassResult[]> {
    // Microsoft's time: with the simulator's fast clock, reports refresh on its days.
    const now = this.d.clock.now().getTime();
    const due = this.defs.filter(
      (def) => now - (this.lastAsked.get(def.fn) ?? -Infinity) >= this.options.intervalMs,
    );
    return Promise.all(
      due.map((def) =>
        runStreamPass(this.d.store, this.key(def), this.d.log, async (result) => {
          await this.collect(def, result);
          this.lastAsked.set(def.fn, now);
        }),
      ),
    );
  }

  /** The report's CSV: the 302's Location fetched without a token. */
  async fetchCsv(def: UsageReportDef): Promise<string> {
    const { instance } = this.d;
    const url = `${instance.endpoints.graph}/v1.0/reports/${def.fn}(period='${this.options.period}')`;
    const answer = await this.d.httpFor(def.fn).request({
      method: 'GET',
      url,
      audience: instance.audiences.graph,
      manualRedirect: true,
      accept: [302],
    });
    if (answer.status !== 302) return answer.text;
    const location = answer.headers.get('location');
    if (!location) throw new M365HuntError(`${def.fn}: Graph answered 302 without a Location`);
    // Pre-authenticated and short-lived: never send the Graph token to the download host.
    const csv = await this.d.download.request({
      method: 'GET',
      url: new URL(location, url).toString(),
    });
    return csv.text;
  }

  private async collect(def: UsageReportDef, result: StreamPassResult): Promise<void> {
    const key = this.key(def);
    const cursor = (await this.d.store.cursor(key)) as ReportCursor | undefined;
    const { refreshDate, records } = reportRecords(
      def,
      await this.fetchCsv(def),
      this.options.period,
    );
    if (refreshDate === null) return;
    if (cursor?.refreshDate === refreshDate && cursor.period === this.options.period) return;
    const state: ReportCursor = {
      v: 1,
      listedThrough: new Date(`${refreshDate}T00:00:00Z`).toISOString(),
      refreshDate,
      period: this.options.period,
    };
    const per = this.d.maxRecordsPerCommit ?? 20_000;
    for (let i = 0; i < records.length || i === 0; i += per) {
      const chunk = records.slice(i, i + per);
      const last = i + per >= records.length;
      // The cursor commits with the last rows: a crash before it downloads the report again,
      // and the store drops the rows it already holds.
      const r = await this.d.store.ingest({
        sets: [
          {
            family: `reporting_${def.table}`,
            tenant: this.d.instance.tenantId,
            client: this.d.instance.name,
            hostchain: this.d.hostchain,
            contentType: def.fn,
            origin: `${def.fn}(period='${this.options.period}') ${refreshDate}`,
            records: chunk,
          },
        ],
        ...(last ? { cursor: { key, state } } : {}),
      });
      result.inserted += r.inserted;
      result.duplicates += r.duplicates;
      result.quarantined += r.quarantined;
      if (r.inserted > 0) result.blobs++;
      this.d.onCommit?.();
      if (last) break;
    }
    this.d.progress?.update(key, {
      fraction: 1,
      blobs: result.blobs,
      records: result.inserted,
      skipped: 0,
      listedThrough: new Date(state.listedThrough),
    });
  }
}
