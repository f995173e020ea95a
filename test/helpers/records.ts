// A small Management Activity record for the import tests: a SharePoint FileAccessed of the
import type { Store } from '../../src/store/store.js';
// tenant below, the shape of the real records in test/fixtures/real/management (fields trimmed).
export const TEST_TENANT = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';

/** One record as an NDJSON line; `extra` adds or replaces fields. */
export function fileAccessedLine(id: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    CreationTime: '2026-03-02T09:14:05',
    Id: id,
    Operation: 'FileAccessed',
    OrganizationId: TEST_TENANT,
    RecordType: 6,
    UserId: 'a@contoso.com',
    Workload: 'SharePoint',
    ...extra,
  });
}

/** Stores Entra ID sign-ins (Graph's signIn shape, test/fixtures/real/graph) as one set. */
export async function ingestSignIns(
  store: Pick<Store, 'ingest'>,
  records: ReadonlyArray<Record<string, unknown>>,
): Promise<void> {
  await store.ingest({
    sets: [
      {
        family: 'azure_ad_signin',
        tenant: 't',
        client: 'contoso',
        hostchain: 'collector-1-h',
        contentType: 'signIns',
        origin: 'test',
        records: records.map((r) => JSON.stringify(r)),
      },
    ],
  });
}
