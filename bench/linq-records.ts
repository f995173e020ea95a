// A fast, deterministic generator of Management Activity API records for the LINQ benchmark: the
// workload mix of a mid-size tenant (sign-ins, mailbox, SharePoint and OneDrive, Teams, admin and
// compliance cmdlets), with the rare events the seed queries look for sprinkled in.

const ORG = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedSet {
  readonly hostchain: string;
  readonly records: string[];
}

export const COLLECTORS = [
  'collector-12345-hunt01',
  'collector-67890-hunt02',
  'collector-24680-hunt03',
];

/**
 * `count` records over `days` days ending at `end`, split into sets of `batch` records, each set
 * from one collector. Every record is JSON text as the API sends it.
 */
export function* generateRecords(
  count: number,
  options: { seed?: number; end: Date; days: number; batch?: number },
): Generator<GeneratedSet> {
  const rnd = rng(options.seed ?? 7);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const users = Array.from({ length: 2000 }, (_, i) => `user${i}@contoso.com`);
  const ips = Array.from(
    { length: 500 },
    (_, i) => `${pick([198, 203, 45, 81])}.${i % 250}.${int(250)}.${int(250)}`,
  );
  const span = options.days * 86_400_000;
  const start = options.end.getTime() - span;
  const batch = options.batch ?? 20_000;
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  for (let done = 0; done < count;) {
    const n = Math.min(batch, count - done);
    const hostchain = pick(COLLECTORS);
    const records: string[] = new Array<string>(n);
    for (let k = 0; k < n; k++, done++) {
      const t = new Date(start + Math.floor((done / count) * span) + int(60_000))
        .toISOString()
        .slice(0, 19);
      const id = `${hex(done)}-${hex(int(2 ** 32)).slice(0, 4)}-4${hex(int(2 ** 32)).slice(0, 3)}-8${hex(int(2 ** 32)).slice(0, 3)}-${hex(int(2 ** 32))}${hex(done).slice(4)}`;
      const user = pick(users);
      const ip = pick(ips);
      const common = `"CreationTime":"${t}","Id":"${id}","OrganizationId":"${ORG}","UserType":0,"Version":1`;
      const r = rnd();
      let rec: string;
      if (r < 0.3) {
        const failed = rnd() < 0.15;
        rec = `{${common},"Operation":"${failed ? 'UserLoginFailed' : 'UserLoggedIn'}","RecordType":15,"UserKey":"10032001A1B2C3D4@contoso.com","Workload":"AzureActiveDirectory","ResultStatus":"${failed ? 'Failed' : 'Success'}","ClientIP":"${ip}","ObjectId":"00000002-0000-0ff1-ce00-000000000000","UserId":"${user}","AzureActiveDirectoryEventType":1,"ExtendedProperties":[{"Name":"ResultStatusDetail","Value":"${failed ? 'UserError' : 'Success'}"},{"Name":"UserAgent","Value":"Mozilla/5.0 (Windows NT 10.0; Win64; x64)"},{"Name":"RequestType","Value":"OAuth2:Token"}],"ModifiedProperties":[],"Actor":[{"ID":"6a1f3c9e-55d2-4b8a-9e07-c2d4f8a1b3e6","Type":0},{"ID":"${user}","Type":5}],"ActorContextId":"${ORG}","ActorIpAddress":"${ip}","InterSystemsId":"4bf55773-4137-4d68-b7f8-ef8ef9c0235f","IntraSystemId":"${id}","Target":[{"ID":"00000002-0000-0ff1-ce00-000000000000","Type":0}],"TargetContextId":"${ORG}","ApplicationId":"d3590ed6-52b3-4102-aeff-aad2292ab01c"${failed ? ',"ErrorNumber":"50126","LogonError":"InvalidUserNameOrPassword"' : ''}}`;
      } else if (r < 0.55) {
        const op =
          rnd() < 0.04
            ? 'AttachmentDownload'
            : pick(['MailItemsAccessed', 'Send', 'MoveToDeletedItems', 'SoftDelete', 'Update']);
        const att =
          op === 'AttachmentDownload'
            ? `,"AttachmentName":"${pick(['invoice_2026.pdf.exe', 'report.xlsx', 'Q1 \\"final\\".xlsm', 'scan0042.pdf'])}"`
            : '';
        rec = `{${common},"Operation":"${op}","RecordType":${op === 'MailItemsAccessed' ? 50 : 2},"UserKey":"10032001A1B2C3D4","Workload":"Exchange","ResultStatus":"Succeeded","UserId":"${user}","ClientIPAddress":"${ip}","ClientInfoString":"Client=OWA;Action=ViaProxy","ExternalAccess":false,"InternalLogonType":0,"LogonType":0,"MailboxGuid":"a3e7c1d9-5b2f-4e86-9a0c-7d4b1f3e6c25","MailboxOwnerUPN":"${user}","OrganizationName":"contoso.onmicrosoft.com","OriginatingServer":"AM0PR06MB1234 (15.20.7400.020)"${att}}`;
      } else if (r < 0.57) {
        const op =
          rnd() < 0.01
            ? 'Remove-AuditConfigurationPolicy'
            : pick(['Set-Mailbox', 'New-InboxRule', 'Add-MailboxPermission', 'Set-InboxRule']);
        rec = `{${common},"Operation":"${op}","RecordType":1,"UserKey":"10032001A1B2C3D4","Workload":"Exchange","ResultStatus":"True","UserId":"admin${int(5)}@contoso.com","ClientIP":"${ip}:${1024 + int(60000)}","ObjectId":"${user}","ExternalAccess":false,"OrganizationName":"contoso.onmicrosoft.com","OriginatingServer":"AM0PR06MB1234 (15.20.7400.020)","Parameters":[{"Name":"Identity","Value":"${user}"},{"Name":"Confirm","Value":"False"}]}`;
      } else if (r < 0.9) {
        const onedrive = rnd() < 0.4;
        const sharing = rnd() < 0.03;
        const op = sharing
          ? pick(['SharingSet', 'AnonymousLinkCreated', 'SharingInvitationCreated'])
          : rnd() < 0.002
            ? 'FileVersionsAllDeleted'
            : pick([
                'FileAccessed',
                'FileDownloaded',
                'FileModified',
                'FilePreviewed',
                'FileUploaded',
              ]);
        const name =
          rnd() < 0.05
            ? pick(['Strategic Plan 2026.docx', 'strategic-roadmap.pptx', 'STRATEGIC deals.xlsx'])
            : `${pick(['Budget', 'Notes', 'Minutes', 'Forecast', 'Design'])}-${int(1000)}.${pick(['docx', 'xlsx', 'pdf', 'pptx'])}`;
        const site = onedrive
          ? `https://contoso-my.sharepoint.com/personal/${user.replace(/[@.]/g, '_')}`
          : `https://contoso.sharepoint.com/sites/${pick(['Finance', 'Deals', 'HR', 'Engineering'])}`;
        const folder = onedrive ? 'Documents' : 'Shared Documents';
        const target = sharing
          ? `,"TargetUserOrGroupName":"${pick(users.slice(0, 50)).replace('@contoso.com', '_fabrikam.com#ext#@contoso.onmicrosoft.com')}","TargetUserOrGroupType":"Guest","EventData":"<PermissionsGranted>Read</PermissionsGranted>"`
          : '';
        rec = `{${common},"Operation":"${op}","RecordType":${sharing ? 14 : 6},"UserKey":"i:0h.f|membership|10032001a1b2c3d4@live.com","Workload":"${onedrive ? 'OneDrive' : 'SharePoint'}","UserId":"${user}","ClientIP":"${ip}","ObjectId":"${site}/${folder}/${name}","CorrelationId":"8e6f2fa1-c0de-4000-a000-1234567890ab","EventSource":"SharePoint","ItemType":"File","ListId":"a1a2a3a4-b1b2-4c3c-8d4d-e5e6e7e8e9e0","Site":"d5180cfc-0000-4000-8000-8c985ac894e3","UserAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36","WebId":"8c5c94bb-0000-4000-8000-8999f440cd30","SiteUrl":"${site}","SourceFileExtension":"${name.split('.').pop()}","SourceFileName":"${name}","SourceRelativeUrl":"${folder}"${target}}`;
      } else if (r < 0.98) {
        const withInfo = rnd() < 0.5;
        const info = withInfo
          ? `,"ParticipantInfo":{"HasForeignTenantUsers":${rnd() < 0.1},"HasGuestUsers":false,"HasOtherGuestUsers":false,"HasUnauthenticatedUsers":false,"ParticipatingDomains":["contoso.com"],"ParticipatingTenantIds":["${ORG}"]}`
          : '';
        rec = `{${common},"Operation":"${pick(['MessageSent', 'ChatCreated', 'MeetingParticipantDetail', 'TeamsSessionStarted', 'MemberAdded'])}","RecordType":25,"UserKey":"6a1f3c9e-55d2-4b8a-9e07-c2d4f8a1b3e6","Workload":"MicrosoftTeams","UserId":"${user}","ClientIP":"${ip}","ObjectId":"","TeamName":"${pick(['Deal Room', 'Finance', 'All company'])}","CommunicationType":"GroupChat"${info}}`;
      } else if (r < 0.99) {
        const op = pick([
          'New-InsiderRiskPolicy',
          'Set-InsiderRiskPolicy',
          'Get-InsiderRiskPolicy',
          'Remove-InsiderRiskPolicy',
          'New-ComplianceSearch',
          'Get-ComplianceSearch',
        ]);
        rec = `{${common},"Operation":"${op}","RecordType":18,"UserKey":"10032001A1B2C3D4","Workload":"SecurityComplianceCenter","ResultStatus":"True","UserId":"admin${int(5)}@contoso.com","ClientIP":"","ObjectId":"","Parameters":"-Identity \\"Data leaks\\""}`;
      } else {
        rec = `{${common},"Operation":"ViewReport","RecordType":20,"UserKey":"10032001A1B2C3D4","Workload":"PowerBI","UserId":"${user}","ClientIP":"${ip}","ObjectId":"Sales"}`;
      }
      records[k] = rec;
    }
    yield { hostchain, records };
  }
}
