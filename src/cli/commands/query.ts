// `m365hunt query "LINQ"`: hunts with the Devo query language over the collected records. Compiles
// the query for the store's engine, runs it over a time range and streams the rows in a format.
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { compileLinq } from '../../linq/compile.js';
import { LinqError } from '../../linq/errors.js';
import { OUTPUT_FORMATS, writeResult, type OutputFormat } from '../../linq/format.js';
import { runLinq } from '../../linq/run.js';
import { resolveTimeRange } from '../../linq/time-range.js';
import { loadLookupCatalog, type LookupCatalog } from '../../store/lookups.js';
import { createCatalog } from '../../store/schema.js';
import type { Dialect } from '../../store/store.js';
import { M365HuntError } from '../../util/errors.js';
import { loadConfig } from '../../config/load.js';
import { remoteQuery } from '../remote-query.js';
import {
  openStoreFromOptions,
  storeUrlFromOptions,
  type StoreCliOptions,
} from '../../app/store.js';
import { addStoreOptions } from '../store-options.js';

interface QueryOptions extends StoreCliOptions {
  file?: string;
  from?: string;
  to?: string;
  format: OutputFormat;
  limit?: string;
  explain?: boolean;
  dialect?: Dialect;
  server?: string;
  token?: string;
  allColumns?: boolean;
}

function dialectOfUrl(url: string): Dialect {
  return /^(clickhouse|chdb)/i.test(url) ? 'clickhouse' : 'duckdb';
}

function queryText(arg: string | undefined, file: string | undefined): string {
  if (arg !== undefined && file !== undefined) {
    throw new M365HuntError('Give the query as an argument or with --file, not both.');
  }
  if (file !== undefined) return readFileSync(file === '-' ? 0 : file, 'utf8');
  if (arg === undefined || arg.trim() === '') {
    throw new M365HuntError('No query given.', {
      hint: 'm365hunt query "from cloud.office365.management where Operation = \\"FileDownloaded\\""',
    });
  }
  return arg;
}

/** The store's lookups for --explain, when the store can be opened (none otherwise). */
async function lookupsIfAny(
  options: QueryOptions,
  config: ReturnType<typeof loadConfig> | undefined,
): Promise<LookupCatalog> {
  try {
    const store = await openStoreFromOptions(options, { readOnly: true, config });
    try {
      return await loadLookupCatalog(store);
    } finally {
      await store.close();
    }
  } catch {
    return new Map();
  }
}

function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) > Number.MAX_SAFE_INTEGER) {
    throw new M365HuntError(`--limit must be a whole number, not \`${text}\``);
  }
  return Number(text);
}

export function registerQuery(program: Command): void {
  const command = program
    .command('query')
    .description('Hunt with LINQ (the Devo query language) over the collected records')
    .argument('[linq]', 'the query, e.g. "from cloud.office365.management.onedrive where …"')
    .option('-f, --file <path>', 'read the query from a file (- for standard input)')
    .option(
      '--from <time>',
      'start of the range: ISO time (UTC unless zoned), 1h, 7d, now-2d, today (default: 24 hours before --to)',
    )
    .option('--to <time>', 'end of the range, excluded (default: now)')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices([...OUTPUT_FORMATS])
        .default('table'),
    )
    .option('--limit <n>', 'return at most n rows')
    .option(
      '--all-columns',
      "table format: show every column (by default the query's own columns and eventdate; the other formats always carry every column)",
    )
    .option('--explain', 'print the SQL and its parameters instead of running the query')
    .option(
      '--server <url>',
      'ask a running `serve` or `demo` at this address instead of opening the store (env M365HUNT_SERVER)',
    )
    .option(
      '--token <token>',
      'API token for --server (env M365HUNT_TOKEN; made in Settings or with `users token`)',
    )
    .addOption(
      new Option(
        '--dialect <engine>',
        "with --explain: the SQL dialect (default: the store's)",
      ).choices(['duckdb', 'clickhouse']),
    );
  addStoreOptions(command);
  command.action(async (arg: string | undefined, options: QueryOptions) => {
    const text = queryText(arg, options.file);
    const now = new Date();
    const { from, to } = resolveTimeRange({ from: options.from, to: options.to }, now);
    const limit = parseLimit(options.limit);
    try {
      if (options.explain) {
        const config = options.config ? loadConfig(options.config) : undefined;
        const dialect = options.dialect ?? dialectOfUrl(storeUrlFromOptions(options, config));
        const compiled = compileLinq(text, {
          dialect,
          catalog: createCatalog(),
          from,
          to,
          now,
          lookups: await lookupsIfAny(options, config),
          ...(limit !== undefined ? { limit } : {}),
        });
        process.stdout.write(`${compiled.explain()}\n`);
        return;
      }
      const server = options.server ?? process.env.M365HUNT_SERVER;
      if (server && !options.db && !options.store && !options.config) {
        await huntThroughServer(server, text, options, { from, to }, limit);
        return;
      }
      const config = options.config ? loadConfig(options.config) : undefined;
      const store = await openStoreFromOptions(options, { readOnly: true, config });
      try {
        const result = await runLinq(store, text, {
          from,
          to,
          now,
          // the grid shows the query's own columns and the time: read no more than it shows
          tableColumns: options.format !== 'table' || options.allColumns === true,
          // countrycode, asn, asorg from the shipped GeoIP databases (DuckDB stores).
          ...(limit !== undefined ? { limit } : {}),
        });
        await writeResult(
          { columns: result.compiled.columns, chunks: () => result.chunks() },
          options.format,
          process.stdout,
          {
            width: process.stdout.isTTY ? process.stdout.columns : 160,
            allColumns: options.allColumns === true,
          },
        );
      } finally {
        await store.close();
      }
    } catch (error) {
      if (error instanceof LinqError) {
        process.stderr.write(`${error.render(text)}\n`);
        process.exitCode = 2;
        return;
      }
      throw error;
    }
  });
}

/** The query through a running server's API (see remote-query.ts), written as a local one is. */
async function huntThroughServer(
  server: string,
  text: string,
  options: QueryOptions,
  range: { from: Date; to: Date },
  limit: number | undefined,
): Promise<void> {
  const token = options.token ?? process.env.M365HUNT_TOKEN;
  if (!token) {
    throw new M365HuntError(`--server ${server} needs an API token.`, {
      hint: 'Pass it in M365HUNT_TOKEN or --token (make one in Settings, API tokens, or with `m365hunt users token`).',
    });
  }
  // Relative times are read by the server, whose "now" is the one its data lives in (the demo's
  // simulated clock); a range given only by its end is sent as read here.
  const from = options.from ?? (options.to ? range.from.toISOString() : 'now-1d');
  const to = options.to ?? 'now';
  let truncated = false;
  const result = await remoteQuery(
    { server, token, query: text, from, to, ...(limit !== undefined ? { limit } : {}) },
    () => (truncated = true),
  );
  await writeResult(result, options.format, process.stdout, {
    width: process.stdout.isTTY ? process.stdout.columns : 160,
    ...(options.allColumns ? { allColumns: true } : {}),
  });
  if (truncated && limit === undefined)
    process.stderr.write(
      'note: the server stopped at its row limit (server.max_rows); narrow the range or add --limit.\n',
    );
}
