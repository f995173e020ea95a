// Sentinel OfficeActivity exports: the portal's CSV, NDJSON (one row object per line) or a JSON
// array of row objects. Each row is converted to the API's record shape (sentinel/mapping.ts) and
// the converted record, serialised, is what the store keeps as the message.
import { readCsvRows } from '../csv-rows.js';
import { readLines } from '../lines.js';
import { convertSentinelRow } from '../sentinel/convert.js';
import type { TextSource } from '../text-source.js';
import { readJsonArray } from './json-array.js';
import type { ReadBatch, RecordReader } from './types.js';

function emptyBatch(): ReadBatch {
  return { records: [], problems: [], notices: [] };
}

function addRow(batch: ReadBatch, row: Readonly<Record<string, unknown>>, line: number): void {
  const { record, notices } = convertSentinelRow(row);
  const tenant = record.OrganizationId;
  batch.records.push({
    text: JSON.stringify(record),
    line,
    tenant: typeof tenant === 'string' ? tenant : undefined,
  });
  for (const notice of notices) batch.notices.push(notice);
}

function addJson(batch: ReadBatch, text: string, line: number): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    batch.problems.push({ line, message: `Not valid JSON: ${(error as Error).message}.` });
    return;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    batch.problems.push({
      line,
      message: 'Not a JSON object (a row of the OfficeActivity table).',
    });
    return;
  }
  addRow(batch, value as Record<string, unknown>, line);
}

export async function* readSentinelCsv(source: TextSource): RecordReader {
  let header: string[] | undefined;
  for await (const { rows, problems } of readCsvRows(source)) {
    const batch = emptyBatch();
    batch.problems.push(...problems);
    let start = 0;
    if (!header && rows.length > 0) {
      header = rows[0]!.fields.map((h) => h.trim());
      start = 1;
    }
    if (!header) continue;
    for (let i = start; i < rows.length; i++) {
      const { fields, line } = rows[i]!;
      if (fields.length !== header.length) {
        batch.problems.push({
          line,
          message: `The row has ${fields.length} fields where the header has ${header.length}.`,
        });
        continue;
      }
      const row: Record<string, string> = {};
      // Most of the table's columns are empty on any row: they are left out here already.
      for (let k = 0; k < header.length; k++) if (fields[k] !== '') row[header[k]!] = fields[k]!;
      addRow(batch, row, line);
    }
    batch.problems.sort((a, b) => a.line - b.line); // rows csv-parse skipped, among the others
    if (batch.records.length > 0 || batch.problems.length > 0) yield batch;
  }
}

export async function* readSentinelNdjson(source: TextSource): RecordReader {
  for await (const lines of readLines(source)) {
    const batch = emptyBatch();
    lines.texts.forEach((text, i) => addJson(batch, text, lines.numbers[i]!));
    yield batch;
  }
}

export async function* readSentinelArray(source: TextSource): RecordReader {
  for await (const elements of readJsonArray(source)) {
    const batch = emptyBatch();
    for (const element of elements) {
      if (element.oversize) {
        batch.problems.push({
          line: element.line,
          message: `The row is larger than the record size limit (${element.oversize.chars} characters).`,
        });
      } else addJson(batch, element.text, element.line);
    }
    yield batch;
  }
}
