// The offline import: reads files of audit records and stores them in the same tables, with the
// same deduplication and quarantine, as the collector. Used by `m365hunt import` and meant for
// the server too: it prints nothing, and reports progress and problems through callbacks.
//
// Every file's format is recognised before anything is stored, so a wrong file in the list stops
// the import before it starts. Then each file streams through in batches of `batchSize` records
// per `store.ingest` call, one batch being stored while the next is read; memory holds two
// batches and one chunk of the file, whatever the file's size.
import { hostname as osHostname } from 'node:os';
import { MANAGEMENT } from '../../store/schema.js';
import {
  STAGED_LINE_MAX,
  type IngestResult,
  type QuarantinedRecord,
  type RawRecordSet,
  type RejectedRecord,
  type StagedRecordFile,
  type Store,
} from '../../store/store.js';
import { M365HuntError } from '../../util/errors.js';
import { detectFormat } from './detect.js';
import { importError } from './errors.js';
import type { ImportFormat } from './formats.js';
import { topLevelString } from './json-scan.js';
import { readerFor } from './readers/index.js';
import { DEFAULT_RECORD_LIMITS, type RecordLimits } from './readers/oversized.js';
import type { ReadProblem } from './readers/types.js';
import { StagingFiles } from './staging.js';
import { openTextSource, type TextSource } from './text-source.js';

export interface ImportOptions {
  readonly files: readonly string[];
  readonly store: Store;
  /** Five digits, as the collector's id: rows get hostchain `collector-<id>-<host>`. */
  readonly collectorId: string;
  /** Host name in the hostchain (default: this machine's). */
  readonly hostname?: string;
  /** Tenant id given to every row (default: each record's OrganizationId). */
  readonly tenant?: string;
  /** The `client` label of a tenant's rows (default: the tenant id). */
  readonly client?: string | ((tenant: string) => string | undefined);
  /** Records per `store.ingest` call. */
  readonly batchSize?: number;
  /**
   * Records longer than this (bytes of UTF-8) are quarantined as their first `keptChars`
   * characters and a hash, not stored (readers/oversized.ts). Default 16 MiB.
   */
  readonly maxRecordBytes?: number;
  /** Problems kept per file for the summary (all are counted and passed to `onProblem`). */
  readonly problemsKept?: number;
  readonly onProgress?: (progress: ImportProgress) => void;
  readonly onProblem?: (problem: ImportProblem) => void;
  readonly signal?: AbortSignal;
}

export interface ImportProgress {
  readonly file: string;
  /** 0-based position of the file in the list, and the number of files. */
  readonly fileIndex: number;
  readonly fileCount: number;
  readonly bytesRead: number;
  readonly bytesTotal: number;
  /** Records read from this file so far. */
  readonly records: number;
}

export interface ImportProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface FileSummary {
  readonly file: string;
  readonly format: ImportFormat;
  /** Records read: stored + duplicates + quarantined + unreadable. */
  read: number;
  stored: number;
  duplicates: number;
  quarantined: number;
  /** Records that could not be read (listed in `problems`, not stored). */
  unreadable: number;
  /** The first problems (see `problemsKept`). */
  readonly problems: ImportProblem[];
  /** Values kept unconverted (Sentinel), by what happened: how many records, one example. */
  readonly notices: Map<string, { count: number; example?: string }>;
  /** Tenants the rows went to, with their record counts. */
  readonly tenants: Map<string, number>;
  /** Ingest sequence numbers given to this file's rows, when any. */
  seqRange: [bigint, bigint] | null;
  bytes: number;
  ms: number;
  /** Why the file stopped before its end, when it did (records before it are stored). */
  error?: M365HuntError;
  /** The first quarantined records of this file, in file order (all are in the store's quarantine). */
  quarantineSample: QuarantinedRecord[];
}

export interface ImportSummary {
  readonly files: FileSummary[];
  readonly hostchain: string;
  readonly ms: number;
}

/**
 * Records per `store.ingest` call. Each commit has a fixed cost (a dozen statements, the WAL), so
 * fewer, larger commits import faster: 20,000 records took 6.9 s in one commit and 10.6 s in four.
 */
export const DEFAULT_BATCH_SIZE = 20_000;
/**
 * A batch is also cut at this many characters of record text (about 16,000 typical records):
 * batches are sized by bytes, so that files of large records keep the same memory.
 */
const BATCH_MAX_CHARS = 24 * 1024 * 1024;
const UNKNOWN_TENANT = 'unknown';

/** Kinds of notes kept per file; more are counted together, so memory stays bounded. */
const NOTICE_KINDS = 50;
const OTHER_NOTES = 'other values kept unconverted';

function note(
  notices: FileSummary['notices'],
  notice: { readonly text: string; readonly example?: string },
): void {
  const text = notices.has(notice.text) || notices.size < NOTICE_KINDS ? notice.text : OTHER_NOTES;
  const entry = notices.get(text);
  if (entry) entry.count++;
  else notices.set(text, { count: 1, example: notice.example });
}

