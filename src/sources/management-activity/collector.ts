// Collects one tenant's Management Activity API content into the store, with no loss and no
// duplicates:
// - progress is the availability time of content (`contentCreated`), never event time;
// - each poll re-lists a trailing overlap, so content listed late is still found;
// - content already committed (done or skipped) is never fetched again;
// - the rows of a blob and its "done" mark commit in one transaction, and the cursor moves past a
//   window only once every blob of it is committed, so a crash at any instant loses nothing and
//   duplicates nothing (records also dedup by Id in the store);
// - a blob that keeps failing is marked skipped (visible, retryable) and does not block the rest.
import type { CollectorInstance } from '../../config/load.js';
import { RETENTION_MARGIN_MS } from '../../config/load.js';
import { JsonSplitError, splitJsonArray } from '../../ingest/json-array-splitter.js';
import type { ContentType } from '../../records/content-types.js';
import type {
  ContentMark,
  IngestBatch,
  RawRecordSet,
  Store,
  StreamKey,
} from '../../store/store.js';
import { formatDuration } from '../../util/duration.js';
import type { Logger } from '../../util/log.js';
import { ApiError } from '../http/api-error.js';
import type { ServerClock } from '../http/server-clock.js';
import { DEFAULT_BUDGET_BYTES, MemoryBudget } from '../memory-budget.js';
import { describeError, runStreamPass } from '../stream-pass.js';
import { RETENTION as SOURCE_RETENTION } from '../retention.js';
import { throwIfStopped } from '../../util/wait.js';
import { formatApiTime, type ContentEntry, type ManagementActivityApi } from './api.js';

export const SOURCE = 'management';
const DAY = 86_400_000;
const RETENTION = SOURCE_RETENTION.management.keptMs;
/**
 * Longest listing window. Microsoft documents at most 24 hours, but windows of exactly 24 hours
 * have drawn AF20055 on real tenants (docs/real-records.md): a minute less.
 */
export const MAX_LISTING_WINDOW_MS = DAY - 60_000;

export interface StreamCursor {
  v: 1;
  /** Content made available before this time has been listed and committed. */
  listedThrough: string;
}

export interface CollectorProgress {
  /** Called as windows and blobs complete, for progress bars. */
  update(key: StreamKey, info: StreamProgress): void;
}

export interface StreamProgress {
  /** Fraction of the time span to cover that is done, 0..1. */
  fraction: number;
  blobs: number;
  records: number;
  skipped: number;
  listedThrough: Date;
}

export interface StreamPassResult {
  key: StreamKey;
  blobs: number;
  inserted: number;
  duplicates: number;
  quarantined: number;
  skipped: number;
  error: string | null;
  /** The pass ended early on a stop request (what it committed stays; the next pass goes on). */
  stopped?: boolean;
}

export interface CollectorOptions {
  store: Store;
  instance: CollectorInstance;
  api: ManagementActivityApi;
  clock: ServerClock;
  hostchain: string;
  log: Logger;
  progress?: CollectorProgress;
  /** How many times a blob is fetched before it is marked skipped (HTTP retries come on top). */
  blobAttempts?: number;
  /** Shared by every stream: bytes of downloaded records waiting for a commit. */
  budget?: MemoryBudget;
  /** Records per commit (one transaction). */
  maxRecordsPerCommit?: number;
  /** Hook for crash tests: called between blobs. */
  onCommit?: () => void;
  /** A stop request: no new window or blob is started, requests in flight end. */
  signal?: AbortSignal;
}

interface BlobResult {
  entry: ContentEntry;
  records: string[];
  mark: ContentMark;
  /** Characters of record text held (what the memory budget counts). */
  size: number;
}

export class ManagementActivityCollector {
  private readonly blobAttempts: number;
  private readonly budget: MemoryBudget;
  private readonly maxPerCommit: number;

  constructor(private readonly o: CollectorOptions) {
    this.blobAttempts = o.blobAttempts ?? 3;
    this.budget = o.budget ?? new MemoryBudget(DEFAULT_BUDGET_BYTES);
    this.maxPerCommit = o.maxRecordsPerCommit ?? 5_000;
  }

  key(contentType: ContentType): StreamKey {
    return { source: SOURCE, tenant: this.o.instance.tenantId, stream: contentType };
  }

  /** Starts the subscriptions that are not enabled; returns what it did per content type. */
  async ensureSubscriptions(): Promise<Map<ContentType, 'enabled' | 'started' | string>> {
    const result = new Map<ContentType, string>();
    const list = await this.o.api.listSubscriptions();
    for (const ct of this.o.instance.contentTypes) {
      const current = list.find((s) => s.contentType === ct);
      if (current?.status?.toLowerCase() === 'enabled') {
        result.set(ct, 'enabled');
        continue;
      }
      try {
        result.set(
          ct,
          (await this.o.api.startSubscription(ct)) === 'already' ? 'enabled' : 'started',
        );
      } catch (error) {
        result.set(ct, describeError(error));
      }
    }
    return result;
  }

  /** One pass over every content type, up to the server's current time. */
  async pass(): Promise<StreamPassResult[]> {
    return Promise.all(this.o.instance.contentTypes.map((ct) => this.streamPass(ct)));
  }

