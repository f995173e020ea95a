// The sharing a user created in a period, from the audit records in the store
// (docs/microsoft-apis.md, "SharePoint and OneDrive"): links (Anyone, organisation, specific
// people) and grants (to members, guests, invited outsiders). Queried with LINQ like any hunt, so
// it works on every store kind; each record is then grouped by the item it names, to be resolved
// through Graph (resolve.ts).
import { compileLinq } from '../../linq/index.js';
import { createCatalog, MANAGEMENT_TABLE } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import type { RecordRef } from '../model.js';

/** Operations that create or widen sharing. */
export const SHARING_OPERATIONS = [
  'AnonymousLinkCreated',
  'AnonymousLinkUpdated',
  'CompanyLinkCreated',
  'SecureLinkCreated',
  'SecureLinkUpdated',
  'AddedToSecureLink',
  'SharedLinkCreated',
  'SharingSet',
  'SharingInvitationCreated',
] as const;

export interface SharingRecord {
  readonly id: string;
  readonly time: string;
  readonly operation: string;
  readonly workload: string;
  readonly siteUrl: string | null;
  readonly relativeUrl: string | null;
  readonly fileName: string | null;
  readonly objectId: string | null;
  readonly itemType: string | null;
  readonly target: { readonly name: string; readonly type: string } | null;
  readonly eventData: string | null;
}

/** A LINQ string literal. */
function literal(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

export function parseSharingRecord(record: Record<string, unknown>): SharingRecord {
  const targetName = str(record.TargetUserOrGroupName) ?? str(record.UserSharedWith);
  return {
    id: String(record.Id ?? ''),
    time: String(record.CreationTime ?? ''),
    operation: String(record.Operation ?? ''),
    workload: String(record.Workload ?? ''),
    siteUrl: str(record.SiteUrl),
    relativeUrl: str(record.SourceRelativeUrl),
    fileName: str(record.SourceFileName),
    objectId: str(record.ObjectId),
    itemType: str(record.ItemType),
    target: targetName
      ? { name: targetName, type: str(record.TargetUserOrGroupType) ?? 'Unknown' }
      : null,
    eventData: str(record.EventData),
  };
}

/** The user's sharing records in [from, to), oldest first. */
export async function findSharing(
  store: Store,
  upn: string,
  from: Date,
  to: Date,
): Promise<SharingRecord[]> {
  const ops = SHARING_OPERATIONS.map(literal).join(', ');
  const text = `from ${MANAGEMENT_TABLE} where lower(UserId) = ${literal(upn.toLowerCase())}, Operation in {${ops}} select message as m`;
  const compiled = compileLinq(text, {
    dialect: store.dialect,
    catalog: createCatalog(),
    from,
    to,
    tableColumns: false,
  });
  const rows = await store.queryAll({ sql: compiled.sql, params: compiled.params });
  const column = compiled.columns.find((c) => c.name === 'm')?.sqlName ?? 'm';
  const records: SharingRecord[] = [];
  for (const row of rows) {
    try {
      const parsed = JSON.parse(String(row[column])) as unknown;
      if (parsed && typeof parsed === 'object')
        records.push(parseSharingRecord(parsed as Record<string, unknown>));
    } catch {
      // A record that is not JSON cannot name an item; the store keeps such records aside anyway.
    }
  }
  return records.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}

export function recordRef(r: SharingRecord): RecordRef {
  return {
    id: r.id,
    time: r.time,
    operation: r.operation,
    ...(r.target ? { target: r.target.name } : {}),
  };
}

/**
 * The item a record names, as a full URL. `ObjectId` is that URL in Microsoft's records (and
 * Sentinel's `OfficeObjectId`), so it comes first. Otherwise the URL is rebuilt from `SiteUrl`
 * and `SourceRelativeUrl`, which comes in two forms: sharing records (RecordType 14) give the
 * item's own path (`Documents/Q1.xlsx`), file records its folder (`Documents`), to which
 * `SourceFileName` is added. See docs/real-records.md.
 */
export function itemUrl(r: SharingRecord): string | null {
  if (r.objectId && /^https?:\/\/[^/]+\/./i.test(r.objectId)) return r.objectId;
  if (r.siteUrl && r.relativeUrl !== null) {
    const site = r.siteUrl.replace(/\/+$/, '');
    const relative = r.relativeUrl.replace(/^\/+|\/+$/g, '');
    const named =
      !r.fileName ||
      relative.toLowerCase() === r.fileName.toLowerCase() ||
      relative.toLowerCase().endsWith(`/${r.fileName.toLowerCase()}`);
    const path = named ? relative : relative ? `${relative}/${r.fileName}` : r.fileName;
    return path ? `${site}/${path}` : null;
  }
  return r.objectId;
}

/** Records grouped by the item they name (case-insensitive URL), in first-seen order. */
export function groupByItem(records: readonly SharingRecord[]): Map<string, SharingRecord[]> {
  const groups = new Map<string, SharingRecord[]>();
  for (const r of records) {
    const url = itemUrl(r);
    const key = url ? safeDecode(url).toLowerCase() : `record:${r.id}`;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  return groups;
}

export function safeDecode(text: string): string {
  try {
    return decodeURI(text);
  } catch {
    return text;
  }
}
