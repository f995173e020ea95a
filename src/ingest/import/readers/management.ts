// Raw Management Activity API records: one per line (NDJSON) or the elements of a JSON array. The
// text goes to the store exactly as in the file; the engine parses it, quarantining what is not a
// record, so nothing here is unreadable.
import { readLines, readRecordLines, readStagedLines } from '../lines.js';
import type { TextSource } from '../text-source.js';
import { readJsonArray } from './json-array.js';
import { DEFAULT_RECORD_LIMITS, oversizedRecord, type RecordLimits } from './oversized.js';
import type { RecordReader } from './types.js';

export async function* readManagementNdjson(
  source: TextSource,
  limits: RecordLimits = DEFAULT_RECORD_LIMITS,
  /** Stage lines of at most this many bytes as bytes (`ReadBatch.staged`) instead of strings. */
  stageMax?: number,
): RecordReader {
  const utf8 = (await source.encoding()) === 'utf-8';
  if (utf8 && stageMax !== undefined) {
    for await (const chunk of readStagedLines(source, limits, stageMax)) {
      const { records, bytes, lines, count } = chunk;
      yield {
        records,
        problems: [],
        notices: [],
        ...(bytes && lines ? { staged: { bytes, lines, count } } : {}),
      };
    }
    return;
  }
  if (utf8) {
    for await (const records of readRecordLines(source, limits)) {
      yield { records, problems: [], notices: [] };
    }
    return;
  }
  for await (const batch of readLines(source)) {
    yield {
      records: batch.texts.map((text, i) => ({ text, line: batch.numbers[i]! })),
      problems: [],
      notices: [],
    };
  }
}

export async function* readManagementArray(
  source: TextSource,
  limits: RecordLimits = DEFAULT_RECORD_LIMITS,
): RecordReader {
  for await (const elements of readJsonArray(source, limits)) {
    yield {
      records: elements.map((e) =>
        e.oversize ? oversizedRecord(e.text, e.line, e.oversize, limits) : e,
      ),
      problems: [],
      notices: [],
    };
  }
}
