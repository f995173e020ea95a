// Devo's Office 365 detections (test/fixtures/devo/README.md): the library's text, verbatim, and
// the records and lookups that make each one fire.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseLookupCsv } from '../../../src/lookups/csv.js';
import { saveLookupVersion } from '../../../src/store/lookups.js';
import type { Store } from '../../../src/store/store.js';
import { ingestNdjsonFile } from '../../helpers/stores.js';
import { ndjsonLines } from './rows.js';

export const DEVO_DIR = fileURLToPath(new URL('../../fixtures/devo/', import.meta.url));

export interface Detection {
  readonly name: string;
  readonly text: string;
}

/** The detections of o365-library.linq: `## Name` then the query, verbatim. */
export function devoDetections(): Detection[] {
  const text = readFileSync(`${DEVO_DIR}o365-library.linq`, 'utf8');
  return text
    .split(/^## /m)
    .filter((s) => s.trim() !== '')
    .map((s) => {
      const nl = s.indexOf('\n');
      return { name: s.slice(0, nl).trim(), text: s.slice(nl + 1).replace(/\n+$/, '') };
    });
}

export const DEVO_LOOKUPS = [
  'SecOpsAssetRole',
  'SecOpsAlertDescription',
  'mispIndicator',
  'SecOpsLocation',
  'CollectiveDefense',
] as const;

/** The range the detections run over: the day of the fixtures. */
export const DEVO_RANGE = {
  from: new Date('2026-03-02T00:00:00Z'),
  to: new Date('2026-03-03T00:00:00Z'),
  now: new Date('2026-03-03T00:00:00Z'),
};

/** Loads the records and the lookups (as loaded the day before the records) into a store. */
export async function loadDevoFixtures(store: Store): Promise<void> {
  await ingestNdjsonFile(store, `${DEVO_DIR}o365-library.ndjson`, {
    hostchain: 'collector-12345-hunt01',
    client: 'contoso',
  });
  await store.ingest({
    sets: [
      {
        family: 'messagetracing',
        tenant: '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
        client: 'contoso',
        hostchain: 'collector-12345-hunt01',
        contentType: 'messageTraces',
        origin: 'messagetrace.ndjson',
        records: ndjsonLines(readFileSync(`${DEVO_DIR}messagetrace.ndjson`, 'utf8')),
      },
    ],
  });
  for (const name of DEVO_LOOKUPS) {
    const parsed = parseLookupCsv(readFileSync(`${DEVO_DIR}${name}.csv`, 'utf8'));
    await saveLookupVersion(store, {
      name,
      ...parsed,
      by: 'test',
      source: `${name}.csv`,
      at: new Date('2026-03-01T00:00:00Z'),
    });
  }
}
