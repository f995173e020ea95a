// The analytic tables, named as Devo analysts know them, and their columns. This file is the one
// description of the schema: the stores create their tables from it, ingest extracts columns by it,
// and the LINQ checker resolves table and field names against it.
import { KNOWN_SUBTABLES, SUBTABLE_ALIASES } from '../records/subtable.js';
import { reportJsonKey, USAGE_REPORTS } from '../records/usage-reports.js';
import { col, derived } from './column-def.js';
import { LOOKUPS } from './lookup-family.js';
import { RESPOND_ACTIONS } from './respond-family.js';

export type ColumnType = 'string' | 'int' | 'float' | 'bool' | 'timestamp';

export interface ColumnDef {
  /** The column's name in LINQ and in SQL (case as Microsoft writes the field). */
  readonly name: string;
  readonly type: ColumnType;
  /**
   * Fields of the raw record tried in order; the first one present gives the value. A path may
   * reach into nested objects and arrays with dots (`status.errorCode`,
   * `targetResources.0.displayName`: numeric steps are 0-based array indexes; see `splitPath`).
   * Columns without paths are derived by the store (see `derived`).
   */
  readonly paths?: readonly string[];
  readonly derived?: DerivedColumn;
  readonly doc: string;
  /** Bookkeeping columns: not visible to LINQ, not in any output. */
  readonly internal?: boolean;
}

/**
 * Columns computed at ingest rather than read from one field:
 * - `seq`: the ingest sequence number (monotonic in commit order; alert rules consume ranges of it)
 * - `ingested`: when the row was committed (UTC)
 * - `tenant`: the collected tenant's id
 * - `contentType`: the feed the record came from (inferred for imports)
 * - `subtable`: the sub-table the record belongs to (lower-cased Workload)
 * - `eventdate`: the record's time in UTC (from `timePath`, tolerant of zones and fractions)
 * - `hostchain`: `collector-<id>-<host>`
 * - `client`: the tenant's label
 * - `message`: the raw record exactly as received
 * - `srcIp`: the client address with any port and IPv6 brackets removed
 */
export type DerivedColumn =
  | 'seq'
  | 'ingested'
  | 'tenant'
  | 'contentType'
  | 'subtable'
  | 'eventdate'
  | 'hostchain'
  | 'client'
  | 'message'
  | 'srcIp';

export interface TableFamily {
  /** Stable id of the family; also the physical table's name. */
  readonly id: string;
  /**
   * The LINQ table name of a family without sub-tables (e.g. `cloud.azure.ad.signin`). The
   * management family has its own naming: the parent table and one sub-table per Workload.
   */
  readonly table?: string;
  readonly description?: string;
  /** Record field that identifies a record: the deduplication key (top level). */
  readonly idPath: string;
  /** Record field with the event time (top level). */
  readonly timePath: string;
  /** Fields tried, in order, for the `srcIp` column (paths as in `ColumnDef.paths`). */
  readonly ipPaths: readonly string[];
  /** Rows are never dropped by the store's retention (lookup tables: their time is the load). */
  readonly keep?: boolean;
  /**
   * The `StreamKey.source` whose cursors fill this family: `status` counts a stream's records in
   * the families of its source, by tenant and `_content_type` (= the stream). None: not collected.
   */
  readonly source?: string;
  readonly columns: readonly ColumnDef[];
}

/** A record path split into its top-level field and the steps below it (keys, 0-based indexes). */
export function splitPath(path: string): { top: string; rest: Array<string | number> } {
  const [top = '', ...rest] = path.split('.');
  return { top, rest: rest.map((step) => (/^\d+$/.test(step) ? Number(step) : step)) };
}

