// Query results as text: a grid for terminals, JSON, NDJSON (one object per row) and CSV (RFC 4180).
// Rows are written chunk by chunk as the engine produces them, with back-pressure, so that an answer
// of millions of rows never sits in memory.
import type { Writable } from 'node:stream';
import type { SqlValue } from '../store/store.js';

export const OUTPUT_FORMATS = ['table', 'vertical', 'json', 'ndjson', 'csv'] as const;
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
  /** Width of the terminal, for `table` and `vertical`. */
  width?: number;
  /**
   * Rows held back to size the table's columns from (default 10,000): every row of most answers,
   * so that a wider value further down is not cut; rows past it stream in the widths found.
   */
  sampleRows?: number;
  /** `table`, `vertical`: show every column, not only the query's own and the event time. */
  allColumns?: boolean;
}

/** A row as `name | value` lines under a `-[ row n ]-` rule (psql's expanded display). */
function verticalRow(
  names: readonly string[],
  values: readonly string[],
  n: number,
  width: number,
) {
  const label = Math.max(...names.map((h) => h.length));
  const room = Math.max(20, width - label - 3);
  const lines = [
    `-[ row ${n} ]${'-'.repeat(Math.max(0, Math.min(width, 60) - String(n).length - 10))}`,
  ];
  names.forEach((h, i) => {
    const text = (values[i] ?? '').replace(/[\r\n\t]+/g, ' ');
    // Long values wrap under themselves rather than being cut: the point of this format.
    for (let at = 0; at === 0 || at < text.length; at += room)
      lines.push(`${(at === 0 ? h : '').padEnd(label)} | ${text.slice(at, at + room)}`.trimEnd());
  });
  return `${lines.join('\n')}\n`;
}

/**
 * Whether a table must cut its columns far below what they hold to fit the width: then one row per
 * block (`vertical`) reads better.
 */
function tooWide(header: readonly string[], cells: readonly (readonly string[])[], width: number) {
  const natural = header.map((h, i) =>
    Math.min(80, Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length))),
  );
  const fitted = gridWidths(header, cells, width);
  return fitted.some((w, i) => w < Math.min(natural[i]!, 16));
}

/** Streams a result to `out` in a format; returns the number of rows written. */
export async function writeResult(
  result: ResultSource,
  format: OutputFormat,
  out: Writable,
  options: WriteOptions = {},
): Promise<number> {
  const cols = result.columns;
  // table and vertical show the query's own columns and the event time unless asked for all;
  // the other formats carry every column.
  const shown = options.allColumns ? cols.map((_c, i) => i) : compactColumns(cols);
  const names = shown.map((i) => cols[i]!.name);
  const width = options.width ?? 160;
  let rows = 0;
  let first = true;
  // table: rows held until the widths are known (from every held row), then streamed.
  let held: string[][] | null = format === 'table' || format === 'vertical' ? [] : null;
  let layout: { kind: 'table'; widths: number[] } | { kind: 'vertical' } | undefined;
  const sample = options.sampleRows ?? 10_000;
  const lineOf = (r: readonly string[], widths: readonly number[]) =>
    `${r
      .map((v, i) => cell(v, widths[i]!))
      .join('  ')
      .trimEnd()}\n`;
  let n = 0;
  const render = (cells: readonly (readonly string[])[]) => {
    let text = '';
    if (!layout) {
      layout =
        format === 'vertical' || (cells.length > 0 && tooWide(names, cells, width))
          ? { kind: 'vertical' }
          : { kind: 'table', widths: gridWidths(names, cells, width) };
      if (layout.kind === 'table') {
        text += lineOf(names, layout.widths);
        text += `${layout.widths.map((w) => '-'.repeat(w)).join('  ')}\n`;
      }
    }
    for (const r of cells)
      text +=
        layout.kind === 'table' ? lineOf(r, layout.widths) : verticalRow(names, r, ++n, width);
    return text;
  };
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
      case 'table':
      case 'vertical': {
        const cells = chunk.map((r) => shown.map((i) => valueText(r[i], cols[i]!.type)));
        if (held) {
          held.push(...cells);
          if (held.length >= sample) {
            text += render(held);
            held = null;
          }
        } else text += render(cells);
        break;
      }
    }
    rows += chunk.length;
    await write(out, text);
  }
  if (format === 'json') await write(out, rows === 0 ? ']\n' : '\n]\n');
  if (format === 'table' || format === 'vertical') {
    // Every row held (most answers), or none at all: the header alone then.
    if (held) await write(out, render(held));
    await write(out, `(${rows} row${rows === 1 ? '' : 's'})\n`);
  }
  return rows;
}