/** Tenants listed per file; records of further ones (ids that are not tenants) are counted together. */
const TENANTS_LISTED = 1000;
const OTHER_TENANTS = 'other tenants';

function countTenant(tenants: Map<string, number>, tenant: string, n = 1): void {
  const key = tenants.has(tenant) || tenants.size < TENANTS_LISTED ? tenant : OTHER_TENANTS;
  tenants.set(key, (tenants.get(key) ?? 0) + n);
}

export function collectorHostchain(collectorId: string, hostname = osHostname()): string {
  if (!/^\d{5}$/.test(collectorId)) {
    throw new M365HuntError(`The collector id "${collectorId}" is not five digits.`, {
      hint: 'Give --collector-id the five-digit id of the collector instance, e.g. 10001: rows get hostchain collector-<id>-<host>.',
    });
  }
  return `collector-${collectorId}-${hostname}`;
}

interface TenantGroup {
  readonly records: string[];
  readonly origins: string[];
  readonly rejected: RejectedRecord[];
}

/** Records waiting for the next `store.ingest` call, grouped by tenant (one record set each). */
class Batch {
  readonly groups = new Map<string, TenantGroup>();
  count = 0;
  chars = 0;

  add(tenant: string, text: string, origin: string, rejection?: string): void {
    let group = this.groups.get(tenant);
    if (!group) {
      group = { records: [], origins: [], rejected: [] };
      this.groups.set(tenant, group);
    }
    if (rejection === undefined) {
      group.records.push(text);
      group.origins.push(origin);
    } else group.rejected.push({ text, reason: rejection, origin });
    this.count++;
    this.chars += text.length;
  }
}

export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const hostchain = collectorHostchain(options.collectorId, options.hostname);
  if (options.files.length === 0) throw new M365HuntError('No file to import was given.');
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const limits: RecordLimits = {
    maxRecordChars: options.maxRecordBytes ?? DEFAULT_RECORD_LIMITS.maxRecordChars,
    keptChars: Math.min(
      DEFAULT_RECORD_LIMITS.keptChars,
      options.maxRecordBytes ?? DEFAULT_RECORD_LIMITS.keptChars,
    ),
  };
  const problemsKept = options.problemsKept ?? 20;
  const tenantOverride = options.tenant?.trim().toLowerCase();
  const clientOf = (tenant: string): string =>
    (typeof options.client === 'function' ? options.client(tenant) : options.client) ?? tenant;

  // Recognise every file first: a wrong file stops the import before anything is stored.
  const plan: Array<{ source: TextSource; format: ImportFormat }> = [];
  for (const file of options.files) {
    const source = openTextSource(file);
    const { format } = await detectFormat(source);
    plan.push({ source, format });
  }

  const summaries: FileSummary[] = [];
  for (const [fileIndex, { source, format }] of plan.entries()) {
    const summary: FileSummary = {
      file: source.file,
      format,
      read: 0,
      stored: 0,
      duplicates: 0,
      quarantined: 0,
      unreadable: 0,
      problems: [],
      notices: new Map(),
      tenants: new Map(),
      seqRange: null,
      bytes: source.size,
      ms: 0,
      quarantineSample: [],
    };
    summaries.push(summary);
    const fileStarted = Date.now();
    const progress = (): void =>
      options.onProgress?.({
        file: source.file,
        fileIndex,
        fileCount: plan.length,
        bytesRead: source.bytesRead(),
        bytesTotal: source.size,
        records: summary.read,
      });

    const account = (result: IngestResult): void => {
      for (const [tenant, n] of result.tenants ?? []) countTenant(summary.tenants, tenant, n);
      summary.stored += result.inserted;
      summary.duplicates += result.duplicates;
      summary.quarantined += result.quarantined;
      if (result.seqRange) {
        summary.seqRange = summary.seqRange
          ? [summary.seqRange[0], result.seqRange[1]]
          : [result.seqRange[0], result.seqRange[1]];
      }
    };
    // One batch is stored while the next is read; never more than one in flight.
    let inflight: Promise<void> | undefined;
    // NDJSON into a store that reads files: lines go to it as bytes (staging.ts), not strings.
    const staging =
      options.store.ingestsFiles && format.schema === 'management' && format.container === 'ndjson'
        ? new StagingFiles()
        : undefined;
    const submit = async (batch: Batch): Promise<void> => {
      await inflight;
      inflight = undefined;
      const part = staging?.take();
      const files: StagedRecordFile[] = part
        ? [
            {
              family: MANAGEMENT.id,
              path: part.path,
              lines: [part.first, part.last],
              ...(tenantOverride !== undefined ? { tenant: tenantOverride } : {}),
              client: clientOf,
              hostchain,
              origin: source.file,
            },
          ]
        : [];
      if (batch.count === 0 && files.length === 0) return;
      const sets: RawRecordSet[] = [...batch.groups].map(([tenant, group]) => ({
        family: MANAGEMENT.id,
        tenant,
        client: clientOf(tenant),
        hostchain,
        contentType: null,
        origin: source.file,
        records: group.records,
        recordOrigins: group.origins,
        ...(group.rejected.length > 0 ? { rejected: group.rejected } : {}),
      }));
      inflight = options.store
        .ingest({ sets, ...(files.length > 0 ? { files } : {}) })
        .then(account);
      // Handled when awaited before the next batch; marked now so that a failure while the next
      // batch is read is not reported as an unhandled rejection.
      inflight.catch(() => undefined);
    };
    const report = (problem: ReadProblem): void => {
      summary.unreadable++;
      const full = { file: source.file, ...problem };
      if (summary.problems.length < problemsKept) summary.problems.push(full);
      options.onProblem?.(full);
    };

    let batch = new Batch();
    const full = (): boolean => {
      const staged = staging?.current;
      return (
        batch.count + (staged?.count ?? 0) >= batchSize ||
        batch.chars + (staged?.bytes ?? 0) >= BATCH_MAX_CHARS
      );
    };
    try {
      progress();
      const reader = readerFor(format, source, limits, staging ? STAGED_LINE_MAX : undefined);
      for await (const read of reader) {
        if (options.signal?.aborted) {
          throw new M365HuntError('The import was stopped.', { cause: options.signal.reason });
        }
        summary.read += read.records.length + read.problems.length;
        if (read.staged) {
          summary.read += read.staged.count;
          staging!.append(read.staged.bytes, read.staged.lines, read.staged.count);
        }
        read.problems.forEach(report);
        for (const notice of read.notices) note(summary.notices, notice);
        for (const record of read.records) {
          const found = (record.tenant ?? topLevelString(record.text, 'OrganizationId'))
            ?.trim()
            .toLowerCase();
          const tenant = tenantOverride ?? (found ? found : UNKNOWN_TENANT);
          countTenant(summary.tenants, tenant);
          batch.add(tenant, record.text, `${source.file}:${record.line}`, record.rejection);
          if (full()) {
            await submit(batch);
            batch = new Batch();
          }
        }
        if (full()) {
          await submit(batch);
          batch = new Batch();
        }
        progress();
      }
    } catch (error) {
      if (!(error instanceof M365HuntError) || error.position?.source !== source.file) {
        await inflight?.catch(() => undefined);
        staging?.dispose();
        throw error;
      }
      // The file cannot be read past this point: what was read before it is still stored.
      summary.error = error;
    }
    try {
      await submit(batch);
      await inflight;
    } finally {
      staging?.dispose();
      summary.ms = Date.now() - fileStarted;
      progress();
    }
  }
  await sampleQuarantine(options.store, summaries, started);
  return { files: summaries, hostchain, ms: Date.now() - started };
}