/** Every record of the Office 365 Management Activity API (and of imports of it). */
export const MANAGEMENT: TableFamily = {
  id: 'management',
  source: 'management',
  idPath: 'Id',
  timePath: 'CreationTime',
  ipPaths: ['ClientIP', 'ClientIPAddress', 'ActorIpAddress'],
  columns: [
    derived('_seq', 'int', 'seq', 'Ingest sequence number.', true),
    derived('_ingested', 'timestamp', 'ingested', 'When the row was stored.', true),
    derived('_tenant', 'string', 'tenant', 'Tenant id the collector read.', true),
    derived('_content_type', 'string', 'contentType', 'Content type of the feed.', true),
    derived('_subtable', 'string', 'subtable', 'Sub-table: lower-cased Workload.', true),
    derived('eventdate', 'timestamp', 'eventdate', 'Event time in UTC, from CreationTime.'),
    derived('hostchain', 'string', 'hostchain', 'collector-<id>-<host>.'),
    derived('client', 'string', 'client', "The tenant's label (name in the config, or its id)."),
    col('Id', 'string', 'Unique record id (the deduplication key).'),
    col('RecordType', 'int', 'Record type (numeric enum).'),
    col('CreationTime', 'string', 'Event time as Microsoft wrote it (UTC, no zone).'),
    col('Operation', 'string', 'Activity name, or cmdlet name for admin records.'),
    col('OrganizationId', 'string', 'Tenant GUID.'),
    col('UserType', 'int', 'Kind of actor (0 regular, 2 admin, 4 system, 10 guest, …).'),
    col('UserKey', 'string', 'Alternate user id (PUID, claims, system name).'),
    col('Workload', 'string', 'The Microsoft 365 service.'),
    col('ResultStatus', 'string', 'Succeeded, Failed, True, False, …'),
    col('ObjectId', 'string', 'Object acted on: file URL, mailbox, resource app id.'),
    col('UserId', 'string', 'UPN of the actor (or a system account).'),
    col('ClientIP', 'string', 'Client address as sent (may hold a port).'),
    col('ActorIpAddress', 'string', 'Entra ID: address of the actor.'),
    col('ClientIPAddress', 'string', 'Exchange mailbox records: client address.'),
    derived('srcIp', 'string', 'srcIp', 'Client address without port or brackets.'),
    col('UserAgent', 'string', 'User agent (SharePoint, OneDrive).'),
    col('ApplicationId', 'string', 'Entra ID sign-ins: client application id.'),
    col('LogonError', 'string', 'Entra ID sign-ins: failure reason.'),
    col('ErrorNumber', 'string', 'Entra ID sign-ins: AADSTS error number.', [
      'ErrorNumber',
      'ErrorCode',
    ]),
    col('MailboxOwnerUPN', 'string', 'Exchange: owner of the mailbox acted on.'),
    col('LogonType', 'int', 'Exchange: 0 owner, 1 admin, 2 delegate, …'),
    col('ClientInfoString', 'string', 'Exchange: client description.'),
    col('ExternalAccess', 'bool', 'Exchange: action by Microsoft or a delegated admin.'),
    col('OrganizationName', 'string', 'Exchange: tenant name.'),
    col('SiteUrl', 'string', 'SharePoint/OneDrive: site URL.'),
    col('SourceRelativeUrl', 'string', 'SharePoint/OneDrive: folder of the file.'),
    col('SourceFileName', 'string', 'SharePoint/OneDrive: file name.'),
    col('SourceFileExtension', 'string', 'SharePoint/OneDrive: file extension.'),
    col('DestinationRelativeUrl', 'string', 'SharePoint/OneDrive: copy or move target folder.'),
    col('DestinationFileName', 'string', 'SharePoint/OneDrive: copy or move target name.'),
    col('TargetUserOrGroupName', 'string', 'Sharing: who the item was shared with.'),
    col('TargetUserOrGroupType', 'string', 'Sharing: Member, Guest, SharePointGroup, …'),
    col('ItemType', 'string', 'SharePoint/OneDrive: File, Folder, Site, …'),
    col('EventSource', 'string', 'SharePoint/OneDrive: SharePoint or ObjectModel.'),
    col('TeamName', 'string', 'Teams: team name.'),
    derived('message', 'string', 'message', 'The raw record, exactly as received (JSON text).'),
  ],
};

/**
 * Alert events, appended by the alert engine and by triage (never edited in place): an alert's
 * current state is its latest event (highest `_seq`). One row per raise, update, status change,
 * recovery and notification outcome; `message` holds the event as JSON (entities, evidence).
 */