  /** Errors are explained when Microsoft's answer has a known remedy (audit logging off, …). */
  streamPass(contentType: ContentType): Promise<StreamPassResult> {
    const key = this.key(contentType);
    return runStreamPass(this.o.store, key, this.o.log, (result) =>
      this.collectStream(contentType, key, result),
    );
  }

  private async collectStream(
    contentType: ContentType,
    key: StreamKey,
    result: StreamPassResult,
  ): Promise<void> {
    const cursor = (await this.o.store.cursor(key)) as StreamCursor | undefined;
    const now = this.o.clock.now();
    const oldest = now.getTime() - RETENTION + RETENTION_MARGIN_MS;
    let start: number;
    if (cursor) {
      const through = Date.parse(cursor.listedThrough);
      if (through < oldest) {
        this.o.log.warn(
          `${contentType}: collection stopped ${formatDuration(now.getTime() - through)} ago; Microsoft keeps content 7 days, so content made available between ${cursor.listedThrough} and ${new Date(oldest).toISOString()} is lost`,
        );
      }
      start = Math.max(through - this.o.instance.overlapMs, oldest);
    } else {
      start = Math.max(now.getTime() - this.o.instance.backfillMs, oldest);
    }
    start = Math.floor(start / 1000) * 1000;
    const end = Math.floor(now.getTime() / 1000) * 1000;
    const span = Math.max(1, end - start);
    for (let windowStart = start; windowStart < end;) {
      throwIfStopped(this.o.signal);
      const windowEnd = Math.min(windowStart + MAX_LISTING_WINDOW_MS, end);
      await this.collectWindow(
        contentType,
        key,
        new Date(windowStart),
        new Date(windowEnd),
        result,
      );
      const state: StreamCursor = { v: 1, listedThrough: new Date(windowEnd).toISOString() };
      await this.o.store.ingest({ sets: [], cursor: { key, state } });
      windowStart = windowEnd;
      this.o.progress?.update(key, {
        fraction: (windowEnd - start) / span,
        blobs: result.blobs,
        records: result.inserted,
        skipped: result.skipped,
        listedThrough: new Date(windowEnd),
      });
    }
  }

  private async listWindow(
    contentType: ContentType,
    start: Date,
    end: Date,
  ): Promise<ContentEntry[]> {
    const entries: ContentEntry[] = [];
    const list = async () => {
      for await (const page of this.o.api.listContent(contentType, start, end))
        entries.push(...page);
    };
    try {
      await list();
    } catch (error) {
      // Not subscribed (AF20022) or disabled (AF20023): start the subscription and list again.
      if (error instanceof ApiError && (error.code === 'AF20022' || error.code === 'AF20023')) {
        this.o.log.warn(`${contentType}: ${error.code}; starting the subscription`);
        await this.o.api.startSubscription(contentType);
        entries.length = 0;
        await list();
      } else throw error;
    }
    // Available order, then id: a stable order makes the commits of a window reproducible.
    return entries.sort(
      (a, b) =>
        a.contentCreated.localeCompare(b.contentCreated) || a.contentId.localeCompare(b.contentId),
    );
  }

  private async collectWindow(
    contentType: ContentType,
    key: StreamKey,
    start: Date,
    end: Date,
    result: StreamPassResult,
  ): Promise<void> {
    const listed = await this.listWindow(contentType, start, end);
    const seen = new Set<string>();
    const unique = listed.filter((e) => !seen.has(e.contentId) && seen.add(e.contentId));
    const known = await this.o.store.contentStatus(
      key,
      unique.map((e) => e.contentId),
    );
    const pending = unique.filter((e) => !known.has(e.contentId));
    if (pending.length === 0) return;
    this.o.log.debug(
      `${contentType} ${formatApiTime(start)}..${formatApiTime(end)}: ${pending.length} new of ${unique.length} listed`,
    );
    await this.fetchAndCommit(key, contentType, pending, result);
  }

  /** Downloads blobs with bounded concurrency while a single loop commits what is ready. */
  async fetchAndCommit(
    key: StreamKey,
    contentType: string,
    pending: readonly ContentEntry[],
    result: StreamPassResult,
  ): Promise<void> {
    const ready: BlobResult[] = [];
    let next = 0;
    let failure: unknown;
    // The commit loop waits on this when nothing is ready.
    const waiters: Array<() => void> = [];
    const notify = () => {
      for (const wake of waiters.splice(0)) wake();
    };
    const waitForChange = () => new Promise<void>((r) => waiters.push(r));

    const worker = async () => {
      while (failure === undefined) {
        throwIfStopped(this.o.signal);
        const index = next++;
        const entry = pending[index];
        if (!entry) return;
        const blob = await this.fetchBlob(key, contentType, entry);
        await this.budget.acquire(blob.size);
        ready.push(blob);
        notify();
      }
    };

    let active = Math.min(this.o.instance.concurrency, pending.length);
    const workers = Array.from({ length: active }, () =>
      worker()
        .catch((error: unknown) => {
          failure ??= error;
        })
        .finally(() => {
          active--;
          notify();
        }),
    );

    while (active > 0 || ready.length > 0) {
      if (ready.length === 0) {
        await waitForChange();
        continue;
      }
      const batch: BlobResult[] = [];
      let records = 0;
      while (
        ready.length > 0 &&
        (batch.length === 0 || records + ready[0]!.records.length <= this.maxPerCommit)
      ) {
        const blob = ready.shift()!;
        batch.push(blob);
        records += blob.records.length;
      }
      try {
        await this.commit(key, contentType, batch, result);
      } catch (error) {
        failure ??= error;
        notify();
        break;
      } finally {
        this.budget.release(batch.reduce((n, b) => n + b.size, 0));
      }
      notify();
    }
    await Promise.all(workers);
    // Blobs downloaded but not committed when a commit failed give their budget back.
    this.budget.release(ready.splice(0).reduce((n, b) => n + b.size, 0));
    if (failure !== undefined) throw failure;
  }

