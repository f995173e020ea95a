// Activity events: what happened in the tenant, before it is written down as audit records.
// Sign-ins and sent mail are first-class events so that other views of the same activity
// (Graph sign-in logs, message trace) can later be derived from exactly the same events.
import type { ContentType } from '../../records/content-types.js';

/** Who did it. */
export type Actor =
  | { type: 'user'; index: number }
  | { type: 'guest'; index: number }
  /** An outsider using a link: anonymous (no identity) or an invited external address. */
  | { type: 'external'; email: string | null; ip: string }
  | { type: 'system'; name: string; key: string }
  | { type: 'app'; appId: string; name: string };

interface EventBase {
  /** Sim time of the event, epoch ms. */
  t: number;
  /** Scenario name or `benign`. */
  label: string;
  /** Stable key: seeds the event's own random stream (record Id, incidental fields). */
  key: string;
  /**
   * The user whose session or tokens this event relies on (for example an app reading mail on
   * a user's behalf): dropped once that user is disabled or their sessions are revoked.
   */
  dependsOnUser?: number;
}

export interface SignInEvent extends EventBase {
  kind: 'signIn';
  user: number;
  ip: string;
  /** Client application (ApplicationId). */
  appId: string;
  /** Resource signed in to (ObjectId / Target). */
  resourceId: string;
  /** 0 = success; else the AADSTS number (50126, 50057, …). */
  errorCode: number;
  userAgent: string;
  requestType: string;
}

export interface MailSendEvent extends EventBase {
  kind: 'mailSend';
  from: number;
  to: string[];
  subject: string;
  size: number;
  attachments: string[];
  internetMessageId: string;
  ip: string;
  client: 'OWA' | 'Outlook' | 'Mobile';
}

export interface MailAccessEvent extends EventBase {
  kind: 'mailAccess';
  /** Mailbox owner. */
  owner: number;
  ip: string;
  accessType: 'Bind' | 'Sync';
  items: number;
  folder: string;
  /** Set when an application (not the owner's client) read the mail. */
  app: { appId: string; name: string } | null;
  clientInfo: string;
}

/** The seed query's `AttachmentDownload` (not a real Microsoft operation, see records/exchange.ts). */
export interface AttachmentEvent extends EventBase {
  kind: 'attachmentDownload';
  user: number;
  attachmentName: string;
  sender: string;
  subject: string;
  ip: string;
}

export type FileOperation =
  | 'FileAccessed'
  | 'FilePreviewed'
  | 'FileModified'
  | 'FileUploaded'
  | 'FileDownloaded'
  | 'FileSyncDownloadedFull'
  | 'FileSyncUploadedFull'
  | 'FileRecycled'
  | 'FileDeleted'
  | 'FolderRecycled'
  | 'FileVersionsAllDeleted'
  | 'FileDeletedFirstStageRecycleBin'
  | 'FileDeletedSecondStageRecycleBin'
  | 'FileMalwareDetected';

export interface FileEvent extends EventBase {
  kind: 'file';
  op: FileOperation;
  actor: Actor;
  driveId: string;
  itemId: string;
  ip: string;
  userAgent: string;
  /** Sync client device, for FileSync* operations. */
  machineId?: string;
  managedDevice?: boolean;
  virusInfo?: string;
}

export type ShareOperation =
  | 'SharingSet'
  | 'SharingInvitationCreated'
  | 'AnonymousLinkCreated'
  | 'CompanyLinkCreated'
  | 'SecureLinkCreated'
  | 'AddedToSecureLink'
  | 'AnonymousLinkUsed'
  | 'CompanyLinkUsed'
  | 'SecureLinkUsed'
  | 'SharingRevoked'
  | 'AnonymousLinkRemoved'
  | 'CompanyLinkRemoved'
  | 'SecureLinkDeleted';

/** A grant that a sharing event creates: it becomes a Graph permission on the item. */
export interface GrantSpec {
  /** Graph permission id (stable). */
  permissionId: string;
  kind: 'user' | 'invitation' | 'anonymous' | 'organization' | 'users';
  roles: Array<'read' | 'write'>;
  recipients: Array<{ email: string; displayName: string; id: string | null }>;
  /** Sharing link id (UniqueSharingId) for link grants. */
  linkId: string | null;
  createdBy: number;
}

export interface ShareEvent extends EventBase {
  kind: 'share';
  op: ShareOperation;
  actor: Actor;
  driveId: string;
  itemId: string;
  ip: string;
  userAgent: string;
  target: { name: string; type: 'Member' | 'Guest' | 'SharePointGroup' } | null;
  /** Set on events that create or extend a permission. */
  grant: GrantSpec | null;
  /** Permission that link-use events go through (dropped once the permission is removed). */
  viaPermissionId?: string;
  eventData: string;
}