export const ALERTS: TableFamily = {
  id: 'alerts',
  table: 'm365hunt.alerts',
  description:
    'Alert events (raised, updated, acknowledged, closed, reopened, recovered, notified, assigned, commented).',
  idPath: 'Id',
  timePath: 'CreationTime',
  ipPaths: ['Ip'],
  columns: [
    derived('_seq', 'int', 'seq', 'Ingest sequence number.', true),
    derived('_ingested', 'timestamp', 'ingested', 'When the row was stored.', true),
    derived('_tenant', 'string', 'tenant', 'Tenant id of the alert.', true),
    derived('_content_type', 'string', 'contentType', 'Always m365hunt.alerts.', true),
    derived('_subtable', 'string', 'subtable', 'Unused (no Workload).', true),
    derived('eventdate', 'timestamp', 'eventdate', 'When the event happened (UTC).'),
    derived('client', 'string', 'client', "The tenant's label."),
    col('Id', 'string', 'Unique event id.'),
    col('AlertId', 'string', 'The alert the event belongs to.'),
    col(
      'Event',
      'string',
      'raised, updated, acknowledged, closed, reopened, recovered, notified, notify_failed, assigned, commented (the classification of a close, the assignee and the comment are in message).',
    ),
    col('Status', 'string', "The alert's status after the event: new, acknowledged or closed."),
    col('Rule', 'string', 'Id of the rule that raised the alert.'),
    col('Pack', 'string', 'Pack of the rule.'),
    col('Title', 'string', 'Title of the rule.'),
    col('Severity', 'string', 'informational, low, medium, high or critical.'),
    col('UserId', 'string', 'The first user the alert names.'),
    derived('srcIp', 'string', 'srcIp', 'The first IP address the alert names.'),
    col('Actor', 'string', 'Who caused the event (an analyst, or m365hunt for the engine).'),
    col('Reason', 'string', 'Why (closing reason, notification error).'),
    col('Count', 'int', 'Matching events the alert covers so far.'),
    col('FirstSeen', 'string', 'Event time of the first matching event (ISO).'),
    col('LastSeen', 'string', 'Event time of the last matching event (ISO).'),
    derived('message', 'string', 'message', 'The event as JSON: entities, evidence, response.'),
  ],
};

/** The bookkeeping and common columns of the Microsoft Graph families (issue 8). */
function graphColumns(time: string, stream: string): ColumnDef[] {
  return [
    derived('_seq', 'int', 'seq', 'Ingest sequence number.', true),
    derived('_ingested', 'timestamp', 'ingested', 'When the row was stored.', true),
    derived('_tenant', 'string', 'tenant', 'Tenant id the collector read.', true),
    derived('_content_type', 'string', 'contentType', `The collector stream (${stream}).`, true),
    derived('_subtable', 'string', 'subtable', 'Unused (no Workload).', true),
    derived('eventdate', 'timestamp', 'eventdate', `Event time in UTC, from ${time}.`),
    derived('hostchain', 'string', 'hostchain', 'collector-<id>-<host>.'),
    derived('client', 'string', 'client', "The tenant's label (name in the config, or its id)."),
  ];
}

