// Query results as text: a grid for terminals, JSON, NDJSON (one object per row) and CSV (RFC 4180).
// Rows are written chunk by chunk as the engine produces them, with back-pressure, so that an answer
// of millions of rows never sits in memory.
import type { Writable } from 'node:stream';
import type { SqlValue } from '../store/store.js';

export const OUTPUT_FORMATS = ['table', 'json', 'ndjson', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface OutputColumn {
  readonly name: string;
  /** LINQ type: json and array(…) columns hold JSON text. */
  readonly type: string;
  /** `table`: a table column the answer carries after the query's own (see compile.ts). */
  readonly origin?: 'query' | 'table';
}

/**
 * The columns a terminal grid shows by default: when the query selects or creates columns, the
 * event time and those (the answer holds every table column too; `json`, `ndjson` and `csv` write
 * them all); otherwise every column.
 */
export function compactColumns(columns: readonly OutputColumn[]): number[] {
  const all = columns.map((_c, i) => i);
  if (!columns.some((c) => c.origin === 'query') || !columns.some((c) => c.origin === 'table'))
    return all;
  const time = columns.findIndex((c) => c.name === 'eventdate' && c.origin === 'table');
  return [...(time >= 0 ? [time] : []), ...all.filter((i) => columns[i]!.origin === 'query')];
}

export interface ResultSource {
  readonly columns: readonly OutputColumn[];
  chunks(): AsyncIterable<readonly (readonly SqlValue[])[]>;
}

const isJsonType = (type: string) => type === 'json' || type.startsWith('array(');

function timestampText(v: SqlValue): string {
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace('Z', '');
  const s = String(v);
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?/.exec(s);
  return m ? `${m[1]} ${m[2]}.${(m[3] ?? '').padEnd(3, '0').slice(0, 3)}` : s;
}

/** A value as text (table and CSV): times as `YYYY-MM-DD HH:MM:SS.mmm` UTC, JSON as its text. */
export function valueText(v: SqlValue | undefined, type: string): string {
  if (v === null || v === undefined) return '';
  if (type === 'timestamp') return timestampText(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object')
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}

type JsonOut = string | number | boolean | null | JsonOut[] | { [k: string]: JsonOut };

/** A value in JSON output: times as ISO 8601 UTC, big integers as strings, JSON columns as values. */
export function valueJson(v: SqlValue | undefined, type: string): JsonOut {
  if (v === null || v === undefined) return null;
  if (type === 'timestamp') return `${timestampText(v).replace(' ', 'T')}Z`;
  if (isJsonType(type) && typeof v === 'string') {
    try {
      return JSON.parse(v) as JsonOut;
    } catch {
      return v;
    }
  }
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    return JSON.parse(
      JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)),
    ) as JsonOut;
  }
  return v;
}

function rowObject(
  columns: readonly OutputColumn[],
  row: readonly SqlValue[],
): Record<string, JsonOut> {
  const o: Record<string, JsonOut> = {};
  columns.forEach((c, i) => (o[c.name] = valueJson(row[i], c.type)));
  return o;
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF; quotes doubled. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Column widths for a grid that fits `width` characters, from the header and sample rows. */
export function gridWidths(
  header: readonly string[],
  sample: readonly (readonly string[])[],
  width: number,
): number[] {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...sample.map((r) => (r[i] ?? '').length), 1),
  );
  const capped = widths.map((w) => Math.min(w, 80));
  const room = Math.max(width - 2 * (header.length - 1), header.length * 4);
  while (capped.reduce((a, b) => a + b, 0) > room) {
    const widest = capped.indexOf(Math.max(...capped));
    if (capped[widest]! <= 6) break;
    capped[widest] = capped[widest]! - 1;
  }
  return capped;
}

function cell(text: string, width: number): string {
  const flat = text.replace(/[\r\n\t]+/g, ' ');
  return flat.length > width ? `${flat.slice(0, Math.max(0, width - 1))}…` : flat.padEnd(width);
}

/** Writes text and waits when the destination asks for it (back-pressure). */
async function write(out: Writable, text: string): Promise<void> {
  if (text === '') return;
  if (!out.write(text)) {
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        out.off('drain', done);
        out.off('error', fail);
        resolve();
      };
      const fail = (e: Error) => {
        out.off('drain', done);
        reject(e);
      };
      out.once('drain', done);
      out.once('error', fail);
    });
  }
}

export interface WriteOptions {
  /** Width of the terminal, for `table`. */
  width?: number;
  /** Rows of the first chunk used to size the table's columns. */
  sampleRows?: number;
  /** `table`: show every column, not only the query's own and the event time. */
  allColumns?: boolean;
}

/** Streams a result to `out` in a format; returns the number of rows written. */
export async function writeResult(
  result: ResultSource,
  format: OutputFormat,
  out: Writable,
  options: WriteOptions = {},
): Promise<number> {
  const cols = result.columns;
  const shown = options.allColumns ? cols.map((_c, i) => i) : compactColumns(cols);
  const grid = shown.map((i) => cols[i]!);
  let rows = 0;
  let widths: number[] | undefined;
  let first = true;
  if (format === 'csv') await write(out, `${cols.map((c) => csvField(c.name)).join(',')}\r\n`);
  if (format === 'json') await write(out, '[');
  for await (const chunk of result.chunks()) {
    let text = '';
    switch (format) {
      case 'ndjson':
        for (const r of chunk) text += `${JSON.stringify(rowObject(cols, r))}\n`;
        break;
      case 'json':
        for (const r of chunk) {
          text += `${first ? '\n' : ',\n'}${JSON.stringify(rowObject(cols, r))}`;
          first = false;
        }
        break;
      case 'csv':
        for (const r of chunk)
          text += `${r.map((v, i) => csvField(valueText(v, cols[i]?.type ?? 'str'))).join(',')}\r\n`;
        break;
      case 'table': {
        const cells = chunk.map((r) => shown.map((i) => valueText(r[i], cols[i]!.type)));
        if (!widths) {
          widths = gridWidths(
            grid.map((c) => c.name),
            cells.slice(0, options.sampleRows ?? 200),
            options.width ?? 160,
          );
          text += `${grid
            .map((c, i) => cell(c.name, widths![i]!))
            .join('  ')
            .trimEnd()}\n`;
          text += `${widths.map((w) => '-'.repeat(w)).join('  ')}\n`;
        }
        for (const r of cells)
          text += `${r
            .map((v, i) => cell(v, widths![i]!))
            .join('  ')
            .trimEnd()}\n`;
        break;
      }
    }
    rows += chunk.length;
    await write(out, text);
  }
  if (format === 'json') await write(out, rows === 0 ? ']\n' : '\n]\n');
  if (format === 'table') {
    if (!widths) {
      const w = gridWidths(
        grid.map((c) => c.name),
        [],
        options.width ?? 160,
      );
      await write(
        out,
        `${grid
          .map((c, i) => cell(c.name, w[i]!))
          .join('  ')
          .trimEnd()}\n${w.map((x) => '-'.repeat(x)).join('  ')}\n`,
      );
    }
    await write(out, `(${rows} row${rows === 1 ? '' : 's'})\n`);
  }
  return rows;
}