  private async commit(
    key: StreamKey,
    contentType: string,
    batch: readonly BlobResult[],
    result: StreamPassResult,
  ): Promise<void> {
    const sets: RawRecordSet[] = batch
      .filter((b) => b.records.length > 0)
      .map((b) => ({
        family: 'management',
        tenant: this.o.instance.tenantId,
        client: this.o.instance.name,
        hostchain: this.o.hostchain,
        contentType,
        origin: b.entry.contentId,
        records: b.records,
      }));
    const ingest: IngestBatch = { sets, contents: batch.map((b) => b.mark) };
    const r = await this.o.store.ingest(ingest);
    result.inserted += r.inserted;
    result.duplicates += r.duplicates;
    result.quarantined += r.quarantined;
    for (const b of batch) {
      if (b.mark.status === 'skipped') result.skipped++;
      else result.blobs++;
    }
    this.o.onCommit?.();
  }

  /** Fetches and splits one blob; failures become a skipped mark instead of an exception. */
  async fetchBlob(key: StreamKey, contentType: string, entry: ContentEntry): Promise<BlobResult> {
    const mark = (status: 'done' | 'skipped', attempts: number, error?: string): ContentMark => ({
      key,
      contentId: entry.contentId,
      contentUri: this.o.api.contentUrl(entry),
      contentCreated: entry.contentCreated,
      contentExpiration: entry.contentExpiration,
      status,
      attempts,
      error,
    });
    const expiration = entry.contentExpiration ? Date.parse(entry.contentExpiration) : NaN;
    if (!Number.isNaN(expiration) && expiration <= this.o.clock.now().getTime()) {
      return {
        entry,
        records: [],
        size: 0,
        mark: mark('skipped', 0, 'content expired before it was collected: its records are lost'),
      };
    }
    let lastError = '';
    for (let attempt = 1; attempt <= this.blobAttempts; attempt++) {
      try {
        const text = await this.o.api.fetchContent(entry);
        const { elements } = splitJsonArray(text);
        return { entry, records: elements, size: text.length, mark: mark('done', attempt) };
      } catch (error) {
        if (error instanceof JsonSplitError) {
          lastError = `the blob is not a valid JSON array (${error.message})`;
        } else if (error instanceof ApiError) {
          lastError = error.message;
          if (error.code === 'AF20051')
            lastError = `content expired (AF20051): its records are lost`;
          // Missing, expired or malformed content will not come back by asking again.
          if (['AF20050', 'AF20051', 'AF20052'].includes(error.code ?? '')) {
            return { entry, records: [], size: 0, mark: mark('skipped', attempt, lastError) };
          }
          if (!error.retryable && error.status !== 401) throw error;
        } else {
          throw error;
        }
        this.o.log.debug(`${contentType} ${entry.contentId}: attempt ${attempt}: ${lastError}`);
      }
    }
    this.o.log.warn(
      `${contentType} ${entry.contentId}: skipped after ${this.blobAttempts} attempts (${lastError}); \`collect --retry-skipped\` fetches it again`,
    );
    return { entry, records: [], size: 0, mark: mark('skipped', this.blobAttempts, lastError) };
  }

  /** Fetches the skipped content of this tenant again (those not expired). */
  async retrySkipped(): Promise<{ retried: number; recovered: number; stillSkipped: number }> {
    const summary = { retried: 0, recovered: 0, stillSkipped: 0 };
    for (const ct of this.o.instance.contentTypes) {
      const key = this.key(ct);
      const skipped = await this.o.store.skippedContent(key);
      if (skipped.length === 0) continue;
      const entries: ContentEntry[] = skipped.map((s) => ({
        contentType: ct,
        contentId: s.contentId,
        contentUri: s.contentUri ?? '',
        contentCreated: s.contentCreated,
        contentExpiration: s.contentExpiration,
      }));
      const result: StreamPassResult = {
        key,
        blobs: 0,
        inserted: 0,
        duplicates: 0,
        quarantined: 0,
        skipped: 0,
        error: null,
      };
      await this.fetchAndCommit(key, ct, entries, result);
      summary.retried += entries.length;
      summary.recovered += result.blobs;
      summary.stillSkipped += result.skipped;
    }
    return summary;
  }
}
