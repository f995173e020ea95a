// A Purview audit log search export (CSV): the AuditData column holds the raw record, whose text is
// stored byte for byte. Two header layouts are in use (the older `CreationDate,UserIds,Operations,
// AuditData` and the newer `RecordId,CreationDate,RecordType,Operation,UserId,AuditData,…`); only
// the AuditData column is read, found by name.
import { readCsvRows } from '../csv-rows.js';
import { importError } from '../errors.js';
import type { TextSource } from '../text-source.js';
import type { ReadBatch, ReadProblem, ReadRecord, RecordReader } from './types.js';

export async function* readPurviewCsv(source: TextSource): RecordReader {
  let column = -1;
  let width = 0;
  for await (const { rows, problems: unparsed } of readCsvRows(source)) {
    let start = 0;
    if (column < 0 && rows.length > 0) {
      const header = rows[0]!.fields.map((h) => h.trim().toLowerCase());
      column = header.indexOf('auditdata');
      width = header.length;
      if (column < 0) {
        throw importError(source.file, rows[0]!.line, 'The CSV header has no AuditData column.');
      }
      start = 1;
    }
    const records: ReadRecord[] = [];
    const problems: ReadProblem[] = [...unparsed];
    for (let i = start; i < rows.length; i++) {
      const { fields, line } = rows[i]!;
      const text = fields[column];
      if (fields.length !== width) {
        problems.push({
          line,
          message: `The row has ${fields.length} fields where the header has ${width}.`,
        });
      } else if (text === undefined || text.trim() === '') {
        problems.push({ line, message: 'The AuditData column is empty.' });
      } else {
        records.push({ text, line });
      }
    }
    problems.sort((a, b) => a.line - b.line); // rows csv-parse skipped, among the others
    const batch: ReadBatch = { records, problems, notices: [] };
    if (records.length > 0 || problems.length > 0) yield batch;
  }
}