const QUARANTINE_SAMPLE = 5;
const QUARANTINE_LOOKBACK = 2000;

/** Looks up the first quarantined records of each file (by origin), to show where they are. */
async function sampleQuarantine(
  store: Store,
  summaries: readonly FileSummary[],
  since: number,
): Promise<void> {
  const total = summaries.reduce((n, f) => n + f.quarantined, 0);
  if (total === 0) return;
  const recent = await store.quarantine(Math.min(total, QUARANTINE_LOOKBACK));
  const lineOf = (origin: string) => Number(origin.slice(origin.lastIndexOf(':') + 1));
  for (const summary of summaries) {
    const prefix = `${summary.file}:`;
    const mine = recent.filter(
      (q) => q.origin.startsWith(prefix) && q.at.getTime() >= since - 1000,
    );
    mine.sort((a, b) => lineOf(a.origin) - lineOf(b.origin));
    summary.quarantineSample.push(...mine.slice(0, QUARANTINE_SAMPLE));
  }
}

/** A summary's files that stopped early or had unreadable records, as one error (or undefined). */
export function importFailure(summary: ImportSummary): M365HuntError | undefined {
  const failed = summary.files.filter((f) => f.error);
  const unreadable = summary.files.reduce((n, f) => n + f.unreadable, 0);
  if (failed.length === 0 && unreadable === 0) return undefined;
  const first = failed[0]?.error;
  if (failed.length === 1 && unreadable === 0 && first) return first;
  const parts: string[] = [];
  if (failed.length > 0) {
    parts.push(`${failed.length} file${failed.length > 1 ? 's' : ''} could not be read to the end`);
  }
  if (unreadable > 0) {
    parts.push(`${unreadable} record${unreadable > 1 ? 's' : ''} could not be read`);
  }
  return importError(
    failed[0]?.file ?? summary.files.find((f) => f.unreadable > 0)!.file,
    undefined,
    `${parts.join(' and ')}; everything else was imported.`,
    {
      hint: 'Fix the places listed above and import the files again: records already stored are skipped as duplicates.',
    },
  );
}
