// Devo's column model for the Microsoft 365 tables (docs/linq.md, "Devo's column names"): the
// names Devo's tables and its query library use that m365hunt keeps inside the raw record rather
// than as columns of their own. The checker resolves them to JSON extraction from `message`, so a
// Devo query runs unchanged without the store growing a column for every field Microsoft sends.
//
// Evidence: Devo's "Query and alert library" reads `Parameters_Identity`, `Parameters_User`,
// `Parameters_AccessRights`, `Parameters_Name_str`, `Parameters_Raw`, `OriginatingServer`, `Name`,
// `FileSizeBytes`, `Recipients`, `P1Sender`, `FileData_FileName`, `FileData_SHA256` and `rawMessage`
// from `cloud.office365.management*` and `cloud.office365`, and `Subject`, `RecipientAddress`,
// `SenderAddress`, `FromIP`, `ToIP`, `Status` from `cloud.office365.messagetracing`. The fields and
// their types are those of Microsoft's Office 365 Management Activity API schema
// (https://learn.microsoft.com/office/office-365-management-api/office-365-management-activity-api-schema).
import type { LType } from '../types.js';

/** A top-level field of the audit record, with the LINQ type Devo gives it. */
export interface RecordField {
  readonly name: string;
  readonly type: LType;
}

const f = (type: LType, ...names: string[]): RecordField[] => names.map((name) => ({ name, type }));

/**
 * Fields of the Management Activity API schema (common schema and the workload schemas) that
 * m365hunt does not promote to columns. Objects and arrays are `json`; their members are reached
 * with Devo's flattened names (`FileData_FileName`) or with `jsonparse(message)[…]`.
 */
export const RECORD_FIELDS: readonly RecordField[] = [
  // common schema
  ...f('str', 'Scope', 'ClientAppId', 'AppId', 'CorrelationId'),
  ...f('int', 'Version'),
  ...f('json', 'AppAccessContext'),
  // Entra ID (RecordType 8, 15)
  ...f('int', 'AzureActiveDirectoryEventType'),
  ...f('str', 'ActorContextId', 'InterSystemsId', 'IntraSystemId', 'SupportTicketId'),
  ...f('str', 'TargetContextId', 'Client', 'ErrorCode'),
  ...f('json', 'Actor', 'Target', 'ExtendedProperties', 'ModifiedProperties', 'DeviceProperties'),
  // Exchange admin (1) and mailbox (2, 3, 50)
  ...f('str', 'ModifiedObjectResolvedName', 'OriginatingServer', 'SessionId', 'TokenObjectId'),
  ...f('str', 'TokenTenantId', 'DeviceId', 'MailboxGuid', 'MailboxOwnerSid'),
  ...f('str', 'MailboxOwnerMasterAccountSid', 'LogonUserSid', 'LogonUserDisplayName'),
  ...f('str', 'ClientMachineName', 'ClientProcessName', 'ClientVersion', 'HostAppId'),
  ...f('str', 'ClientRequestId', 'ActorIP', 'AuthType', 'TokenType', 'CloudInstanceName'),
  ...f('str', 'SendAsUserSmtp', 'SendOnBehalfOfUserSmtp', 'AttachmentId', 'DestMailboxId'),
  ...f('str', 'DestMailboxOwnerUPN', 'DestMailboxOwnerSid', 'DestMailboxOwnerMasterAccountSid'),
  ...f('int', 'InternalLogonType', 'OperationCount', 'AttachmentSizeInBytes', 'recipientCount'),
  ...f('bool', 'CrossMailboxOperation', 'SaveToSentItems'),
  ...f('json', 'Parameters', 'OperationProperties', 'Item', 'Folder', 'Folders', 'DestFolder'),
  ...f('json', 'AffectedItems', 'recipientList'),
  // SharePoint and OneDrive (4, 6, 14, 36, …)
  ...f('str', 'Site', 'WebId', 'ListId', 'ListItemUniqueId', 'SourceName', 'MachineDomainInfo'),
  ...f('str', 'MachineId', 'DestinationFileExtension', 'EventData', 'UniqueSharingId'),
  ...f('str', 'ApplicationDisplayName', 'Platform', 'GeoLocation', 'ListBaseType', 'ListTitle'),
  ...f('str', 'SharingLinkScope', 'TargetUserOrGroupEmail', 'CustomizedDoclib'),
  ...f('int', 'FileSizeBytes'),
  ...f('bool', 'IsManagedDevice', 'DoNotDistributeEvent', 'FromApp'),
  // Teams (25)
  ...f('str', 'TeamGuid', 'ChannelName', 'ChannelGuid', 'ChannelType', 'AddOnName', 'AddOnGuid'),
  ...f('str', 'CommunicationType', 'ChatThreadId', 'MessageId', 'ChatName', 'MessageURLs'),
  ...f('json', 'Members', 'ParticipantInfo', 'AttendeeDetails'),
  // Security & Compliance alerts (40) and cmdlets (18)
  ...f('str', 'AlertId', 'AlertType', 'Name', 'PolicyId', 'Status', 'Severity', 'Category'),
  ...f('str', 'Source', 'Comments', 'Data', 'AlertEntityId', 'EntityType', 'StartTime'),
  ...f('str', 'NonPiiParameters', 'EffectiveOrganization', 'CmdletVersion', 'UserServicePlan'),
  ...f('str', 'ClientApplication'),
  ...f('json', 'AlertLinks'),
  // Exchange Online Protection, Defender for Office 365, user submissions (28, 29, 41, 47, …)
  ...f('str', 'DetectionType', 'DetectionMethod', 'InternetMessageId', 'NetworkMessageId'),
  ...f('str', 'P1Sender', 'P2Sender', 'Policy', 'PolicyAction', 'SenderIp', 'Subject'),
  ...f('str', 'Verdict', 'MessageTime', 'EventDeepLink', 'Directionality', 'SubmissionId'),
  ...f('str', 'SubmissionType', 'SubmissionContentType', 'SubmissionState', 'Url'),
  ...f(
    'json',
    'Recipients',
    'AttachmentData',
    'FileData',
    'DeliveryAction',
    'ThreatsAndDetectionTech',
  ),
  // DLP (11, 13, 33)
  ...f('bool', 'SensitiveInfoDetectionIsIncluded'),
  ...f('json', 'PolicyDetails', 'ExchangeMetaData', 'SharePointMetaData', 'IncidentId'),
];

/** Arrays of `{"Name": …, "Value": …}` that Devo flattens as `<Array>_<Name>`. */
export const NAME_VALUE_ARRAYS: readonly string[] = [
  'Parameters',
  'ExtendedProperties',
  'OperationProperties',
  'DeviceProperties',
];

/**
 * `cloud.office365.messagetracing` in Devo has the names of Exchange's message trace
 * (`Get-MessageTrace`: https://learn.microsoft.com/powershell/module/exchange/get-messagetrace);
 * m365hunt's table has Microsoft Graph's (`subject`, `recipientAddress`, …). Both are accepted.
 */
export const MESSAGE_TRACE_NAMES: Readonly<Record<string, string>> = {
  MessageTraceId: 'id',
  MessageId: 'messageId',
  Received: 'receivedDateTime',
  SenderAddress: 'senderAddress',
  RecipientAddress: 'recipientAddress',
  Subject: 'subject',
  Size: 'size',
  Status: 'status',
  FromIP: 'fromIP',
  ToIP: 'toIP',
};