/** Entra ID sign-ins from Graph `/auditLogs/signIns` (interactive user sign-ins, v1.0). */
export const SIGNIN: TableFamily = {
  id: 'azure_ad_signin',
  table: 'cloud.azure.ad.signin',
  description: 'Entra ID sign-ins (Graph /auditLogs/signIns): app, client, location, status, risk.',
  source: 'entra',
  idPath: 'id',
  timePath: 'createdDateTime',
  ipPaths: ['ipAddress'],
  columns: [
    ...graphColumns('createdDateTime', 'signIns'),
    col('id', 'string', 'Sign-in id (the request id; the deduplication key).'),
    col('createdDateTime', 'string', 'When the sign-in happened (ISO 8601, UTC).'),
    col('userPrincipalName', 'string', 'UPN of the user.'),
    col('userDisplayName', 'string', "The user's display name."),
    col('userId', 'string', "The user's object id."),
    col('appId', 'string', 'Client application id.'),
    col('appDisplayName', 'string', 'Client application name (the app the user signed in to).'),
    col('resourceId', 'string', 'Resource (API) id signed in to.'),
    col('resourceDisplayName', 'string', 'Resource (API) name.'),
    col('ipAddress', 'string', 'Client address.'),
    derived('srcIp', 'string', 'srcIp', 'Client address (ipAddress) without port or brackets.'),
    col('clientAppUsed', 'string', 'Browser, Mobile Apps and Desktop clients, IMAP4, …'),
    col('correlationId', 'string', 'Correlation id (InterSystemsId of the audit record).'),
    col('conditionalAccessStatus', 'string', 'success, failure or notApplied.'),
    col('isInteractive', 'bool', 'Whether the user took part (interactive sign-in).'),
    col('errorCode', 'int', 'status.errorCode: 0 = success, else the AADSTS number.', [
      'status.errorCode',
    ]),
    col('failureReason', 'string', 'status.failureReason.', ['status.failureReason']),
    col('deviceId', 'string', 'deviceDetail.deviceId (empty when unregistered).', [
      'deviceDetail.deviceId',
    ]),
    col('deviceName', 'string', 'deviceDetail.displayName.', ['deviceDetail.displayName']),
    col('operatingSystem', 'string', 'deviceDetail.operatingSystem.', [
      'deviceDetail.operatingSystem',
    ]),
    col('browser', 'string', 'deviceDetail.browser.', ['deviceDetail.browser']),
    col('isCompliant', 'bool', 'deviceDetail.isCompliant.', ['deviceDetail.isCompliant']),
    col('isManaged', 'bool', 'deviceDetail.isManaged.', ['deviceDetail.isManaged']),
    col('city', 'string', "location.city (Microsoft's geolocation).", ['location.city']),
    col('state', 'string', 'location.state.', ['location.state']),
    col('countryOrRegion', 'string', "location.countryOrRegion: Microsoft's two-letter code.", [
      'location.countryOrRegion',
    ]),
    col('latitude', 'float', 'location.geoCoordinates.latitude.', [
      'location.geoCoordinates.latitude',
    ]),
    col('longitude', 'float', 'location.geoCoordinates.longitude.', [
      'location.geoCoordinates.longitude',
    ]),
    col('riskDetail', 'string', 'Risk detail (hidden without Entra ID P2).'),
    col('riskLevelAggregated', 'string', 'none, low, medium, high or hidden.'),
    col('riskLevelDuringSignIn', 'string', 'none, low, medium, high or hidden.'),
    col('riskState', 'string', 'none, confirmedSafe, remediated, atRisk, …'),
    derived('message', 'string', 'message', 'The raw sign-in, exactly as received (JSON text).'),
  ],
};

