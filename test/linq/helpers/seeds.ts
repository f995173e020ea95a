// The eight seed queries of docs/seed-queries.md, verbatim.
export const SEEDS = {
  1: 'from cloud.office365.management where Operation = "UserLoggedIn" or Operation = "UserLoginFailed" group by Operation, ActorIpAddress, UserId, split(hostchain,"-",1) as collector_id',
  2: 'from cloud.office365.management.exchange where eq(Operation,"AttachmentDownload") group by UserId, jsonparse(message)["AttachmentName"]',
  3: 'from cloud.office365.management.exchange where eq(Operation,"Remove-AuditConfigurationPolicy")',
  4: 'from cloud.office365.management.securitycompliancecenter where has(Operation,"InsiderRiskPolicy"), not has(Operation,"Get")',
  5: 'from cloud.office365.management.onedrive where Operation = "SharingSet" select str(jsonparse(message)["ObjectId"]) as file where weakhas(file,"strategic") select str(jsonparse(message)["ClientIP"]) as ip, str(jsonparse(message)["TargetUserOrGroupName"]) as recipient',
  6: 'from cloud.office365.management.microsoftteams select jqeval(jqcompile(".ParticipantInfo.HasForeignTenantUsers"),jsonparse(message)) as foreign where isnotnull(foreign)',
  7: 'from cloud.office365.management.sharepoint where Operation = "FileVersionsAllDeleted"',
  8: 'from cloud.office365.management where toktains(hostchain,"collector-") select split(hostchain,"-",1) as collector_id where eq(Workload,"Exchange") or eq(Workload,"AzureActiveDirectory") or eq(Workload,"MicrosoftTeams")',
} as const;
