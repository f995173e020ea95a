// `m365hunt import FILE... --collector-id N`: the offline import of audit records, a thin adapter
// over runImport (src/ingest/import/runner.ts): options in, progress and a summary out.
import { MultiBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { statSync } from 'node:fs';
import { loadConfig, type ResolvedConfig } from '../../config/load.js';
import { formatLabel, keepsRecordText } from '../../ingest/import/formats.js';
import {
  DEFAULT_BATCH_SIZE,
  importFailure,
  runImport,
  type FileSummary,
  type ImportProgress,
  type ImportSummary,
} from '../../ingest/import/runner.js';
import type { Store } from '../../store/store.js';
import { M365HuntError } from '../../util/errors.js';
import {
  IMPORT_CHECKPOINT_THRESHOLD,
  openStoreFromOptions,
  type StoreCliOptions,
} from '../../app/store.js';
import { addStoreOptions } from '../store-options.js';

export interface ImportCliOptions extends StoreCliOptions {
  collectorId: string;
  tenant?: string;
  client?: string;
  batchSize?: string;
  maxRecordSize?: string;
}

/** What the command talks to; tests replace the store and the terminal. */
export interface ImportCommandIo {
  openStore?: (options: ImportCliOptions, config: ResolvedConfig | undefined) => Promise<Store>;
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  hostname?: string;
  /** Seconds between progress lines when stderr is not a terminal. */
  progressEverySeconds?: number;
  /** Receives the summary (also when the import then fails), e.g. for a caller that embeds the command. */
  onSummary?: (summary: ImportSummary) => void;
}

/** Unreadable records printed per file; the rest are counted. */
const PROBLEMS_SHOWN = 20;

const n = (value: number) => value.toLocaleString('en-US');

function rate(records: number, ms: number): string {
  return ms > 0 ? `${n(Math.round((records * 1000) / ms))} records/s` : '';
}

/** Progress on a terminal (a bar) or in a log (a line every few seconds). */
function progressReporter(
  stderr: NonNullable<ImportCommandIo['stderr']>,
  sizes: readonly number[],
  everySeconds: number,
): { update(p: ImportProgress): void; log(line: string): void; stop(): void } {
  const total = sizes.reduce((a, b) => a + b, 0);
  const before = (index: number) => sizes.slice(0, index).reduce((a, b) => a + b, 0);
  const started = Date.now();
  if (stderr.isTTY) {
    const bars = new MultiBar(
      {
        stream: stderr,
        format: 'import |{bar}| {percentage}% | {records} records | {file}',
        hideCursor: true,
        clearOnComplete: true,
      },
      Presets.shades_classic,
    );
    const bar = bars.create(Math.max(total, 1), 0, { records: '0', file: '' });
    return {
      update: (p) =>
        bar.update(before(p.fileIndex) + p.bytesRead, { records: n(p.records), file: p.file }),
      log: (line) => bars.log(`${line}\n`),
      stop: () => bars.stop(),
    };
  }
  let last = started;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < everySeconds * 1000) return;
      last = now;
      const percent =
        total > 0 ? Math.floor(((before(p.fileIndex) + p.bytesRead) * 100) / total) : 0;
      stderr.write(
        `import: ${percent}% | file ${p.fileIndex + 1}/${p.fileCount} ${p.file} | ${n(p.records)} records read\n`,
      );
    },
    log: (line) => stderr.write(`${line}\n`),
    stop: () => undefined,
  };
}

function fileSummary(f: FileSummary): string[] {
  const lines = [`${f.file}: ${formatLabel(f.format)}`];
  lines.push(
    `  read ${n(f.read)} | stored ${n(f.stored)} | duplicates ${n(f.duplicates)} | quarantined ${n(f.quarantined)}` +
      (f.unreadable > 0 ? ` | unreadable ${n(f.unreadable)}` : '') +
      ` | ${(f.ms / 1000).toFixed(1)} s, ${rate(f.read, f.ms)}`,
  );
  if (f.tenants.size > 0) {
    const tenants = [...f.tenants].map(([t, count]) => `${t} (${n(count)})`);
    lines.push(`  tenant${f.tenants.size > 1 ? 's' : ''}: ${tenants.join(', ')}`);
  }
  if (!keepsRecordText(f.format)) {
    lines.push('  message: the row converted to the Management API shape (not text as received)');
  }
  if (f.quarantined > 0) {
    lines.push(
      `  quarantined records are kept in the store's quarantine with the reason and their text (origin ${f.file}:LINE; \`m365hunt status\` counts them):`,
    );
    for (const q of f.quarantineSample) lines.push(`    ${q.origin}: ${q.reason}`);
    const more = f.quarantined - f.quarantineSample.length;
    if (more > 0) lines.push(`    … and ${n(more)} more`);
  }
  for (const [text, { count, example }] of f.notices) {
    const shown = example === undefined ? '' : `, e.g. ${JSON.stringify(example.slice(0, 60))}`;
    lines.push(`  note: ${text} (${n(count)} record${count > 1 ? 's' : ''}${shown})`);
  }
  if (f.error) lines.push(`  stopped: ${f.error.message} (line ${f.error.position?.line ?? '?'})`);
  return lines;
}

