// Security & Compliance records (Audit.General): S&C PowerShell cmdlets (RecordType 18, with
// Parameters as ONE string) and eDiscovery (24); DLP rule matches (DLP.All, RecordType 11 for
// SharePoint/OneDrive and 13 for Exchange), shaped after docs/microsoft-apis.md ("DLP and Security
// & Compliance").
import type { ComplianceCmdletEvent, DlpEvent } from '../activity/events.js';
import { itemUrl } from '../tenant/model.js';
import type { Rng } from '../util/prng.js';
import { creationTime } from '../util/time.js';
import { type BuildContext, type BuiltRecord, common, userAt } from './common.js';
import { lookupItem } from './sharepoint.js';

export function buildComplianceCmdlet(
  ctx: BuildContext,
  e: ComplianceCmdletEvent,
  rng: Rng,
): BuiltRecord {
  const u = userAt(ctx, e.actor);
  const r = common(ctx, rng, {
    t: e.t,
    operation: e.op,
    recordType: e.recordType,
    workload: 'SecurityComplianceCenter',
    userType: u.adminRoles.length > 0 ? 2 : 0,
    userKey: u.puid,
    userId: u.upn,
    clientIp: e.ip,
    objectId: e.objectId,
  });
  if (e.recordType === 18) {
    Object.assign(r, {
      StartTime: creationTime(e.t - rng.between(0, 4) * 1000),
      ClientRequestId: rng.guid(),
      CmdletVersion: '',
      EffectiveOrganization: ctx.tenant.initialDomain,
      UserServicePlan: 'FOPE',
      ClientApplication: 'EXO',
      Parameters: e.params,
      NonPiiParameters: e.params.replace(/"[^"]*@[^"]*"/g, '"<PII>"'),
      SessionId: rng.guid(),
    });
  } else {
    Object.assign(r, {
      Case: '',
      ObjectType: 'SearchExport',
      ExtendedProperties: [{ Name: 'Parameters', Value: e.params }],
    });
  }
  return { record: r, contentType: 'Audit.General' };
}

const DLP_AGENT = 'DlpPolicyEventBasedAssistantOneDriveForBusiness';

/** Test values only (the Visa test card, a fake IBAN): never real data. */
const DETECTED: Record<string, string> = {
  'Credit Card Number': '4111 1111 1111 1111',
  'International Banking Account Number (IBAN)': 'DE89 3704 0044 0532 0130 00',
  'EU Passport Number': 'C01X00T47',
};

export function buildDlp(ctx: BuildContext, e: DlpEvent, rng: Rng): BuiltRecord {
  const u = userAt(ctx, e.user);
  const isMail = e.workload === 'Exchange';
  let objectId: string;
  let meta: Record<string, unknown>;
  if (isMail) {
    const messageId = `<${rng.hex(20).toUpperCase()}@${ctx.tenant.servers[0]?.split(' ')[0] ?? 'AM0PR06MB1234'}.eurprd06.prod.outlook.com>`;
    objectId = messageId;
    meta = {
      ExchangeMetaData: {
        MessageID: messageId,
        From: u.upn,
        To: e.recipients ?? [],
        CC: [],
        BCC: [],
        Subject: e.subject ?? '',
        Sent: creationTime(e.t - 2000),
        RecipientCount: (e.recipients ?? []).length,
        UniqueID: rng.guid(),
      },
    };
  } else {
    const { drive, item } = lookupItem(ctx, e.driveId ?? '', e.itemId ?? '');
    objectId = itemUrl(drive, item);
    const owner = drive.ownerIndex === null ? u : userAt(ctx, drive.ownerIndex);
    meta = {
      SharePointMetaData: {
        From: u.upn,
        ItemCreationTime: creationTime(item.createdMs),
        SiteCollectionGuid: drive.siteId,
        SiteCollectionUrl: drive.siteUrl.endsWith('/') ? drive.siteUrl : `${drive.siteUrl}/`,
        FileName: item.name,
        FileOwner: owner.displayName,
        FilePathUrl: objectId,
        DocumentLastModifier: u.upn,
        DocumentSharer: u.upn,
        UniqueID: item.listItemUniqueId,
        ItemLastModifiedTime: creationTime(e.t - rng.between(60, 86400) * 1000),
        IsViewableByExternalUsers: false,
      },
    };
  }
  const r = common(ctx, rng, {
    t: e.t,
    operation: 'DLPRuleMatch',
    recordType: isMail ? 13 : 11,
    workload: e.workload,
    userType: isMail ? 0 : 4,
    userKey: isMail ? u.puid : DLP_AGENT,
    userId: isMail ? u.upn : DLP_AGENT,
    clientIp: '',
    objectId,
  });
  const value = DETECTED[e.sensitiveType.name] ?? 'REDACTED';
  Object.assign(r, {
    IncidentId: rng.guid(),
    PolicyDetails: [
      {
        PolicyId: rng.guid(),
        PolicyName: e.policy,
        Rules: [
          {
            Actions: e.actions,
            ConditionsMatched: {
              ConditionMatchedInNewScheme: true,
              OtherConditions: [],
              SensitiveInformation: [
                {
                  ClassifierType: 'Content',
                  Confidence: 85,
                  Count: e.count,
                  Location: isMail ? 'Message Body' : '',
                  SensitiveInformationDetailedClassificationAttributes: [
                    { Confidence: 85, Count: e.count, IsMatch: true },
                  ],
                  SensitiveInformationDetections: {
                    DetectedValues: [{ Name: e.sensitiveType.name, Value: value }],
                    ResultsTruncated: false,
                  },
                  SensitiveInformationTypeName: e.sensitiveType.name,
                  SensitiveType: e.sensitiveType.id,
                  UniqueCount: e.count,
                },
              ],
            },
            ManagementRuleId: rng.guid(),
            OverriddenActions: [],
            RuleId: rng.guid(),
            RuleMode: 'Enable',
            RuleName: e.rule,
            Severity: e.severity,
          },
        ],
      },
    ],
    SensitiveInfoDetectionIsIncluded: true,
    ...meta,
  });
  return { record: r, contentType: 'DLP.All' };
}

/** The DLP sensitive information types the simulator knows (GET /resources/dlpSensitiveTypes). */
export const SENSITIVE_TYPES = [
  { id: '50842eb7-edc8-4019-85dd-5a5c1f2bb085', name: 'Credit Card Number' },
  {
    id: 'e7dc4711-11b7-4cb0-b88b-2c394a771f0e',
    name: 'International Banking Account Number (IBAN)',
  },
  { id: '21883626-6245-4f3d-9b61-5cbb43e625ee', name: 'EU Passport Number' },
] as const;
