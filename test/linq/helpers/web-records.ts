// Real Microsoft 365 records for the IPv6-network, URL and user-agent tests (web-functions*.test.ts):
// the Management Activity API examples of Microsoft Learn and Panther's rule tests
// (test/fixtures/real/management), and the Sentinel export of Microsoft's training tenant
// (test/fixtures/real/sentinel), with what a test expects computed from the records themselves.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ndjsonLines } from './rows.js';

const REAL = fileURLToPath(new URL('../../fixtures/real/', import.meta.url));
const parses = (l: string): boolean => {
  try {
    JSON.parse(l);
    return true;
  } catch {
    return false;
  }
};
/** The lines of a file that are JSON (Microsoft publishes one AipFileDeleted example that is not). */
const lines = (file: string): string[] =>
  ndjsonLines(readFileSync(REAL + file, 'utf8')).filter(parses);

/** Microsoft's own examples and Panther's test logs, as the API writes them. */
const MANAGEMENT_LINES = [
  'management/microsoft-learn-activity-api-reference.ndjson',
  'management/microsoft-learn-copilot.ndjson',
  'management/microsoft-learn-omeportal.ndjson',
  'management/microsoft-learn-aip.ndjson',
  'management/panther-m365-rule-tests.ndjson',
].flatMap(lines);

/**
 * The Sentinel export (OfficeActivity) of Microsoft's demo tenant, given the API's names for the
 * fields this test reads: OfficeId is the record's Id, OfficeObjectId its ObjectId.
 */
const SENTINEL_LINES = lines('sentinel/sentinel-training-lab-office-activity.ndjson').map((l) => {
  const r = JSON.parse(l) as Record<string, unknown>;
  return JSON.stringify({
    Id: r.OfficeId,
    CreationTime: String(r._TimeGenerated_iso).replace(/Z$/, ''),
    Operation: r.Operation,
    Workload: r.OfficeWorkload,
    UserId: r.UserId,
    ClientIP: r.ClientIP,
    ObjectId: r.OfficeObjectId,
    UserAgent: r.UserAgent,
  });
});

/** The records a table holds: one per Id (the first), those with an Id and a time. */
export const LINES = [...MANAGEMENT_LINES, ...SENTINEL_LINES].filter((l, i, all) => {
  const r = JSON.parse(l) as Record<string, unknown>;
  if (typeof r.Id !== 'string' || typeof r.CreationTime !== 'string') return false;
  return all.findIndex((o) => (JSON.parse(o) as Record<string, unknown>).Id === r.Id) === i;
});
export const records = LINES.map((l) => JSON.parse(l) as Record<string, unknown>);
export const idWhere = (test: (r: Record<string, unknown>) => boolean): string[] =>
  records
    .filter(test)
    .map((r) => String(r.Id))
    .sort();