export function formatImportSummary(summary: ImportSummary, location: string): string {
  const totals = summary.files.reduce(
    (t, f) => ({
      read: t.read + f.read,
      stored: t.stored + f.stored,
      duplicates: t.duplicates + f.duplicates,
      quarantined: t.quarantined + f.quarantined,
    }),
    { read: 0, stored: 0, duplicates: 0, quarantined: 0 },
  );
  const lines = summary.files.flatMap(fileSummary);
  lines.push(
    `Imported ${summary.files.length} file${summary.files.length > 1 ? 's' : ''} into ${location} as ${summary.hostchain}: ` +
      `${n(totals.read)} read, ${n(totals.stored)} stored, ${n(totals.duplicates)} duplicates, ${n(totals.quarantined)} quarantined in ${(summary.ms / 1000).toFixed(1)} s.`,
  );
  return `${lines.join('\n')}\n`;
}

/** The client label of a tenant: --client, else the name the config gives the tenant. */
function clientLabels(
  options: ImportCliOptions,
  config: ResolvedConfig | undefined,
): string | ((tenant: string) => string | undefined) | undefined {
  if (options.client) return options.client;
  if (!config) return undefined;
  const names = new Map(config.instances.map((i) => [i.tenantId, i.name]));
  return (tenant) => names.get(tenant);
}

export async function importCommand(
  files: readonly string[],
  options: ImportCliOptions,
  io: ImportCommandIo = {},
): Promise<ImportSummary> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const batchSize =
    options.batchSize === undefined ? DEFAULT_BATCH_SIZE : Number(options.batchSize);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new M365HuntError(
      `--batch-size must be a positive whole number, not ${options.batchSize}.`,
    );
  }
  const maxRecordMiB =
    options.maxRecordSize === undefined ? undefined : Number(options.maxRecordSize);
  if (maxRecordMiB !== undefined && !(maxRecordMiB > 0 && maxRecordMiB <= 1024)) {
    throw new M365HuntError(
      `--max-record-size must be a number of MiB between 0 and 1024, not ${options.maxRecordSize}.`,
    );
  }
  const config = options.config ? loadConfig(options.config) : undefined;
  const store = await (io.openStore
    ? io.openStore(options, config)
    : openStoreFromOptions(options, {
        config,
        ingest: true,
        checkpointThreshold: IMPORT_CHECKPOINT_THRESHOLD,
      }));
  const shown = new Map<string, number>();
  let reporter: ReturnType<typeof progressReporter> | undefined;
  try {
    const sizes = files.map((f) => {
      try {
        return statSync(f).size;
      } catch {
        return 0;
      }
    });
    reporter = progressReporter(stderr, sizes, io.progressEverySeconds ?? 5);
    const summary = await runImport({
      files,
      store,
      collectorId: options.collectorId,
      hostname: io.hostname,
      tenant: options.tenant,
      client: clientLabels(options, config),
      batchSize,
      ...(maxRecordMiB === undefined
        ? {}
        : { maxRecordBytes: Math.round(maxRecordMiB * 1024 * 1024) }),
      onProgress: (p) => reporter?.update(p),
      onProblem: (p) => {
        const count = (shown.get(p.file) ?? 0) + 1;
        shown.set(p.file, count);
        if (count <= PROBLEMS_SHOWN) reporter?.log(`error: ${p.file}:${p.line}: ${p.message}`);
        else if (count === PROBLEMS_SHOWN + 1) {
          reporter?.log(
            `error: ${p.file}: more unreadable records follow (counted in the summary)`,
          );
        }
      },
    });
    reporter.stop();
    reporter = undefined;
    stdout.write(formatImportSummary(summary, store.location));
    io.onSummary?.(summary);
    const failure = importFailure(summary);
    if (failure) throw failure;
    return summary;
  } finally {
    reporter?.stop();
    await store.close();
  }
}

export function registerImport(program: Command, io: ImportCommandIo = {}): void {
  const command = program
    .command('import')
    .description(
      'Import audit records from files: raw Management Activity API records (NDJSON or a JSON array), ' +
        'a Purview audit search CSV export, or a Sentinel OfficeActivity export (CSV or NDJSON). ' +
        'The format is recognised from the content; records land in the same tables, with the same ' +
        'deduplication, as collected ones.',
    )
    .argument('<files...>', 'files to import (gzip-compressed files are read as they are)')
    .requiredOption(
      '--collector-id <id>',
      'five-digit collector id: rows get hostchain collector-<id>-<host>',
    )
    .option('--tenant <id>', "tenant id of the rows (default: each record's OrganizationId)")
    .option(
      '--client <name>',
      "the rows' client label (default: the tenant's name in --config, else its id)",
    )
    .option('--batch-size <n>', `records per store write (default ${DEFAULT_BATCH_SIZE})`)
    .option(
      '--max-record-size <MiB>',
      'records larger than this go to the quarantine as their first 64 KiB and a SHA-256 (default 16)',
    );
  addStoreOptions(command);
  command.action(async (files: string[], options: ImportCliOptions) => {
    await importCommand(files, options, io);
  });
}
