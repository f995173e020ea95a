// Hunting through the API: the catalog for completion, a query request, the answer's columns and
// the NDJSON lines it streams as (`POST /api/query`), saved queries.
import type { JsonValue } from './json.js';

/** A cell of a query answer: any JSON value (timestamps are ISO text, 64-bit integers numbers). */
export type Cell = JsonValue;

export interface QueryColumn {
  readonly name: string;
  readonly type: string;
  /**
   * `query`: a column the query selects, creates or groups by; `table`: a column of the table the
   * answer carries after those (a compact view may hide it; the answer always holds it).
   */
  readonly origin?: 'query' | 'table';
}

export interface QueryRequest {
  readonly query: string;
  readonly from: string;
  readonly to: string;
  readonly limit?: number;
  /** Who asks, for the latency metric. */
  readonly origin?: 'search' | 'dashboard' | 'user' | 'export' | 'script';
  readonly format?: 'ndjson' | 'csv';
}

/**
 * The NDJSON lines of an answer, in order: the columns and the range read (relative times made
 * absolute by the server's clock), batches of rows, then the end (or an error mid-stream).
 */
export type QueryLine =
  | {
      readonly columns: readonly QueryColumn[];
      readonly from: string;
      readonly to: string;
    }
  | { readonly rows: readonly Cell[][] }
  | {
      readonly done: true;
      readonly rows: number;
      readonly truncated: boolean;
      readonly elapsedMs: number;
    }
  | { readonly error: string };

/** Tables, fields and functions for completion (`GET /api/catalog`). */
export interface Catalog {
  readonly tables: ReadonlyArray<{ name: string; description: string }>;
  readonly fields: ReadonlyArray<{ name: string; type: string; doc: string }>;
  readonly functions: ReadonlyArray<{
    name: string;
    kind: string;
    signature?: string;
    doc?: string;
  }>;
}

export interface SavedQuery {
  readonly id: string;
  readonly name: string;
  readonly query: string;
  readonly from: string;
  readonly to: string;
  readonly owner: string;
  readonly updated: string;
}
