// What the ClickHouse store needs from a connection, so that the same SQL runs in-process on chdb
// and on a server through @clickhouse/client. Every result comes back as
// JSONCompactEachRowWithNamesAndTypes text and is converted by values.ts, on both paths alike.
import type { ResultColumn, SqlValue } from '../store.js';
import type { RowBinaryFile } from './ingest-binary.js';
import type { ParamValue } from './values.js';

export type Settings = Readonly<Record<string, string | number | boolean>>;

export interface ExecOptions {
  /** Values of the statement's `{name:Type}` placeholders. */
  readonly params?: Readonly<Record<string, ParamValue>>;
  /** Settings for this statement only. */
  readonly settings?: Settings;
  /** The server's id for the statement (ingest writes carry one, so that a fence can stop them). */
  readonly queryId?: string;
}

export interface RowsResult {
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly SqlValue[])[];
}

export interface RowStream {
  readonly columns: readonly ResultColumn[];
  chunks(): AsyncIterable<readonly (readonly SqlValue[])[]>;
}

/**
 * One connection on which temporary tables live (the staging tables of ingest). Its caller runs
 * one statement at a time on it.
 */
export interface ChSession {
  command(sql: string, options?: ExecOptions): Promise<void>;
  select(sql: string, options?: ExecOptions): Promise<RowsResult>;
  /** Loads TabSeparated text (escaped as `tsvField` does) into a table. */
  insertTsv(
    table: string,
    columns: readonly string[],
    payload: string,
    options?: ExecOptions,
  ): Promise<void>;
  /**
   * Loads RowBinary values (`structure`: the columns and types, in order) into a table, where the
   * engine reads a local file (chdb in-process); absent on a server, which takes TabSeparated.
   */
  insertRowBinary?(
    table: string,
    structure: string,
    write: (out: RowBinaryFile) => void,
  ): Promise<void>;
}

export interface ChExecutor {
  readonly kind: 'chdb' | 'http';
  /** The ingest connection (temporary tables, serialized by the store). */
  readonly writer: ChSession;
  /** Runs a statement on a connection of its own. */
  command(sql: string, options?: ExecOptions): Promise<void>;
  select(sql: string, options?: ExecOptions): Promise<RowsResult>;
  /** Streams a result on a connection of its own, so that other statements run meanwhile. */
  stream(sql: string, options?: ExecOptions): Promise<RowStream>;
  close(): Promise<void>;
}

/** Output settings both paths apply, so that values convert the same way (see values.ts). */
export const OUTPUT_SETTINGS: Settings = {
  output_format_json_quote_64bit_integers: 1,
  output_format_json_quote_denormals: 0,
  output_format_json_named_tuples_as_objects: 1,
  // Seconds since the epoch (with the fraction): a Date is made from it far faster than parsed.
  date_time_output_format: 'unix_timestamp',
};

export const RESULT_FORMAT = 'JSONCompactEachRowWithNamesAndTypes';

/** One field of TabSeparated input: backslash, tab, newline and carriage return escaped. */
export function tsvField(value: string | null): string {
  if (value === null) return '\\N';
  // Most record texts hold none of these: test first, so they are not copied.
  if (!/[\\\t\n\r]/.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

export function settingsSql(settings: Settings): string {
  return Object.entries(settings)
    .map(([k, v]) => {
      if (!/^[a-z_][a-z0-9_]*$/i.test(k)) throw new Error(`Invalid setting name ${k}`);
      const value =
        typeof v === 'string' ? `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : String(v);
      return `${k} = ${typeof v === 'boolean' ? (v ? 1 : 0) : value}`;
    })
    .join(', ');
}