export interface ExchangeCmdletEvent extends EventBase {
  kind: 'exchangeCmdlet';
  actor: number;
  op: string;
  objectId: string;
  params: Array<[string, string]>;
  ip: string;
}

export interface ComplianceCmdletEvent extends EventBase {
  kind: 'complianceCmdlet';
  actor: number;
  op: string;
  objectId: string;
  /** S&C cmdlets log their parameters as one string. */
  params: string;
  recordType: 18 | 24;
  ip: string;
}

export interface TeamsEvent extends EventBase {
  kind: 'teams';
  op:
    | 'MessageSent'
    | 'ChatCreated'
    | 'MessageCreatedHasLink'
    | 'TeamsSessionStarted'
    | 'MemberAdded'
    | 'FileShared';
  actor: number;
  ip: string;
  /** null for session/membership events that carry no chat. */
  chat: {
    threadId: string;
    communicationType: 'OneOnOne' | 'GroupChat' | 'Team';
    teamName: string | null;
    /** Participants outside the tenant (foreign tenants, federation). */
    foreignTenantIds: string[];
    foreignDomains: string[];
    hasGuests: boolean;
  } | null;
  members?: Array<{ upn: string; displayName: string; role: number }>;
  itemName?: string;
}

export interface DlpEvent extends EventBase {
  kind: 'dlp';
  workload: 'Exchange' | 'OneDrive' | 'SharePoint';
  user: number;
  /** File for OneDrive/SharePoint matches. */
  driveId?: string;
  itemId?: string;
  /** Mail for Exchange matches. */
  recipients?: string[];
  subject?: string;
  sensitiveType: { id: string; name: string };
  count: number;
  severity: 'Low' | 'Medium' | 'High';
  policy: string;
  rule: string;
  actions: string[];
}

export interface DirectoryEvent extends EventBase {
  kind: 'directory';
  op: string;
  actor: Actor;
  ip: string | null;
  objectId: string;
  target: Array<{ ID: string; Type: number }>;
  modified: Array<{ Name: string; NewValue: string; OldValue: string }>;
  extended: Array<{ Name: string; Value: string }>;
  resultStatus: 'Success' | 'Failure';
}

export type ActivityEvent =
  | SignInEvent
  | MailSendEvent
  | MailAccessEvent
  | AttachmentEvent
  | FileEvent
  | ShareEvent
  | ExchangeCmdletEvent
  | ComplianceCmdletEvent
  | TeamsEvent
  | DlpEvent
  | DirectoryEvent;

/** The tenant user an event is attributed to (for the "disabled account" rule), if any. */
export function actingUser(e: ActivityEvent): number | null {
  switch (e.kind) {
    case 'signIn':
      return e.user;
    case 'mailSend':
      return e.from;
    case 'mailAccess':
      return e.app ? null : e.owner;
    case 'attachmentDownload':
      return e.user;
    case 'file':
    case 'share':
    case 'directory':
      return e.actor.type === 'user' ? e.actor.index : null;
    case 'exchangeCmdlet':
    case 'complianceCmdlet':
    case 'teams':
      return e.actor;
    case 'dlp':
      return null;
  }
}

/** The content type an event's record is published in (must match the record builders). */
export function contentTypeOf(e: ActivityEvent): ContentType {
  switch (e.kind) {
    case 'signIn':
    case 'directory':
      return 'Audit.AzureActiveDirectory';
    case 'file':
    case 'share':
      return 'Audit.SharePoint';
    case 'mailAccess':
    case 'mailSend':
    case 'attachmentDownload':
    case 'exchangeCmdlet':
      return 'Audit.Exchange';
    case 'teams':
    case 'complianceCmdlet':
      return 'Audit.General';
    case 'dlp':
      return 'DLP.All';
  }
}

/** Well-known first-party application ids (client apps and resources). */
export const APPS = {
  exchangeOnline: '00000002-0000-0ff1-ce00-000000000000',
  sharePointOnline: '00000003-0000-0ff1-ce00-000000000000',
  graph: '00000003-0000-0000-c000-000000000000',
  teamsService: 'cc15fd57-2c6c-4117-a88c-83b1d56b4bbe',
  officeClient: 'd3590ed6-52b3-4102-aeff-aad2292ab01c',
  officeHome: '4765445b-32c6-49b0-83e6-1d93765276ca',
  teamsClient: '1fec8e78-bce4-4aaf-ab1b-5451cc387264',
  oneDriveSync: 'ab9b8c07-8f02-4f72-87fa-80105867a763',
  azurePowerShell: '1950a258-227b-4e31-a9cf-717495945fc2',
  exchangePowerShell: 'fb78d390-0c51-40cd-8e17-fdbfab77341b',
  managementApi: 'c5393580-f805-4401-95e8-94b7a6ef2fc2',
} as const;
