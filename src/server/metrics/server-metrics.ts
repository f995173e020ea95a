// The server's metrics: what it counts as it runs (queries, logins, requests) and what it reads
// from the store when scraped (records, lag, skipped blobs per tenant and stream; alerts).
import type { ResolvedConfig } from '../../config/load.js';
import type { StatusRow } from '../../sources/status.js';
import { statusRows } from '../../sources/status.js';
import type { Store } from '../../store/store.js';
import type { AlertsPort } from '../ports.js';
import { Counter, Histogram, renderGauge, type Sample } from './registry.js';

export class ServerMetrics {
  readonly queryDuration = new Histogram(
    'm365hunt_query_duration_seconds',
    'Time to run a LINQ query to its last row, by origin (search, dashboard, user page, export).',
  );
  readonly queryFirstRow = new Histogram(
    'm365hunt_query_first_row_seconds',
    'Time from request to the first row of a LINQ query answer.',
  );
  readonly queryErrors = new Counter(
    'm365hunt_query_errors_total',
    'Queries refused or failed, by reason.',
  );
  readonly loginFailures = new Counter(
    'm365hunt_login_failures_total',
    'Failed sign-ins, by reason.',
  );
  readonly requests = new Counter(
    'm365hunt_http_requests_total',
    'HTTP requests by method, route and status.',
  );

  constructor(
    private readonly store: Store,
    private readonly config: ResolvedConfig | undefined,
    private readonly alerts: () => AlertsPort | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async render(): Promise<string> {
    const rows: StatusRow[] = statusRows(
      await this.store.streamStatus(),
      this.config,
      this.now().getTime(),
    );
    const by = (pick: (r: StatusRow) => number | null): Sample[] =>
      rows.flatMap((r) => {
        const value = pick(r);
        return value === null ? [] : [{ labels: { tenant: r.tenant, stream: r.stream }, value }];
      });
    const parts = [
      renderGauge(
        'm365hunt_records_ingested_total',
        'Records stored per tenant and content type.',
        by((r) => r.records),
        'counter',
      ),
      renderGauge(
        'm365hunt_collector_lag_seconds',
        'How far behind now the collector has listed content, per tenant and content type.',
        by((r) => (r.lagMs === null ? null : r.lagMs / 1000)),
      ),
      renderGauge(
        'm365hunt_skipped_blobs',
        'Content blobs skipped after repeated failures.',
        by((r) => r.skipped),
      ),
      renderGauge(
        'm365hunt_quarantined_records',
        'Records kept aside as not valid.',
        by((r) => r.quarantined),
      ),
      renderGauge(
        'm365hunt_collector_last_success_timestamp_seconds',
        'When a stream last collected without error (Unix time).',
        by((r) => (r.lastSuccessAt ? Date.parse(r.lastSuccessAt) / 1000 : null)),
      ),
      renderGauge('m365hunt_ingest_sequence', 'Highest ingest sequence number committed.', [
        { labels: {}, value: Number(await this.store.maxSeq()) },
      ]),
    ];
    const alerts = this.alerts();
    if (alerts) {
      const counts = await alerts.counts();
      parts.push(
        renderGauge(
          'm365hunt_alerts',
          'Alerts by status and severity.',
          counts.map((c) => ({
            labels: { status: c.status, severity: c.severity },
            value: c.count,
          })),
        ),
      );
    }
    parts.push(
      this.queryDuration.render(),
      this.queryFirstRow.render(),
      this.queryErrors.render(),
      this.loginFailures.render(),
      this.requests.render(),
      renderGauge('process_resident_memory_bytes', 'Resident memory of the server process.', [
        { labels: {}, value: process.memoryUsage.rss() },
      ]),
    );
    return `${parts.join('\n')}\n`;
  }
}
