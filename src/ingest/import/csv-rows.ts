// CSV rows of a text source, streamed through csv-parse, each with the line it starts on (fields
// may hold line breaks, so rows and lines differ). The line numbers are counted here rather than
// taken from csv-parse, which counts a CRLF inside a quoted field twice.
import { CsvError, parse } from 'csv-parse';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { importError } from './errors.js';
import type { TextSource } from './text-source.js';

export interface CsvRow {
  readonly fields: string[];
  /** 1-based line the row starts on. */
  readonly line: number;
}

export interface CsvBatch {
  readonly rows: CsvRow[];
}

interface ParsedRecord {
  readonly record: string[];
  readonly info: { readonly empty_lines: number };
}

/** Rows handed on together: enough to amortise the generator's overhead. */
const ROWS_PER_BATCH = 512;

function newlines(fields: readonly string[]): number {
  let count = 0;
  for (const field of fields) {
    for (let i = field.indexOf('\n'); i >= 0; i = field.indexOf('\n', i + 1)) count++;
  }
  return count;
}

function describe(error: CsvError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'A quoted field of the row starting on this line is never closed (the file may be cut short).';
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_CLOSING_QUOTE':
      return `A field of the row starting on this line has a stray quote: ${error.message}`;
    default:
      return `The CSV cannot be read from the row starting on this line: ${error.message}`;
  }
}

/** The header row first (as a batch of one), then the data rows. */
export async function* readCsvRows(source: TextSource): AsyncGenerator<CsvBatch, void, undefined> {
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
  });
  const feeding = pipeline(Readable.from(source.chunks()), parser);
  feeding.catch(() => undefined); // Its error also ends the loop below, which reports it.
  let nextLine = 1;
  let emptyLines = 0;
  let rows: CsvRow[] = [];
  let headerSent = false;
  try {
    for await (const parsed of parser as AsyncIterable<ParsedRecord>) {
      nextLine += parsed.info.empty_lines - emptyLines;
      emptyLines = parsed.info.empty_lines;
      rows.push({ fields: parsed.record, line: nextLine });
      nextLine += newlines(parsed.record) + 1;
      // The header goes alone, so that readers can set up before the data.
      if (!headerSent || rows.length >= ROWS_PER_BATCH) {
        headerSent = true;
        yield { rows };
        rows = [];
      }
    }
    await feeding;
  } catch (error) {
    if (error instanceof CsvError) {
      if (rows.length > 0) yield { rows };
      throw importError(source.file, nextLine, describe(error), { cause: error });
    }
    throw error;
  } finally {
    parser.destroy();
  }
  if (rows.length > 0) yield { rows };
}
