// The reader for each detected format.
import type { ImportFormat } from '../formats.js';
import type { TextSource } from '../text-source.js';
import { readManagementArray, readManagementNdjson } from './management.js';
import { readPurviewCsv } from './purview.js';
import { readSentinelArray, readSentinelCsv, readSentinelNdjson } from './sentinel.js';
import { DEFAULT_RECORD_LIMITS, type RecordLimits } from './oversized.js';
import type { RecordReader } from './types.js';

export function readerFor(
  format: ImportFormat,
  source: TextSource,
  limits: RecordLimits = DEFAULT_RECORD_LIMITS,
  /** Stage NDJSON lines of at most this many bytes as bytes, for a store that reads files. */
  stageMax?: number,
): RecordReader {
  switch (format.schema) {
    case 'management':
      return format.container === 'json-array'
        ? readManagementArray(source, limits)
        : readManagementNdjson(source, limits, stageMax);
    case 'purview':
      return readPurviewCsv(source);
    case 'sentinel':
      if (format.container === 'csv') return readSentinelCsv(source);
      return format.container === 'json-array'
        ? readSentinelArray(source)
        : readSentinelNdjson(source);
  }
}
