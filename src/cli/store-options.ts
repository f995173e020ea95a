// The store options every command takes: `--db PATH` (DuckDB, the default), `--store URL`
// (`duckdb:PATH`, `chdb:DIR`, `clickhouse://host:port/db`), or the store named in `--config`;
// src/app/store.ts opens the store they name.
import type { Command } from 'commander';
import { DEFAULT_DB } from '../store/open.js';

export function addStoreOptions(command: Command, withConfig = true): Command {
  command
    .option(
      '--db <path>',
      `DuckDB file of the store (default: the config's store, or ${DEFAULT_DB})`,
    )
    .option('--store <url>', 'store URL: duckdb:PATH, chdb:DIR or clickhouse://host:port/db');
  if (withConfig) command.option('--config <file>', 'configuration file');
  return command;
}
