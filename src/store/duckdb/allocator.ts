// DuckDB allocates through its own jemalloc, which reads its settings once, when DuckDB's library
// loads: before any configuration is read. A store with bounded memory (`store.memory_limit`, and
// the ingest commands `import` and `collect`, which bound it by default: docs/import.md) wants
// freed pages returned to the system at once instead of kept for a second for reuse: storing
// 252,000 records under a 128MB limit peaked at 380–389 MiB instead of 422–431, for 18% less
// ingest throughput. Queries pay more (a sort of 1,000 wide rows took 2.6× as long), so the
// setting applies only when memory is bounded. The entry point calls `prepareAllocator` before it
// loads anything that loads DuckDB.
import { readFileSync } from 'node:fs';
import { parseJsonc } from '../../config/parse-jsonc.js';

export const ALLOCATOR_ENV = 'DUCKDB_JE_MALLOC_CONF';
/** jemalloc options for a bounded store: purge freed pages immediately. */
export const BOUNDED_ALLOCATOR_CONF = 'dirty_decay_ms:0,muzzy_decay_ms:0';

/** The `--config` file named on a command line (`--config F` or `--config=F`), if any. */
export function configArgument(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return undefined;
    if (arg === '--config') return argv[i + 1];
    if (arg.startsWith('--config=')) return arg.slice('--config='.length);
  }
  return undefined;
}

/** Whether the configuration file sets `store.memory_limit`. Unreadable files say no: the
 *  command reports them itself, with their position, once it loads the configuration. */
export function configBoundsMemory(file: string): boolean {
  try {
    const { value } = parseJsonc(readFileSync(file, 'utf8'), file);
    const store = (value as { store?: { memory_limit?: unknown } } | null)?.store;
    return typeof store?.memory_limit === 'string' && store.memory_limit.trim() !== '';
  } catch {
    return false;
  }
}

/**
 * Sets the allocator options for a bounded store, unless the environment already names options
 * (set it to an empty string to keep jemalloc's own). Returns whether the bounded options are in
 * place. Call before anything loads DuckDB.
 */
export function boundAllocator(env: NodeJS.ProcessEnv = process.env): boolean {
  env[ALLOCATOR_ENV] ??= BOUNDED_ALLOCATOR_CONF;
  return env[ALLOCATOR_ENV] === BOUNDED_ALLOCATOR_CONF;
}

/** Commands that ingest with a bounded store by default (`INGEST_MEMORY_LIMIT`). */
export const INGEST_COMMANDS: ReadonlySet<string> = new Set(['import', 'collect']);

/** The subcommand of a command line: its first argument that is not an option. */
export function commandName(argv: readonly string[]): string | undefined {
  return argv.find((a) => !a.startsWith('-'));
}

/**
 * `boundAllocator` when the command ingests (`import`, `collect`: their store is bounded by
 * default) or its configuration (`--config`) bounds memory.
 */
export function prepareAllocator(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (env[ALLOCATOR_ENV] !== undefined) return env[ALLOCATOR_ENV] === BOUNDED_ALLOCATOR_CONF;
  const command = commandName(argv);
  if (command !== undefined && INGEST_COMMANDS.has(command)) return boundAllocator(env);
  const file = configArgument(argv);
  if (file === undefined || !configBoundsMemory(file)) return false;
  return boundAllocator(env);
}
