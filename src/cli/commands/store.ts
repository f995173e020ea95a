// `m365hunt store copy --from duckdb:PATH --to chdb:DIR`: moves a store to another engine (the way
// from the embedded DuckDB file to ClickHouse), a thin adapter over copyStore with progress.
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { copyStore, type CopyPhase, type CopySummary } from '../../store/clickhouse/copy.js';
import { openStore } from '../../store/open.js';
import type { Store } from '../../store/store.js';
import { M365HuntError } from '../../util/errors.js';

export interface StoreCopyOptions {
  from: string;
  to: string;
  batchSize?: string;
}

export interface StoreCommandIo {
  openStore?: (url: string, readOnly: boolean) => Promise<Store>;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Seconds between progress lines when stderr is not a terminal. */
  progressEverySeconds?: number;
}

const n = (value: number) => value.toLocaleString('en-US');

const PHASES: Readonly<Record<CopyPhase, string>> = {
  rows: 'rows',
  quarantine: 'quarantined records',
  documents: 'documents',
  contents: 'content marks',
  cursors: 'cursors',
};

export function formatCopySummary(summary: CopySummary, from: string, to: string): string {
  const r = summary.rows;
  const seconds = summary.ms / 1000;
  return (
    [
      `Copied ${from} into ${to} in ${seconds.toFixed(1)} s` +
        (seconds > 0 ? ` (${n(Math.round(r.read / seconds))} rows/s)` : '') +
        '.',
      `  rows: ${n(r.read)} read, ${n(r.inserted)} stored, ${n(r.duplicates)} already there` +
        (r.quarantined > 0 ? `, ${n(r.quarantined)} quarantined by the target` : ''),
      `  quarantined records: ${n(summary.quarantine)}, documents: ${n(summary.documents)}, ` +
        `content marks: ${n(summary.contents)}, cursors: ${n(summary.cursors)}`,
      "  Sequence numbers are the target's own: alert rules start over on the new store (their positions were copied as documents; reset them if they refer to sequence numbers).",
    ].join('\n') + '\n'
  );
}

export async function storeCopyCommand(
  options: StoreCopyOptions,
  io: StoreCommandIo = {},
): Promise<CopySummary> {
  if (options.from === options.to) {
    throw new M365HuntError('--from and --to name the same store.');
  }
  const batchSize = options.batchSize === undefined ? undefined : Number(options.batchSize);
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new M365HuntError(`--batch-size ${options.batchSize} is not a positive whole number.`);
  }
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const open = io.openStore ?? ((url, readOnly) => openStore(url, { readOnly }));
  const from = await open(options.from, true);
  let to: Store | undefined;
  try {
    to = await open(options.to, false);
    const every = (io.progressEverySeconds ?? 5) * 1000;
    let bar: SingleBar | undefined;
    let phase: CopyPhase | undefined;
    let last = 0;
    const summary = await copyStore(from, to, {
      batchSize,
      onProgress: (p) => {
        if (stderr.isTTY) {
          if (p.phase !== phase) {
            bar?.stop();
            phase = p.phase;
            bar = new SingleBar(
              {
                stream: stderr,
                format: `copy ${PHASES[p.phase]} |{bar}| {percentage}% | {value}/{total}`,
                hideCursor: true,
              },
              Presets.shades_classic,
            );
            bar.start(Math.max(p.total, 1), p.done);
          } else bar?.update(p.done);
          return;
        }
        const now = Date.now();
        if (p.phase === phase && now - last < every && p.done < p.total) return;
        phase = p.phase;
        last = now;
        stderr.write(`copy: ${PHASES[p.phase]} ${n(p.done)}/${n(p.total)}\n`);
      },
    });
    bar?.stop();
    stdout.write(formatCopySummary(summary, from.location, to.location));
    return summary;
  } finally {
    await to?.close();
    await from.close();
  }
}

export function registerStore(program: Command): void {
  const store = program
    .command('store')
    .description('Store maintenance: move a store to another engine (DuckDB → ClickHouse).');
  store
    .command('copy')
    .description(
      'Copy every row (same ids, times and raw messages), the quarantine, content marks, cursors and documents of one store into another. Run it again to resume: nothing is copied twice.',
    )
    .requiredOption(
      '--from <url>',
      'source store: a DuckDB file, duckdb:PATH, chdb:DIR or clickhouse://…',
    )
    .requiredOption('--to <url>', 'target store: chdb:DIR, clickhouse://host:port/db, …')
    .option('--batch-size <n>', 'records per commit (default 10000)')
    .action(async (options: StoreCopyOptions) => {
      await storeCopyCommand(options);
    });
}
