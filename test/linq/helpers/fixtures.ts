// The seed fixtures: raw Management Activity API records as two collectors delivered them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MANAGEMENT } from '../../../src/store/schema.js';
import { ndjsonLines, rowsOf, type Row } from './rows.js';

export const FIXTURE_DIR = fileURLToPath(new URL('../../fixtures/linq/', import.meta.url));

/** Each file with the hostchain of the collector that read it (ingested in this order). */
export const SEED_FILES = [
  { file: `${FIXTURE_DIR}seed-collector-12345.ndjson`, hostchain: 'collector-12345-hunt01' },
  { file: `${FIXTURE_DIR}seed-collector-67890.ndjson`, hostchain: 'collector-67890-hunt02' },
] as const;

/** The range the seed tests query: 2026-03-01 to 2026-03-03 (UTC). */
export const SEED_RANGE = {
  from: new Date('2026-03-01T00:00:00Z'),
  to: new Date('2026-03-03T00:00:00Z'),
  now: new Date('2026-03-03T00:00:00Z'),
};

/** Rows of the management table for the seed fixtures, deduplicated by Id across files. */
export function seedRows(): Row[] {
  const seen = new Set<string>();
  const rows: Row[] = [];
  let seq = 1;
  for (const { file, hostchain } of SEED_FILES) {
    const lines = ndjsonLines(readFileSync(file, 'utf8')).filter((l) => {
      const id = (JSON.parse(l) as { Id: string }).Id;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    const part = rowsOf(MANAGEMENT, lines, { hostchain, client: 'contoso' }, seq);
    seq += part.length;
    rows.push(...part);
  }
  return rows;
}

/** Rows sorted in a stable order, for order-insensitive comparisons. */
export function sorted<T>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => {
    const x = JSON.stringify(a);
    const y = JSON.stringify(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
