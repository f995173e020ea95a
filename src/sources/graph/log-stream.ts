// Collects a time-filtered Graph log (sign-ins, directory audits, message trace) with no loss and
// no duplicates:
// - progress is a cursor on event time, `listedThrough`: every entry with an earlier time that
//   Graph showed when it was queried is stored;
// - each pass queries from the cursor minus an overlap (Graph shows entries minutes late) up to
//   Microsoft's time when the pass started, in windows sized to the data (WindowSizer), following
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
import { throwIfStopped } from '../../util/wait.js';
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
  /** A stop request: no new window starts, requests in flight end. */
  readonly signal?: AbortSignal;
}

export interface LogStreamDeps extends GraphSourceDeps {
  readonly http: HttpClient;
}

/** Pages a window should hold: a crash re-reads at most this many; fewer mean more windows. */
export const TARGET_PAGES_PER_WINDOW = 20;
const MIN_WINDOW_MS = 60_000;

/**
 * Window lengths that follow the data (docs/collecting.md, "Windows"): the first window is the
 * longest allowed (a quiet week costs one request); after each complete window the next one is
 * sized to hold about TARGET_PAGES_PER_WINDOW pages at the density just seen (growing at most
 * fourfold); a window whose first page shows it holds more than twice that is split.
 */
export class WindowSizer {
  next: number;

  constructor(
    private readonly maxMs: number,
    private readonly pageSize: number,
  ) {
    this.next = maxMs;
  }

  private clamp(ms: number): number {
    return Math.max(MIN_WINDOW_MS, Math.min(this.maxMs, Math.floor(ms / 1000) * 1000));
  }

  /** After a complete window of `ms` that held `entries`. */
  learn(ms: number, entries: number): void {
    const wanted =
      entries === 0 ? Infinity : (ms * TARGET_PAGES_PER_WINDOW * this.pageSize) / entries;
    this.next = this.clamp(Math.min(wanted, ms * 4));
  }

  /**
   * After a full first page of [start, end) whose oldest entry is at `oldest`: whether to split
   * (then `next` is the smaller window).
   */
  split(start: number, end: number, oldest: number | null): boolean {
    const length = end - start;
    if (length <= MIN_WINDOW_MS || oldest === null || oldest <= start || oldest >= end)
      return false;
    // One page covers [oldest, end): the window holds about length / (end - oldest) pages.
    const pages = length / (end - oldest);
    if (pages <= 2 * TARGET_PAGES_PER_WINDOW) return false;
    this.next = this.clamp(Math.min((end - oldest) * TARGET_PAGES_PER_WINDOW, length / 2));
    return true;
  }
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
    // The pass ends at Microsoft's time when it started: entries that arrive meanwhile are the
    // next pass's (a pass that chased them would never end on a live tenant).
    const end = Math.floor(clock.now().getTime() / 1000) * 1000;
    const oldest = end - this.spec.retentionMs + RETENTION_MARGIN_MS;
    let start = cursor
      ? Date.parse(cursor.listedThrough) - this.options.overlapMs
      : end - this.options.backfillMs;
    if (cursor && Date.parse(cursor.listedThrough) < oldest) {
      this.d.log.warn(
        `${this.spec.stream}: collection stopped before ${new Date(oldest).toISOString()}, beyond what Microsoft keeps: entries older than that are lost`,
      );
    }
    start = Math.floor(Math.max(start, oldest) / 1000) * 1000;
    const windows = new WindowSizer(this.options.windowMs, this.options.pageSize);
    for (let ws = start; ws < end;) {
      throwIfStopped(this.d.signal);
      const we = Math.min(ws + windows.next, end);
      const outcome = await this.collectWindow(ws, we, result, windows);
      if (outcome === 'split') continue;
      ws = we;
      this.d.progress?.update(key, {
        fraction: (we - start) / Math.max(1, end - start),
        blobs: result.blobs,
        records: result.inserted,
        skipped: 0,
        listedThrough: new Date(we),
      });
    }
  }

  /**
   * Collects [start, end), or answers `split` when its first page shows the window holds far
   * more pages than a window should (the cursor moves only when a window is complete: Graph
   * answers newest first). The page is then dropped and the sizer has learnt a smaller window.
   */
  private async collectWindow(
    start: number,
    end: number,
    result: StreamPassResult,
    windows: WindowSizer,
  ): Promise<'done' | 'split'> {
    let pending: string[] = [];
    let next: string | null = this.windowUrl(start, end);
    let pages = 0;
    let entries = 0;
    while (next) {
      const response = await this.d.http.request({
        method: 'GET',
        url: next,
        audience: this.d.instance.audiences.graph,
      });
      const page = splitODataPage(response.text);
      next = page.nextLink ? this.onOurHost(page.nextLink) : null;
      if (++pages === 1 && next) {
        const oldest = this.timeOf(page.records[page.records.length - 1]);
        if (windows.split(start, end, oldest)) return 'split';
      }
      entries += page.records.length;
      pending.push(...page.records);
      if (pages > 100_000) throw new Error(`${this.spec.path}: the listing does not end`);
      if (next && pending.length >= this.maxPerCommit) {
        await this.commit(pending, start, end, null, result);
        pending = [];
      }
    }
    // The window is complete: the cursor moves to its end in the commit of its last entries.
    await this.commit(
      pending,
      start,
      end,
      { v: 1, listedThrough: new Date(end).toISOString() },
      result,
    );
    windows.learn(end - start, entries);
    return 'done';
  }

  /** The event time of a raw entry (ms), or null when it has none that parses. */
  private timeOf(record: string | undefined): number | null {
    if (record === undefined) return null;
    try {
      const value = (JSON.parse(record) as Record<string, unknown>)[this.spec.timeField];
      const ms = typeof value === 'string' ? Date.parse(value) : NaN;
      return Number.isNaN(ms) ? null : ms;
    } catch {
      return null;
    }
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
    // Commits that stored something new ("blobs" in the summary).
    if (r.inserted > 0) result.blobs++;
    if (records.length > 0) this.d.onCommit?.();
  }
}
