// The Microsoft Graph sources of one tenant, as configured in its `services`: Entra ID sign-ins
// and directory audits, message trace, usage reports. They share the tenant's token provider and
// server clock; each class of API has the HTTP client (and so the limiter) its quota calls for.
import type { CollectorInstance } from '../../config/load.js';
import type { Store } from '../../store/store.js';
import type { Logger } from '../../util/log.js';
import type { TokenProvider } from '../auth/token-provider.js';
import { DIRECTORY_AUDITS, NON_INTERACTIVE_SIGN_INS, SIGN_INS } from '../entra/index.js';
import { HttpClient, type RetryPolicy } from '../http/http-client.js';
import { WindowLimiter, type Limiter } from '../http/rate-limiter.js';
import type { ServerClock } from '../http/server-clock.js';
import type { CollectorProgress, StreamPassResult } from '../management-activity/collector.js';
import { MESSAGE_TRACES } from '../message-trace/index.js';
import { ReportsCollector } from '../reports/collector.js';
import { LogStreamCollector } from './log-stream.js';
import { resolveGraphOptions, type GraphOptions } from './options.js';

export interface GraphSourcesDeps {
  readonly store: Store;
  readonly instance: CollectorInstance;
  readonly tokens: TokenProvider;
  readonly clock: ServerClock;
  readonly hostchain: string;
  readonly log: Logger;
  readonly progress?: CollectorProgress;
  readonly onCommit?: () => void;
  readonly fetch?: typeof fetch;
  readonly retry?: Partial<RetryPolicy>;
  /** A stop request: ends every Graph stream's pass. */
  readonly signal?: AbortSignal;
}

export class GraphSources {
  readonly options: GraphOptions;
  readonly logs: readonly LogStreamCollector[];
  readonly reports: ReportsCollector | null;
  /** Every HTTP client made here (for request counters). */
  readonly clients: HttpClient[] = [];
  private readonly clock: ServerClock;
  private readonly instance: CollectorInstance;
  private readonly probe: HttpClient;

  constructor(d: GraphSourcesDeps) {
    this.options = resolveGraphOptions(d.instance);
    this.clock = d.clock;
    this.instance = d.instance;
    const client = (limiter?: Limiter, withTokens = true) => {
      const c = new HttpClient({
        ...(withTokens ? { tokens: d.tokens } : {}),
        clock: d.clock,
        log: d.log,
        fetch: d.fetch,
        retry: d.retry,
        limiter,
        signal: d.signal,
      });
      this.clients.push(c);
      return c;
    };
    const deps = {
      store: d.store,
      instance: d.instance,
      clock: d.clock,
      hostchain: d.hostchain,
      log: d.log,
      progress: d.progress,
      onCommit: d.onCommit,
      signal: d.signal,
    };
    const logs: LogStreamCollector[] = [];
    const { entra, messageTrace, reports } = this.options;
    if (entra) {
      // Sign-ins and audits share Microsoft's quota: 5 requests per 10 s per app and tenant.
      const http = client(new WindowLimiter(entra.requestsPer10s, 10_000));
      if (entra.signIns) logs.push(new LogStreamCollector(SIGN_INS, entra, { ...deps, http }));
      if (entra.nonInteractiveSignIns)
        logs.push(new LogStreamCollector(NON_INTERACTIVE_SIGN_INS, entra, { ...deps, http }));
      if (entra.directoryAudits)
        logs.push(new LogStreamCollector(DIRECTORY_AUDITS, entra, { ...deps, http }));
    }
    if (messageTrace) {
      // 100 requests per running 5 minutes per tenant.
      const http = client(new WindowLimiter(messageTrace.requestsPer5Min, 5 * 60_000));
      logs.push(new LogStreamCollector(MESSAGE_TRACES, messageTrace, { ...deps, http }));
    }
    this.logs = logs;
    this.probe = client(undefined, false);
    if (reports) {
      const perReport = new Map<string, HttpClient>();
      const download = client(undefined, false);
      this.reports = new ReportsCollector(reports, {
        ...deps,
        download,
        httpFor: (fn) => {
          let c = perReport.get(fn);
          if (!c) {
            // 14 per 10 minutes per report, app and tenant.
            c = client(new WindowLimiter(reports.requestsPer10Min, 10 * 60_000));
            perReport.set(fn, c);
          }
          return c;
        },
      });
    } else {
      this.reports = null;
    }
  }

  get enabled(): boolean {
    return this.logs.length > 0 || this.reports !== null;
  }

  /**
   * Learns Microsoft's time before each pass: a pass collects up to it, and the backfill starts
   * from it (a local clock that is off must not start a backfill in Microsoft's future, and a
   * simulator's clock may run fast or jump). Any answer carries `Date`: an unauthenticated
   * request costs no quota and sends no token.
   */
  private async syncClock(): Promise<void> {
    await this.probe
      .request({
        method: 'GET',
        url: `${this.instance.endpoints.graph}/v1.0/me`,
        accept: [400, 401, 403, 404],
        retry: { attempts: 2 },
      })
      .catch(() => undefined);
  }

  /** One pass over every Graph stream of the tenant. */
  async pass(): Promise<StreamPassResult[]> {
    if (!this.enabled) return [];
    await this.syncClock();
    const [logs, reports] = await Promise.all([
      Promise.all(this.logs.map((l) => l.pass())),
      this.reports ? this.reports.pass() : Promise.resolve([]),
    ]);
    return [...logs, ...reports];
  }
}
