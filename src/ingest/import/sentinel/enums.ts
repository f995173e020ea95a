// Numeric enums of the Management Activity API that Sentinel's OfficeActivity table shows by name.
// Values from Microsoft's schema reference (office-365-management-activity-api-schema); names are
// compared without case. Names not listed here are kept as text and reported in the summary.

export type EnumTable = Readonly<Record<string, number>>;

/** AuditLogRecordType. */
export const RECORD_TYPES: EnumTable = {
  ExchangeAdmin: 1,
  ExchangeItem: 2,
  ExchangeItemGroup: 3,
  SharePoint: 4,
  SharePointFileOperation: 6,
  OneDrive: 7,
  AzureActiveDirectory: 8,
  AzureActiveDirectoryAccountLogon: 9,
  DataCenterSecurityCmdlet: 10,
  ComplianceDLPSharePoint: 11,
  Sway: 12,
  ComplianceDLPExchange: 13,
  SharePointSharingOperation: 14,
  AzureActiveDirectoryStsLogon: 15,
  SkypeForBusinessPSTNUsage: 16,
  SkypeForBusinessUsersBlocked: 17,
  SecurityComplianceCenterEOPCmdlet: 18,
  ExchangeAggregatedOperation: 19,
  PowerBIAudit: 20,
  CRM: 21,
  Yammer: 22,
  SkypeForBusinessCmdlets: 23,
  Discovery: 24,
  MicrosoftTeams: 25,
  ThreatIntelligence: 28,
  MailSubmission: 29,
  MicrosoftFlow: 30,
  AeD: 31,
  MicrosoftStream: 32,
  ComplianceDLPSharePointClassification: 33,
  ThreatFinder: 34,
  Project: 35,
  SharePointListOperation: 36,
  SharePointCommentOperation: 37,
  DataGovernance: 38,
  Kaizala: 39,
  SecurityComplianceAlerts: 40,
  ThreatIntelligenceUrl: 41,
  SecurityComplianceInsights: 42,
  MIPLabel: 43,
  WorkplaceAnalytics: 44,
  PowerAppsApp: 45,
  PowerAppsPlan: 46,
  ThreatIntelligenceAtpContent: 47,
  LabelContentExplorer: 48,
  TeamsHealthcare: 49,
  ExchangeItemAggregated: 50,
  HygieneEvent: 51,
  DataInsightsRestApiAudit: 52,
  InformationBarrierPolicyApplication: 53,
  SharePointListItemOperation: 54,
  SharePointContentTypeOperation: 55,
  SharePointFieldOperation: 56,
  MicrosoftTeamsAdmin: 57,
  HRSignal: 58,
  MicrosoftTeamsDevice: 59,
  MicrosoftTeamsAnalytics: 60,
  InformationWorkerProtection: 61,
  Campaign: 62,
  DLPEndpoint: 63,
  AirInvestigation: 64,
  Quarantine: 65,
  MicrosoftForms: 66,
  ApplicationAudit: 67,
  ComplianceSupervisionExchange: 68,
  CustomerKeyServiceEncryption: 69,
  OfficeNative: 70,
  MipAutoLabelSharePointItem: 71,
  MipAutoLabelSharePointPolicyLocation: 72,
  MicrosoftTeamsShifts: 73,
  MipAutoLabelExchangeItem: 75,
  CortanaBriefing: 76,
  WDATPAlerts: 78,
  SensitivityLabelPolicyMatch: 82,
  SensitivityLabelAction: 83,
  SensitivityLabeledFileAction: 84,
  AttackSim: 85,
  AirManualInvestigation: 86,
  SecurityComplianceRBAC: 87,
  UserTraining: 88,
  AirAdminActionInvestigation: 89,
  MSTIC: 90,
  PhysicalBadgingSignal: 91,
  AipDiscover: 93,
  AipSensitivityLabelAction: 94,
  AipProtectionAction: 95,
  AipFileDeleted: 96,
  AipHeartBeat: 97,
  MCASAlerts: 98,
  OnPremisesFileShareScannerDlp: 99,
  OnPremisesSharePointScannerDlp: 100,
  ExchangeSearch: 101,
  SharePointSearch: 102,
  PrivacyInsights: 103,
  MyAnalyticsSettings: 105,
  SecurityComplianceUserChange: 106,
  ComplianceDLPExchangeClassification: 107,
  MipExactDataMatch: 109,
  MS365DCustomDetection: 113,
  CoreReportingSettings: 147,
  ComplianceConnector: 148,
  OMEPortal: 154,
  DataShareOperation: 174,
  EduDataLakeDownloadOperation: 181,
  MicrosoftGraphDataConnectOperation: 183,
  PowerPagesSite: 186,
  PlannerPlan: 188,
  PlannerCopyPlan: 189,
  PlannerTask: 190,
  PlannerRoster: 191,
  PlannerPlanList: 192,
  PlannerTaskList: 193,
  PlannerTenantSettings: 194,
  ProjectForTheWebProject: 195,
  ProjectForTheWebTask: 196,
  ProjectForTheWebRoadmap: 197,
  ProjectForTheWebRoadmapItem: 198,
  ProjectForTheWebProjectSettings: 199,
  ProjectForTheWebRoadmapSettings: 200,
  'Viva Goals': 216,
  MicrosoftGraphDataConnectConsent: 217,
  AttackSimAdmin: 218,
  TeamsUpdates: 230,
  PlannerRosterSensitivityLabel: 231,
  MicrosoftDefenderForIdentityAudit: 235,
  CopilotInteraction: 261,
  OWAAuth: 275,
  AadRiskDetection: 294,
  PurviewInsiderRiskCases: 306,
  PurviewInsiderRiskAlerts: 307,
  InsiderRiskScopedUsers: 308,
  IRMActivityAuditTrail: 335,
  MicrosoftTeamsUserConcern: 462,
};

/** UserType. */
export const USER_TYPES: EnumTable = {
  Regular: 0,
  Reserved: 1,
  Admin: 2,
  DcAdmin: 3,
  System: 4,
  Application: 5,
  ServicePrincipal: 6,
  CustomPolicy: 7,
  SystemPolicy: 8,
  PartnerTechnician: 9,
  Guest: 10,
};

/** Exchange mailbox LogonType. */
export const LOGON_TYPES: EnumTable = {
  Owner: 0,
  Admin: 1,
  Delegated: 2,
  Transport: 3,
  SystemService: 4,
  BestAccess: 5,
  DelegatedAdmin: 6,
};

/** AzureActiveDirectoryEventType. */
export const AAD_EVENT_TYPES: EnumTable = {
  AccountLogon: 0,
  AzureApplicationAuditEvent: 1,
};

/** AuditLogScope. */
export const SCOPES: EnumTable = { Online: 0, Onprem: 1 };

/** Teams AddOnType. */
export const ADDON_TYPES: EnumTable = { Bot: 1, Connector: 2, Tab: 3 };

const lowered = new WeakMap<EnumTable, Map<string, number>>();

/** The number for a name (any case) or a numeric string; undefined when neither. */
export function enumValue(table: EnumTable, text: string): number | undefined {
  const trimmed = text.trim();
  if (/^-?\d+$/.test(trimmed)) return Number(trimmed);
  let map = lowered.get(table);
  if (!map) {
    map = new Map(Object.entries(table).map(([k, v]) => [k.toLowerCase(), v]));
    lowered.set(table, map);
  }
  return map.get(trimmed.toLowerCase());
}