/** Entra ID directory audits from Graph `/auditLogs/directoryAudits`. */
export const DIRECTORY_AUDIT: TableFamily = {
  id: 'azure_ad_audit',
  table: 'cloud.azure.ad.audit',
  description: 'Entra ID directory audits (Graph /auditLogs/directoryAudits).',
  source: 'entra',
  idPath: 'id',
  timePath: 'activityDateTime',
  ipPaths: ['initiatedBy.user.ipAddress'],
  columns: [
    ...graphColumns('activityDateTime', 'directoryAudits'),
    col('id', 'string', 'Audit id (the deduplication key).'),
    col('activityDateTime', 'string', 'When it happened (ISO 8601, UTC).'),
    col('activityDisplayName', 'string', 'What happened: Add member to group, Update user, …'),
    col('category', 'string', 'UserManagement, GroupManagement, RoleManagement, …'),
    col('correlationId', 'string', 'Correlation id.'),
    col('result', 'string', 'success, failure, timeout.'),
    col('resultReason', 'string', 'Why it failed.'),
    col('loggedByService', 'string', 'Core Directory, Self-service Group Management, …'),
    col('operationType', 'string', 'Add, Update, Delete, Assign, …'),
    col('initiatedByUser', 'string', 'initiatedBy.user.userPrincipalName.', [
      'initiatedBy.user.userPrincipalName',
    ]),
    col('initiatedByUserId', 'string', 'initiatedBy.user.id.', ['initiatedBy.user.id']),
    col('initiatedByApp', 'string', 'initiatedBy.app.displayName.', [
      'initiatedBy.app.displayName',
    ]),
    col('initiatedByAppId', 'string', 'initiatedBy.app.appId.', ['initiatedBy.app.appId']),
    col('ipAddress', 'string', 'initiatedBy.user.ipAddress.', ['initiatedBy.user.ipAddress']),
    derived('srcIp', 'string', 'srcIp', 'The initiating address without port or brackets.'),
    col('targetDisplayName', 'string', 'targetResources[0].displayName.', [
      'targetResources.0.displayName',
    ]),
    col('targetUserPrincipalName', 'string', 'targetResources[0].userPrincipalName.', [
      'targetResources.0.userPrincipalName',
    ]),
    col('targetType', 'string', 'targetResources[0].type: User, Group, Application, …', [
      'targetResources.0.type',
    ]),
    col('targetId', 'string', 'targetResources[0].id.', ['targetResources.0.id']),
    derived('message', 'string', 'message', 'The raw audit, exactly as received (JSON text).'),
  ],
};

/** Exchange Online message trace from Graph `/admin/exchange/tracing/messageTraces`. */
export const MESSAGE_TRACE: TableFamily = {
  id: 'messagetracing',
  table: 'cloud.office365.messagetracing',
  description: 'Exchange Online message trace (Graph): one row per message and recipient.',
  source: 'message_trace',
  idPath: 'id',
  timePath: 'receivedDateTime',
  ipPaths: ['fromIP'],
  columns: [
    ...graphColumns('receivedDateTime', 'messageTraces'),
    col('id', 'string', 'Trace id (the deduplication key).'),
    col('messageId', 'string', 'Internet message id (InternetMessageId of the Send audit).'),
    col('receivedDateTime', 'string', 'When Exchange received the message (ISO 8601, UTC).'),
    col('senderAddress', 'string', 'Sender.'),
    col('recipientAddress', 'string', 'Recipient (one row per recipient).'),
    col('subject', 'string', 'Subject.'),
    col('size', 'int', 'Size in bytes (attachments included).'),
    col('status', 'string', 'Delivered, Failed, Pending, Expanded, Quarantined, FilteredAsSpam, …'),
    col('fromIP', 'string', 'Address the message came from.'),
    col('toIP', 'string', 'Address it was delivered to (outbound mail).'),
    derived('srcIp', 'string', 'srcIp', 'fromIP without port or brackets.'),
    derived('message', 'string', 'message', 'The raw trace entry, exactly as received.'),
  ],
};

export const REPORTING_TABLE = 'cloud.office365.reporting';

/** One family per usage report (each has its own columns): `cloud.office365.reporting.<name>`. */
export const REPORT_FAMILIES: readonly TableFamily[] = USAGE_REPORTS.map((r): TableFamily => ({
  id: `reporting_${r.table}`,
  table: `${REPORTING_TABLE}.${r.table}`,
  description: `Usage report ${r.fn}: ${r.description} One row per ${r.key} and refresh.`,
  source: 'reports',
  idPath: 'id',
  timePath: 'reportRefreshDate',
  ipPaths: [],
  columns: [
    ...graphColumns('Report Refresh Date (00:00 UTC)', r.fn),
    col('id', 'string', 'Row id: a hash of report, refresh date, period and key (dedup).'),
    col('reportName', 'string', 'The Graph function the row came from.'),
    ...r.columns.map((c) => col(reportJsonKey(c.header), c.type, `${c.header}: ${c.doc}`)),
    derived('message', 'string', 'message', 'The CSV row as a JSON record.'),
  ],
}));

export const GRAPH_FAMILIES: readonly TableFamily[] = [
  SIGNIN,
  DIRECTORY_AUDIT,
  MESSAGE_TRACE,
  ...REPORT_FAMILIES,
];

