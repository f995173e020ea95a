// The reader for each detected format.
import type { ImportFormat } from '../formats.js';
import type { TextSource } from '../text-source.js';
import { readManagementArray, readManagementNdjson } from './management.js';
import { readPurviewCsv } from './purview.js';
import { readSentinelArray, readSentinelCsv, readSentinelNdjson } from './sentinel.js';
import type { RecordReader } from './types.js';

export function readerFor(format: ImportFormat, source: TextSource): RecordReader {
  switch (format.schema) {
    case 'management':
      return format.container === 'json-array'
        ? readManagementArray(source)
        : readManagementNdjson(source);
    case 'purview':
      return readPurviewCsv(source);
    case 'sentinel':
      if (format.container === 'csv') return readSentinelCsv(source);
      return format.container === 'json-array'
        ? readSentinelArray(source)
        : readSentinelNdjson(source);
  }
}
