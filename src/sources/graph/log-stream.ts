// Collects a time-filtered Graph log (sign-ins, directory audits, message trace) with no loss and
// no duplicates:
// - progress is a cursor on event time, `listedThrough`: every entry with an earlier time that
//   Graph showed when it was queried is stored;
// - each pass queries from the cursor minus an overlap (Graph shows entries minutes late), in
//   windows of `window` length (Microsoft advises short time filters), following
//   `@odata.nextLink` verbatim to the last page;
// - pages commit in batches; the cursor moves past a window only in the commit of its last page,
//   so a crash mid-window re-reads the window and the store drops what it already holds (dedup
//   by `id`); the rows and the cursor of a commit are one transaction.
// The HTTP client brings throttling (its limiter keeps under Microsoft's quota, 429 honours
// Retry-After), retries and token renewal; this module never sees a token.
import type { CollectorInstance } from '../../config/load.js';
import { RETENTION_MARGIN_MS } from '../../config/load.js';
import type { Store, StreamKey } from '../../store/store.js';
import type { Logger } from '../../util/log.js';
import type { HttpClient } from '../http/http-client.js';
import type { ServerClock } from '../http/server-clock.js';
import type { CollectorProgress, StreamPassResult } from '../management-activity/collector.js';
import { runStreamPass } from '../stream-pass.js';
import { splitODataPage } from './odata-page.js';
import type { LogStreamOptions } from './options.js';

/** What distinguishes one Graph log from another. */
export interface LogStreamSpec {
  /** StreamKey.source: `entra`, `message_trace`. */
  readonly source: string;
  /** StreamKey.stream and the rows' `_content_type`: `signIns`, `directoryAudits`, … */
  readonly stream: string;
  /** The store family the entries go to. */
  readonly family: string;
  /** Path under /v1.0/ (or /beta/), e.g. `auditLogs/signIns`. */
  readonly path: string;
  /** Graph version: `v1.0` unless said. */
  readonly version?: 'v1.0' | 'beta';
  /** A clause added to the time filter, e.g. beta's signInEventTypes. */
  readonly filter?: string;
  /** The entries' time field, filtered with ge/lt. */
  readonly timeField: string;
  /** How long Microsoft keeps entries: older windows are not asked for. */
  readonly retentionMs: number;
}

export interface LogCursor {
  v: 1;
  /** Entries with an earlier event time are stored (ISO). */
  listedThrough: string;
}

/** What every Graph source's collector works with, whatever its HTTP clients. */
export interface GraphSourceDeps {
  readonly store: Store;
  readonly instance: CollectorInstance;
  readonly clock: ServerClock;
  readonly hostchain: string;
  readonly log: Logger;
  readonly progress?: CollectorProgress;
  /** Hook for crash tests: called after each commit. */
  readonly onCommit?: () => void;
  /** Records per commit (one transaction). */
  readonly maxRecordsPerCommit?: number;
}

export interface LogStreamDeps extends GraphSourceDeps {
  readonly http: HttpClient;
}

