// How a row of Sentinel's OfficeActivity table maps back to a Management Activity API record: the
// one table of this conversion. Sentinel renames some fields (OfficeId for Id, underscores where a
// name collides with one of its own), shows enums by name, keeps nested values as JSON text,
// adds columns of its own and duplicates a few. Columns not listed keep their name and value
// (JSON text that parses becomes a structure again), so fields Microsoft adds later pass through.
import {
  AAD_EVENT_TYPES,
  ADDON_TYPES,
  LOGON_TYPES,
  RECORD_TYPES,
  SCOPES,
  USER_TYPES,
  type EnumTable,
} from './enums.js';

export type Conversion =
  /** Kept as it is. */
  | 'text'
  /** JSON text parsed back into the structure the API sends (kept as text when it is not JSON). */
  | 'json'
  /** `TRUE`, `True`, `true` → true (and false). */
  | 'bool'
  /** A number written as text → the number. */
  | 'int'
  /** A time → `YYYY-MM-DDTHH:MM:SS` UTC. */
  | 'time'
  /** `TRUE` → `True`: Exchange admin records carry ResultStatus as the text True/False. */
  | 'bool-text'
  /** A name of the enum (or a number written as text) → its number. */
  | { readonly enumName: string; readonly values: EnumTable };

export interface ColumnRule {
  /** The API's name for the field (default: the column's name). */
  readonly field?: string;
  readonly convert?: Conversion;
  /** The column is Sentinel's own, not an API field: why it is dropped. */
  readonly drop?: string;
  /** Sentinel fills this column with a copy of another one: dropped when equal to that column. */
  readonly copyOf?: string;
}

const enumOf = (enumName: string, values: EnumTable): Conversion => ({ enumName, values });

/**
 * Columns by name. Names are as Sentinel exports them with a ` [UTC]` suffix removed (the CSV
 * export marks time columns so; the value is converted as a time).
 */
export const SENTINEL_COLUMNS: Readonly<Record<string, ColumnRule>> = {
  // Renamed by Sentinel.
  OfficeId: { field: 'Id' },
  OfficeWorkload: { field: 'Workload' },
  OfficeObjectId: { field: 'ObjectId' },
  Site_: { field: 'Site' },
  Site_Url: { field: 'SiteUrl' },
  Client_IPAddress: { field: 'ClientIPAddress' },
  Logon_Type: { field: 'LogonType', convert: enumOf('LogonType', LOGON_TYPES) },
  Event_Data: { field: 'EventData' },
  Source_Name: { field: 'SourceName' },
  AzureActiveDirectory_EventType: {
    field: 'AzureActiveDirectoryEventType',
    convert: enumOf('AzureActiveDirectoryEventType', AAD_EVENT_TYPES),
  },
  AADTarget: { field: 'Target', convert: 'json' },
  // Sentinel fills Start_Time with the same ingestion time as ElevationTime on every row; when it
  // differs it is the StartTime of a Security & Compliance cmdlet record.
  Start_Time: { field: 'StartTime', convert: 'time', copyOf: 'ElevationTime' },

  // Enums shown by name.
  RecordType: { convert: enumOf('RecordType', RECORD_TYPES) },
  UserType: { convert: enumOf('UserType', USER_TYPES) },
  Scope: { convert: enumOf('Scope', SCOPES) },
  AddOnType: { convert: enumOf('AddOnType', ADDON_TYPES) },

  // Numbers and booleans exported as text.
  InternalLogonType: { convert: 'int' },
  DataCenterSecurityEventType: { convert: 'int' },
  ElevationDuration: { convert: 'int' },
  OperationCount: { convert: 'int' },
  Version: { convert: 'int' },
  ExternalAccess: { convert: 'bool' },
  CrossMailboxOperations: { convert: 'bool' },
  IsWorkflow: { convert: 'bool' },
  SaveToSentItems: { convert: 'bool' },
  ResultStatus: { convert: 'bool-text' },
  ElevationApprovedTime: { convert: 'time' },

  // Nested values kept as JSON text.
  Parameters: { convert: 'json' },
  Folders: { convert: 'json' },
  Folder: { convert: 'json' },
  DestFolder: { convert: 'json' },
  AffectedItems: { convert: 'json' },
  Item: { convert: 'json' },
  ModifiedProperties: { convert: 'json' },
  ExtendedProperties: { convert: 'json' },
  Actor: { convert: 'json' },
  Members: { convert: 'json' },
  ExtraProperties: { convert: 'json' },
  OperationProperties: { convert: 'json' },
  AppAccessContext: { convert: 'json' },
  DeviceProperties: { convert: 'json' },

  // Sentinel's own columns.
  TenantId: { drop: 'the Log Analytics workspace id, not the Microsoft 365 tenant' },
  Type: { drop: 'the Log Analytics table name (OfficeActivity)' },
  SourceSystem: { drop: "Log Analytics' connector name (OfficeActivityManager)" },
  SourceRecordId: { drop: "Sentinel's copy of the record id (OfficeId)" },
  OfficeTenantId: { drop: "a placeholder of Sentinel's connector ($RestApiTenantId$)" },
  ElevationTime: { drop: 'filled by Sentinel at ingestion on every row, not an API field' },
  ResultReasonType: { copyOf: 'ResultStatus' },
  MG: { drop: 'Log Analytics management group' },
  ManagementGroupName: { drop: 'Log Analytics management group' },
  Computer: { drop: 'Log Analytics agent computer' },
};

/** The columns Sentinel's time of the event may come in, in order of preference. */
export const CREATION_TIME_COLUMNS: readonly string[] = [
  'TimeGenerated',
  // Added by the conversion of the shared samples from CSV to NDJSON (ISO form of the above).
  '_TimeGenerated_iso',
];

/** Fields first, in the order the API writes them; the others follow in the row's order. */
export const COMMON_FIELD_ORDER: readonly string[] = [
  'CreationTime',
  'Id',
  'Operation',
  'OrganizationId',
  'RecordType',
  'ResultStatus',
  'UserKey',
  'UserType',
  'Version',
  'Workload',
  'ClientIP',
  'ObjectId',
  'UserId',
];

/** Columns whose names start so are Log Analytics' system columns (and the samples' additions). */
export const SYSTEM_COLUMN_PREFIX = '_';

/** The suffix the portal's CSV export gives time columns. */
export const UTC_SUFFIX = ' [UTC]';