export const FAMILIES: readonly TableFamily[] = [
  MANAGEMENT,
  ALERTS,
  ...GRAPH_FAMILIES,
  RESPOND_ACTIONS,
  LOOKUPS,
];

/** A table as LINQ names it: a family, and the rows of it that belong to the table. */
export interface LogicalTable {
  readonly name: string;
  readonly family: TableFamily;
  /** Rows belong to the table when this internal column equals this value; none = all rows. */
  readonly filter?: { readonly column: string; readonly value: string };
  readonly description: string;
}

export const MANAGEMENT_TABLE = 'cloud.office365.management';
export const OFFICE365_TABLE = 'cloud.office365';

/**
 * `cloud.office365.management.dlp` is not a Workload: DLP matches carry the Workload of the service
 * they happened in (Exchange, OneDrive, …) and land in that sub-table. This virtual sub-table shows
 * every record of the DLP.All feed, whatever its Workload.
 */
const DLP_SUBTABLE = 'dlp';

export interface Catalog {
  /** Resolves a table name (sub-tables, aliases, the `.*` wildcard); undefined when unknown. */
  resolve(name: string): LogicalTable | undefined;
  /** Every table name, for completion and "did you mean" suggestions. */
  names(): string[];
  /** Visible (non-internal) columns of a family. */
  columns(family: TableFamily): readonly ColumnDef[];
}

/**
 * The catalog of the tables above. `subtables` adds sub-tables found in the data (Microsoft adds
 * workloads continuously; any lower-cased Workload is a sub-table).
 */
export function createCatalog(subtables: Iterable<string> = []): Catalog {
  const known = new Set<string>([...KNOWN_SUBTABLES, ...subtables]);
  const tables = new Map<string, LogicalTable>();
  tables.set(MANAGEMENT_TABLE, {
    name: MANAGEMENT_TABLE,
    family: MANAGEMENT,
    description: 'Every record of the Management Activity API.',
  });
  // Devo's library reads Office 365 audit records from `cloud.office365` (with `rawMessage`):
  // Devo's parent table of the cloud.office365.* tables; here, the management records.
  tables.set(OFFICE365_TABLE, {
    name: OFFICE365_TABLE,
    family: MANAGEMENT,
    description: 'Every record of the Management Activity API (Devo’s parent table name).',
  });
  tables.set(`${MANAGEMENT_TABLE}.*`, {
    name: `${MANAGEMENT_TABLE}.*`,
    family: MANAGEMENT,
    description: 'All sub-tables (the same rows as the parent table).',
  });
  for (const sub of known) {
    tables.set(`${MANAGEMENT_TABLE}.${sub}`, {
      name: `${MANAGEMENT_TABLE}.${sub}`,
      family: MANAGEMENT,
      filter: { column: '_subtable', value: sub },
      description: `Records whose Workload is ${sub}.`,
    });
  }
  tables.set(`${MANAGEMENT_TABLE}.${DLP_SUBTABLE}`, {
    name: `${MANAGEMENT_TABLE}.${DLP_SUBTABLE}`,
    family: MANAGEMENT,
    filter: { column: '_content_type', value: 'DLP.All' },
    description: 'Every record of the DLP.All feed, whatever its Workload.',
  });
  for (const family of FAMILIES) {
    if (family.table) {
      tables.set(family.table, {
        name: family.table,
        family,
        description: family.description ?? family.table,
      });
    }
  }
  const visible = new Map<TableFamily, readonly ColumnDef[]>();
  return {
    resolve(name) {
      const direct = tables.get(name);
      if (direct) return direct;
      const prefix = `${MANAGEMENT_TABLE}.`;
      if (name.startsWith(prefix)) {
        const alias = SUBTABLE_ALIASES[name.slice(prefix.length)];
        if (alias) return tables.get(prefix + alias);
      }
      return undefined;
    },
    names: () => [...tables.keys()].sort(),
    columns(family) {
      let cols = visible.get(family);
      if (!cols) {
        cols = family.columns.filter((c) => !c.internal);
        visible.set(family, cols);
      }
      return cols;
    },
  };
}