/** Graph's time literal: UTC, seconds, `Z`, unquoted in `$filter`. */
export function graphTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export class LogStreamCollector {
  private readonly maxPerCommit: number;

  constructor(
    readonly spec: LogStreamSpec,
    private readonly options: LogStreamOptions,
    private readonly d: LogStreamDeps,
  ) {
    // Five pages of 1,000: a few MiB held per stream between commits.
    this.maxPerCommit = d.maxRecordsPerCommit ?? 5_000;
  }

  get key(): StreamKey {
    return { source: this.spec.source, tenant: this.d.instance.tenantId, stream: this.spec.stream };
  }

  pass(): Promise<StreamPassResult> {
    return runStreamPass(this.d.store, this.key, this.d.log, (r) => this.collect(r));
  }

  /** The first page's URL of a window: the time filter and the page size. */
  windowUrl(start: number, end: number): string {
    const f = this.spec.timeField;
    const time = `${f} ge ${graphTime(start)} and ${f} lt ${graphTime(end)}`;
    const filter = this.spec.filter ? `${time} and ${this.spec.filter}` : time;
    const version = this.spec.version ?? 'v1.0';
    // Spaces as %20: OData reads `+` literally in some services.
    return `${this.d.instance.endpoints.graph}/${version}/${this.spec.path}?$filter=${encodeURIComponent(filter)}&$top=${this.options.pageSize}`;
  }

  /**
   * A nextLink is followed as given, but only on the configured Graph host: a link elsewhere
   * (a proxy's view, a malformed answer) keeps its path and query and goes to our host, so that
   * a token is never sent anywhere else.
   */
  private onOurHost(link: string): string {
    const base = new URL(this.d.instance.endpoints.graph);
    const u = new URL(link, base);
    if (u.origin === base.origin) return u.toString();
    return `${base.origin}${u.pathname}${u.search}`;
  }

  private async collect(result: StreamPassResult): Promise<void> {
    const { store, clock } = this.d;
    const key = this.key;
    const cursor = (await store.cursor(key)) as LogCursor | undefined;
    const now = Math.floor(clock.now().getTime() / 1000) * 1000;
    const oldest = now - this.spec.retentionMs + RETENTION_MARGIN_MS;
    let start = cursor
      ? Date.parse(cursor.listedThrough) - this.options.overlapMs
      : now - this.options.backfillMs;
    if (cursor && Date.parse(cursor.listedThrough) < oldest) {
      this.d.log.warn(
        `${this.spec.stream}: collection stopped before ${new Date(oldest).toISOString()}, beyond what Microsoft keeps: entries older than that are lost`,
      );
    }
    start = Math.floor(Math.max(start, oldest) / 1000) * 1000;
    // Microsoft's time is known from its answers (the local clock may be off, or the simulator's
    // clock may jump): after each window the end is Microsoft's now again, and a window never
    // moves the cursor past the time Microsoft answered at.
    const serverNow = () => Math.floor(clock.now().getTime() / 1000) * 1000;
    let end = now;
    for (let ws = start; ws < end;) {
      const we = Math.min(ws + this.options.windowMs, end);
      const through = await this.collectWindow(ws, we, result, serverNow);
      ws = through;
      end = serverNow();
      this.d.progress?.update(key, {
        fraction: (through - start) / Math.max(1, end - start),
        blobs: result.blobs,
        records: result.inserted,
        skipped: 0,
        listedThrough: new Date(through),
      });
    }
  }

  /** Collects [start, end) and returns how far the cursor moved (never past Microsoft's now). */
  private async collectWindow(
    start: number,
    end: number,
    result: StreamPassResult,
    serverNow: () => number,
  ): Promise<number> {
    let pending: string[] = [];
    let next: string | null = this.windowUrl(start, end);
    let pages = 0;
    while (next) {
      const response = await this.d.http.request({
        method: 'GET',
        url: next,
        audience: this.d.instance.audiences.graph,
      });
      const page = splitODataPage(response.text);
      pending.push(...page.records);
      next = page.nextLink ? this.onOurHost(page.nextLink) : null;
      if (++pages > 100_000) throw new Error(`${this.spec.path}: the listing does not end`);
      if (next && pending.length >= this.maxPerCommit) {
        await this.commit(pending, start, end, null, result);
        pending = [];
      }
    }
    // Nothing after Microsoft's now exists yet: the window is complete up to then.
    const through = Math.max(start, Math.min(end, serverNow()));
    await this.commit(
      pending,
      start,
      end,
      { v: 1, listedThrough: new Date(through).toISOString() },
      result,
    );
    return through;
  }

  private async commit(
    records: readonly string[],
    start: number,
    end: number,
    cursor: LogCursor | null,
    result: StreamPassResult,
  ): Promise<void> {
    const { instance } = this.d;
    const r = await this.d.store.ingest({
      sets:
        records.length === 0
          ? []
          : [
              {
                family: this.spec.family,
                tenant: instance.tenantId,
                client: instance.name,
                hostchain: this.d.hostchain,
                contentType: this.spec.stream,
                origin: `${this.spec.stream} ${graphTime(start)}..${graphTime(end)}`,
                records,
              },
            ],
      ...(cursor ? { cursor: { key: this.key, state: cursor } } : {}),
    });
    result.inserted += r.inserted;
    result.duplicates += r.duplicates;
    result.quarantined += r.quarantined;
    // "New pages": `collect --once` stops when a pass stores nothing new.
    if (r.inserted > 0) result.blobs++;
    if (records.length > 0) this.d.onCommit?.();
  }
}
