// The Microsoft 365 usage reports m365hunt collects (docs/microsoft-apis.md, "Usage reports"): the
// Graph function, the table it lands in, its CSV columns and the column that identifies a row.
// Shared by the collector, the store's schema and the simulator, so that the three cannot disagree.
// Reports are CSV; each row becomes a JSON record whose keys are the CSV headers in camelCase
// (`Send Count` → `sendCount`, `Storage Used (Byte)` → `storageUsedByte`), as Graph's JSON
// format names them, plus `id` (stable across downloads: see the collector) and `reportName`.

export interface UsageReportColumn {
  /** The CSV header, exactly as Microsoft writes it. */
  readonly header: string;
  readonly type: 'string' | 'int' | 'bool';
  readonly doc: string;
}

export interface UsageReportDef {
  /** The Graph function, e.g. `getEmailActivityUserDetail`. */
  readonly fn: string;
  /** The table suffix: `cloud.office365.reporting.<table>`. */
  readonly table: string;
  readonly workload: 'Exchange' | 'OneDrive' | 'SharePoint' | 'Teams';
  readonly description: string;
  /** The header of the column that identifies a row within one refresh (the user, the site). */
  readonly key: string;
  readonly columns: readonly UsageReportColumn[];
}

const c = (header: string, type: UsageReportColumn['type'], doc: string): UsageReportColumn => ({
  header,
  type,
  doc,
});

const REFRESH = c('Report Refresh Date', 'string', 'The day the report was computed (YYYY-MM-DD).');
const UPN = c(
  'User Principal Name',
  'string',
  'The user (a hash when the tenant conceals names: /admin/reportSettings).',
);
const DELETED = c('Is Deleted', 'bool', 'Whether the user is deleted.');
const DELETED_DATE = c('Deleted Date', 'string', 'When the user was deleted.');
const LAST = c('Last Activity Date', 'string', 'Last day with activity (YYYY-MM-DD).');
const PRODUCTS = c('Assigned Products', 'string', 'Licences, separated by +.');
const PERIOD = c('Report Period', 'int', 'Days the counts cover (7, 30, 90, 180).');

export const USAGE_REPORTS: readonly UsageReportDef[] = [
  {
    fn: 'getEmailActivityUserDetail',
    table: 'emailactivity',
    workload: 'Exchange',
    description: 'Mail sent, received and read per user over the report period.',
    key: 'User Principal Name',
    columns: [
      REFRESH,
      UPN,
      c('Display Name', 'string', "The user's display name."),
      DELETED,
      DELETED_DATE,
      LAST,
      c('Send Count', 'int', 'Messages sent in the period.'),
      c('Receive Count', 'int', 'Messages received in the period.'),
      c('Read Count', 'int', 'Messages read in the period.'),
      c('Meeting Created Count', 'int', 'Meetings created.'),
      c('Meeting Interacted Count', 'int', 'Meetings accepted, declined or answered.'),
      PRODUCTS,
      PERIOD,
    ],
  },
  {
    fn: 'getMailboxUsageDetail',
    table: 'mailboxusage',
    workload: 'Exchange',
    description: 'Mailbox size, items and quotas per user.',
    key: 'User Principal Name',
    columns: [
      REFRESH,
      UPN,
      c('Display Name', 'string', "The user's display name."),
      DELETED,
      DELETED_DATE,
      c('Created Date', 'string', 'When the mailbox was created.'),
      LAST,
      c('Item Count', 'int', 'Items in the mailbox.'),
      c('Storage Used (Byte)', 'int', 'Bytes used.'),
      c('Issue Warning Quota (Byte)', 'int', 'Warning quota.'),
      c('Prohibit Send Quota (Byte)', 'int', 'Send quota.'),
      c('Prohibit Send/Receive Quota (Byte)', 'int', 'Send and receive quota.'),
      c('Deleted Item Count', 'int', 'Items in Recoverable Items.'),
      c('Deleted Item Size (Byte)', 'int', 'Bytes in Recoverable Items.'),
      c('Has Archive', 'bool', 'Whether the mailbox has an archive.'),
      c('Recipient Type', 'string', 'UserMailbox, SharedMailbox, …'),
      PERIOD,
    ],
  },
  {
    fn: 'getOneDriveActivityUserDetail',
    table: 'onedriveactivity',
    workload: 'OneDrive',
    description: 'Files viewed or edited, synced and shared (inside and outside) per user.',
    key: 'User Principal Name',
    columns: [
      REFRESH,
      UPN,
      DELETED,
      DELETED_DATE,
      LAST,
      c('Viewed Or Edited File Count', 'int', 'Files viewed or edited.'),
      c('Synced File Count', 'int', 'Files synced.'),
      c('Shared Internally File Count', 'int', 'Files shared inside the organisation.'),
      c('Shared Externally File Count', 'int', 'Files shared outside the organisation.'),
      PRODUCTS,
      PERIOD,
    ],
  },
  {
    fn: 'getSharePointActivityUserDetail',
    table: 'sharepointactivity',
    workload: 'SharePoint',
    description: 'Files viewed or edited, synced and shared, and pages visited, per user.',
    key: 'User Principal Name',
    columns: [
      REFRESH,
      UPN,
      DELETED,
      DELETED_DATE,
      LAST,
      c('Viewed Or Edited File Count', 'int', 'Files viewed or edited.'),
      c('Synced File Count', 'int', 'Files synced.'),
      c('Shared Internally File Count', 'int', 'Files shared inside the organisation.'),
      c('Shared Externally File Count', 'int', 'Files shared outside the organisation.'),
      c('Visited Page Count', 'int', 'Pages visited.'),
      PRODUCTS,
      PERIOD,
    ],
  },
  {
    fn: 'getTeamsUserActivityUserDetail',
    table: 'teamsuseractivity',
    workload: 'Teams',
    description: 'Chat messages, calls and meetings per user.',
    key: 'User Principal Name',
    columns: [
      REFRESH,
      c('User Id', 'string', "The user's object id."),
      UPN,
      LAST,
      DELETED,
      DELETED_DATE,
      PRODUCTS,
      c('Team Chat Message Count', 'int', 'Messages posted in team channels.'),
      c('Private Chat Message Count', 'int', 'Messages in private chats.'),
      c('Call Count', 'int', 'Calls.'),
      c('Meeting Count', 'int', 'Meetings attended.'),
      PERIOD,
    ],
  },
];

/** The JSON key of a CSV header: camelCase of its words (`Storage Used (Byte)` → `storageUsedByte`). */
export function reportJsonKey(header: string): string {
  const words = header.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase()))
    .join('');
}

export function usageReport(fn: string): UsageReportDef | undefined {
  return USAGE_REPORTS.find((r) => r.fn.toLowerCase() === fn.toLowerCase());
}

/** Periods the period-based report functions take (docs/microsoft-apis.md, "Usage reports"). */
export const REPORT_PERIODS = ['D7', 'D30', 'D90', 'D180'] as const;
export type ReportPeriod = (typeof REPORT_PERIODS)[number];
