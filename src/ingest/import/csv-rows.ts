// CSV rows of a text source, streamed through csv-parse, each with the line it starts on (fields
// may hold line breaks, so rows and lines differ). A row csv-parse cannot read (a stray or
// unclosed quote) is reported with its line and skipped, and reading goes on with the next row.
import { CsvError, parse, type InfoRecord, type Options } from 'csv-parse';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { importError } from './errors.js';
import type { TextSource } from './text-source.js';

export interface CsvRow {
  readonly fields: string[];
  /** 1-based line the row starts on. */
  readonly line: number;
  /** Rows skipped just before this one (csv-parse reads ahead of us: kept in file order so). */
  readonly skippedBefore?: CsvBatch['problems'];
}

export interface CsvBatch {
  readonly rows: CsvRow[];
  /** Rows that could not be read, by the line they start on. */
  readonly problems: Array<{ line: number; message: string }>;
}

/** Rows handed on together: enough to amortise the generator's overhead. */
const ROWS_PER_BATCH = 512;

function count(fields: readonly string[], char: string): number {
  let n = 0;
  for (const field of fields) {
    for (let i = field.indexOf(char); i >= 0; i = field.indexOf(char, i + 1)) n++;
  }
  return n;
}

function describe(error: Error): string {
  switch ((error as CsvError).code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'A quoted field of the row starting on this line is never closed: the rest of the file is part of it (the file may be cut short).';
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'A field of the row starting on this line has a stray quote (quotes inside a field must be doubled).';
    default:
      return `The row starting on this line cannot be read: ${error.message}`;
  }
}

/** The header row first (as a batch of one), then the data rows. */
export async function* readCsvRows(source: TextSource): AsyncGenerator<CsvBatch, void, undefined> {
  // Lines are counted as an editor counts them: csv-parse's own count sees a CRLF inside a quoted
  // field as two lines, so its count is corrected by the CRs of the fields read so far.
  let crs = 0;
  let lastEnd = 0;
  let skipped: CsvBatch['problems'] = [];
  const options: Options<CsvRow, string[]> = {
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_record: (fields: string[], info: InfoRecord): CsvRow => {
      crs += count(fields, '\r');
      lastEnd = info.lines - crs;
      const row: CsvRow = { fields, line: lastEnd - count(fields, '\n') };
      if (skipped.length === 0) return row;
      const before = skipped;
      skipped = [];
      return { ...row, skippedBefore: before };
    },
    on_skip: (error) => {
      // One report per row, though csv-parse may call this for each bad quote of it.
      const line = lastEnd + 1;
      if (error && skipped.at(-1)?.line !== line) {
        skipped.push({ line, message: describe(error) });
      }
      return undefined;
    },
  };
  // csv-parse types `parse(options)` for string[] records; ours are CsvRow (from on_record).
  const parser = parse(options as unknown as Options);
  const feeding = pipeline(Readable.from(source.chunks()), parser);
  feeding.catch(() => undefined); // Its error also ends the loop below, which reports it.
  let rows: CsvRow[] = [];
  let problems: CsvBatch['problems'] = [];
  let headerSent = false;
  const take = (): CsvBatch => {
    const batch = { rows, problems };
    rows = [];
    problems = [];
    return batch;
  };
  try {
    for await (const row of parser as AsyncIterable<CsvRow>) {
      if (row.skippedBefore) problems.push(...row.skippedBefore);
      rows.push(row);
      // The header goes alone, so that readers can set up before the data.
      if (!headerSent || rows.length >= ROWS_PER_BATCH) {
        headerSent = true;
        yield take();
      }
    }
    await feeding;
  } catch (error) {
    if (error instanceof CsvError) {
      throw importError(source.file, lastEnd + 1, describe(error), { cause: error });
    }
    throw error;
  } finally {
    parser.destroy();
  }
  // Rows skipped at the end of the file (after the last good row).
  problems.push(...skipped);
  if (rows.length > 0 || problems.length > 0) yield take();
}
