// What the simulator does without evidence: shapes of its records and behaviours of its APIs that
// no real record in test/fixtures/real/ shows and Microsoft's documentation does not state. One
// list, in one place. The conformance test (test/real/conformance.test.ts) compares the
// simulator's records with the real ones field by field: every field or value shape the
// simulator writes must be in a real record of the same Operation, or named in Microsoft's schema
// page, or listed here; an entry that real evidence no longer needs fails the test, so the list
// only shrinks. docs/real-records.md explains it.

export interface Unverified {
  /** A record field (`AppAccessContext.UniqueTokenId` for a nested one), or an API behaviour. */
  readonly what: string;
  /** Record fields this entry covers (none for an API behaviour). */
  readonly fields?: readonly string[];
  /** Only for these Operations (every Operation when absent). */
  readonly operations?: readonly string[];
  /** Only these value shapes (test/real/shapes.ts); the field's presence when absent. */
  readonly shapes?: readonly string[];
  readonly reason: string;
}

const SHAREPOINT_FILE_OPS = [
  'FileAccessed',
  'FileDeleted',
  'FileDownloaded',
  'FileModified',
  'FilePreviewed',
  'FileUploaded',
  'FileVersionsAllDeleted',
];

export const UNVERIFIED: readonly Unverified[] = [
  // ---- record fields and value shapes ----
  {
    what: 'WebId on SharePoint and OneDrive records',
    fields: ['WebId'],
    reason:
      "Not in Microsoft's schema page nor in the Sentinel export (its table has no such column); seen in Elastic's o365 test records, whose licence (Elastic License 2.0) keeps them out of the corpus.",
  },
  {
    what: 'FileSizeBytes on file operations',
    fields: ['FileSizeBytes'],
    reason:
      "Not in Microsoft's schema page nor in any record of the corpus; the mass-download rules report sizes from it when present.",
  },
  {
    what: 'IPv6 client addresses on SharePoint file and sharing operations and on Send',
    fields: ['ClientIP', 'ClientIPAddress'],
    operations: [...SHAREPOINT_FILE_OPS, 'SharingSet', 'Send'],
    shapes: ['string:ipv6'],
    reason:
      "The corpus's records of these operations carry IPv4 only; Microsoft's Copilot examples and the lab's MailItemsAccessed and New-InboxRule records carry IPv6, so these likely do too.",
  },
  {
    what: 'SharingSet to a person named by address',
    fields: ['TargetUserOrGroupName'],
    operations: ['SharingSet'],
    shapes: ['string:email'],
    reason:
      'Microsoft\'s schema page says "the UPN or name of the target user or group"; the corpus\'s SharingSet records name groups only (SharingLinks…, Limited Access System Group).',
  },
  {
    what: 'SharingSet on a folder (no file extension)',
    fields: ['SourceFileExtension'],
    operations: ['SharingSet'],
    shapes: ['string:empty'],
    reason:
      "Microsoft's schema page says the extension is empty for folders; the corpus's SharingSet records are on files.",
  },
  {
    what: 'An empty ClientIP on system file operations',
    fields: ['ClientIP'],
    operations: ['FileVersionsAllDeleted'],
    shapes: ['string:empty'],
    reason:
      "Elastic's records show empty ClientIP on SharePoint's own (app@sharepoint) records; the lab's two FileVersionsAllDeleted carry an address.",
  },
  {
    what: 'FileVersionsAllDeleted by a user',
    fields: ['UserId', 'UserKey'],
    operations: ['FileVersionsAllDeleted'],
    shapes: ['string:email', 'string'],
    reason:
      "The lab's two FileVersionsAllDeleted are by SHAREPOINT\\system; a user purging version history (the data-destruction scenario) has no real record here.",
  },
  {
    what: 'ClientAppId empty on MailItemsAccessed by the owner, and on Exchange cmdlets',
    fields: ['ClientAppId'],
    operations: ['MailItemsAccessed', 'New-InboxRule'],
    shapes: ['string:empty'],
    reason:
      'Real MailItemsAccessed in the corpus are all by an app (a GUID); an owner reading in OWA has no record here.',
  },
  // ---- API behaviours ----
  {
    what: 'HTTP status of each AF error code',
    reason:
      'Documented only for AF20024 (400), AF429 (403, observed) and AF50000 (500); the others answer 400 (404 for AF20050), as manage/af-errors.ts notes per code.',
  },
  {
    what: 'What listings and blobs answer while unified audit logging is off',
    reason:
      'Only StartSubscription is documented by public reports (a DataServiceException); the simulator lists no subscription and answers AF20022 to content listings.',
  },
  {
    what: 'AADSTS90044 when client_secret_basic names another client than the form',
    reason: "Entra ID's answer to conflicting client ids was not found in any public source.",
  },
  {
    what: 'How often UserLoginFailed says ResultStatus Failed rather than Success',
    reason:
      "Panther's test log says Success, Microsoft's schema says the field reports the HTTP exchange; the simulator writes Success for 70%.",
  },
  {
    what: 'Graph 400 for a usage report given date= outside the last 30 days, or on a report that takes period only',
    reason: "Microsoft documents the range, not the answer; the simulator's error text is its own.",
  },
  {
    what: 'UserType of an AnonymousLinkUsed record',
    reason: 'UserId and UserKey are `anonymous` in real records; UserType 0 is assumed.',
  },
];
