// `m365hunt collect`: collects every configured tenant into the store, once (`--once`) or polling.
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { startAlerting } from '../../app/alerting.js';
import { loadConfig } from '../../config/load.js';
import { Collection, type PassSummary } from '../../sources/collection.js';
import type {
  CollectorProgress,
  StreamPassResult,
  StreamProgress,
} from '../../sources/management-activity/collector.js';
import type { StreamKey } from '../../store/store.js';
import { M365HuntError } from '../../util/errors.js';
import { createLogger, setLogLevel } from '../../util/log.js';
import { openStoreFromOptions, type StoreCliOptions } from '../../app/store.js';
import { addStoreOptions } from '../store-options.js';
import { exitCodeFor, handleStopSignals } from '../../util/stop-signals.js';
import { isStopped } from '../../util/wait.js';

interface CollectOptions extends StoreCliOptions {
  once?: boolean;
  retrySkipped?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  stats?: boolean;
}

/** Progress bars on a terminal; a line per finished window otherwise. */
function progressReporter(): { progress: CollectorProgress; stop(): void } {
  if (!process.stderr.isTTY) {
    const log = createLogger('collect');
    return {
      progress: {
        update: (key: StreamKey, p: StreamProgress) =>
          log.info(
            `${key.stream} listed through ${p.listedThrough.toISOString()}: ${p.blobs} blobs, ${p.records} records, ${p.skipped} skipped (${Math.round(p.fraction * 100)}%)`,
          ),
      },
      stop: () => undefined,
    };
  }
  const multi = new cliProgress.MultiBar(
    {
      format:
        ' {stream} [{bar}] {percentage}% | {blobs} blobs | {records} records | {skipped} skipped',
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    progress: {
      update(key, p) {
        const id = `${key.tenant.slice(0, 8)} ${key.stream}`;
        let bar = bars.get(id);
        if (!bar) {
          bar = multi.create(100, 0, { stream: id.padEnd(36) });
          bars.set(id, bar);
        }
        bar.update(Math.round(p.fraction * 100), {
          stream: id.padEnd(36),
          blobs: p.blobs,
          records: p.records,
          skipped: p.skipped,
        });
      },
    },
    stop: () => multi.stop(),
  };
}

function printSummary(summaries: readonly PassSummary[]): boolean {
  const totals = new Map<string, Omit<StreamPassResult, 'key'>>();
  for (const s of summaries) {
    if (s.heldBy) console.log(`${s.tenant}: collected by another collector process (skipped here)`);
    for (const e of s.subscriptionErrors) console.error(`${s.tenant}: subscription: ${e}`);
    for (const r of s.results) {
      const id = `${s.tenant} ${r.key.stream}`;
      const t = totals.get(id) ?? {
        blobs: 0,
        inserted: 0,
        duplicates: 0,
        quarantined: 0,
        skipped: 0,
        error: null,
        stopped: false,
      };
      t.blobs += r.blobs;
      t.stopped = t.stopped || r.stopped === true;
      t.inserted += r.inserted;
      t.duplicates += r.duplicates;
      t.quarantined += r.quarantined;
      t.skipped += r.skipped;
      t.error = r.error ?? t.error;
      totals.set(id, t);
    }
  }
  let ok = true;
  for (const [id, t] of totals) {
    console.log(
      `${id}: ${t.blobs} blobs, ${t.inserted} records stored, ${t.duplicates} duplicates dropped, ${t.quarantined} quarantined, ${t.skipped} blobs skipped${t.stopped ? ' (stopped before the end)' : ''}${t.error ? `, ERROR: ${t.error}` : ''}`,
    );
    if (t.error) ok = false;
  }
  return ok;
}

function runStats(collection: Collection, summaries: readonly PassSummary[], started: number) {
  const results = summaries.flatMap((s) => s.results);
  return {
    seconds: (Date.now() - started) / 1000,
    requests: collection.tenants.reduce((n, t) => n + t.http.counters.requests, 0),
    throttled: collection.tenants.reduce((n, t) => n + t.http.counters.throttled, 0),
    records: results.reduce((n, r) => n + r.inserted, 0),
    blobs: results.reduce((n, r) => n + r.blobs, 0),
    errors: results.filter((r) => r.error).map((r) => r.error),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

export function registerCollect(program: Command): void {
  const command = program
    .command('collect')
    .description('Collect the Management Activity API of every configured tenant into the store.')
    .requiredOption('--config <file>', 'configuration file')
    .option('--once', 'collect everything available now, then exit')
    .option(
      '--retry-skipped',
      'fetch again the content that was skipped after repeated failures, then exit',
    )
    .option('-q, --quiet', 'no progress output')
    .option(
      '--stats',
      'with --once: print a JSON line with time, requests, records and peak memory',
    )
    .option('-v, --verbose', 'debug logging');
  addStoreOptions(command, false);
  command.action(async (options: CollectOptions) => {
    // From the first moment: a stop asked for while the store opens is obeyed too.
    const stop = handleStopSignals();
    if (options.verbose) setLogLevel('debug');
    const config = loadConfig(options.config!);
    const log = createLogger('collect');
    for (const warning of config.warnings) log.warn(warning);
    const store = await openStoreFromOptions(options, { config, ingest: true });
    const reporter = options.quiet ? undefined : progressReporter();
    // Rules are evaluated in this process, after commits (debounced) and every minute.
    const alerts = startAlerting(store, config);
    const collection = new Collection(config, store, {
      log,
      progress: reporter?.progress,
      onCommit: alerts?.onCommit,
      signal: stop.signal,
    });
    if (collection.tenants.length === 0) {
      await alerts?.stop(false);
      await store.close();
      throw new M365HuntError('No enabled collector instance with a Management Activity service.');
    }
    const stopped = () => {
      const signal = stop.received ?? 'SIGTERM';
      console.error(
        `stopped (${signal}): what was committed is kept; the next collect continues from there`,
      );
      process.exitCode = exitCodeFor(signal);
    };
    try {
      if (options.retrySkipped) {
        try {
          for (const r of await collection.retrySkipped()) {
            console.log(
              `${r.tenant}: ${r.retried} skipped blobs retried, ${r.recovered} recovered, ${r.stillSkipped} still skipped`,
            );
          }
        } catch (error) {
          if (!isStopped(error, stop.signal)) throw error;
          stopped();
        }
      } else if (options.once) {
        const started = Date.now();
        const summaries = await collection.once();
        reporter?.stop();
        if (!printSummary(summaries)) process.exitCode = 1;
        if (options.stats) console.log(JSON.stringify(runStats(collection, summaries, started)));
        if (collection.stopped) stopped();
      } else {
        log.info(
          `collecting ${collection.tenants.length} tenant(s) into ${store.location}; Ctrl-C stops`,
        );
        await collection.forever(stop.signal, (summaries) => {
          for (const s of summaries) {
            for (const r of s.results)
              if (r.error) log.error(`${s.tenant} ${r.key.stream}: ${r.error}`);
          }
        });
      }
    } finally {
      reporter?.stop();
      // After a stop, no last evaluation: exiting promptly is what was asked.
      await alerts?.stop(!collection.stopped);
      await collection.releaseLeases();
      await store.close();
    }
  });
}
