// Benign activity of one time slice: sign-ins, files, sharing, mail, Teams, admin work, DLP.
// A pure function of (seed, slice, tenant): the number of events of each kind is Poisson with
// a mean set by the office-hours rhythm and each user's activity weight. Near-misses (internal
// sharing of strategic files, benign inbox rules, Get- cmdlets, partner chats, system version
// clean-up) are part of it on purpose, so that rules can be tested for false positives.
import { Rng, stableGuid } from '../util/prng.js';
import { HOUR, SECOND } from '../util/time.js';
import type { Drive, TenantUser } from '../tenant/model.js';
import { SENSITIVE_TYPES } from '../records/compliance.js';
import { SUBJECTS } from '../tenant/names.js';
import {
  type GenContext,
  SYNC_UA,
  colleague,
  files,
  mailboxPath,
  messageId,
  pickDrive,
  pickFile,
  userIp,
} from './context.js';
import { APPS, type ActivityEvent, type FileOperation, type GrantSpec } from './events.js';
import { activityFactor, localHour } from './rhythm.js';

type Maker = (g: GenContext, rng: Rng, t: number, u: TenantUser, key: string) => ActivityEvent[];

interface ActivityKind {
  name: string;
  /** Events per user per peak hour. */
  rate: number;
  /** Who does it: everyone, or holders of one of these roles. */
  roles?: readonly string[];
  make: Maker;
}

const SIGN_IN_APPS = [
  [APPS.teamsClient, APPS.teamsService, 'OAuth2:Token'],
  [APPS.officeClient, APPS.exchangeOnline, 'OAuth2:Token'],
  [APPS.officeHome, APPS.graph, 'Login:login'],
  [APPS.oneDriveSync, APPS.sharePointOnline, 'OAuth2:Token'],
  [APPS.officeHome, APPS.sharePointOnline, 'OAuth2:Authorize'],
] as const;

const signIn: Maker = (_g, rng, t, u, key) => {
  const [appId, resourceId, requestType] = rng.pick(SIGN_IN_APPS);
  const failed = rng.chance(0.035);
  const errorCode = failed
    ? rng.weighted([
        [50126, 6],
        [50074, 2.5],
        [50140, 1],
        [50055, 0.5],
      ] as const)
    : 0;
  return [
    {
      kind: 'signIn',
      t,
      label: 'benign',
      key,
      user: u.index,
      ip: userIp(rng, u),
      appId,
      resourceId,
      errorCode,
      userAgent: appId === APPS.oneDriveSync ? SYNC_UA : u.userAgent,
      requestType: failed ? 'Login:login' : requestType,
    },
  ];
};

function fileOp(op: FileOperation, sync = false): Maker {
  return (g, rng, t, u, key) => {
    const drive = sync ? u.drive : pickDrive(g, rng, u);
    const item = pickFile(rng, drive);
    return [
      {
        kind: 'file',
        op,
        t,
        label: 'benign',
        key,
        actor: { type: 'user', index: u.index },
        driveId: drive.id,
        itemId: item.id,
        ip: userIp(rng, u),
        userAgent: sync ? SYNC_UA : rng.chance(0.3) ? 'MSWAC' : u.userAgent,
        ...(sync ? { machineId: u.deviceId, managedDevice: true } : {}),
      },
    ];
  };
}

function permissionId(drive: Drive, itemId: string, key: string): string {
  // Graph permission ids are opaque base64-ish strings.
  return Buffer.from(`${drive.id.slice(2, 14)}|${itemId.slice(2, 12)}|${key}`).toString(
    'base64url',
  );
}

/** Internal sharing (near-miss for exfiltration rules): a colleague, or an org-wide link. */
const internalShare: Maker = (g, rng, t, u, key) => {
  const drive = rng.chance(0.8) ? u.drive : pickDrive(g, rng, u);
  // Prefer sensitive files now and then: sharing "strategic" files internally is normal work.
  const sensitive = files(drive).filter((f) => f.sensitive);
  const item =
    sensitive.length > 0 && rng.chance(0.35) ? rng.pick(sensitive) : pickFile(rng, drive);
  const ip = userIp(rng, u);
  if (rng.chance(0.12)) {
    const linkId = rng.guid();
    const grant: GrantSpec = {
      permissionId: permissionId(drive, item.id, key),
      kind: 'organization',
      roles: ['read'],
      recipients: [],
      linkId,
      createdBy: u.index,
    };
    return [
      {
        kind: 'share',
        op: 'CompanyLinkCreated',
        t,
        label: 'benign',
        key,
        actor: { type: 'user', index: u.index },
        driveId: drive.id,
        itemId: item.id,
        ip,
        userAgent: u.userAgent,
        target: null,
        grant,
        eventData: '<Type>View</Type><MembersCanShareApplied>True</MembersCanShareApplied>',
      },
    ];
  }
  const c = colleague(g, rng, u);
  const edit = rng.chance(0.4);
  return [
    {
      kind: 'share',
      op: 'SharingSet',
      t,
      label: 'benign',
      key,
      actor: { type: 'user', index: u.index },
      driveId: drive.id,
      itemId: item.id,
      ip,
      userAgent: u.userAgent,
      target: { name: c.upn, type: 'Member' },
      grant: {
        permissionId: permissionId(drive, item.id, key),
        kind: 'user',
        roles: [edit ? 'write' : 'read'],
        recipients: [{ email: c.upn, displayName: c.displayName, id: c.id }],
        linkId: null,
        createdBy: u.index,
      },
      eventData: `<Permissions granted>${edit ? 'Contribute' : 'Read'}</Permissions granted><MembersCanShareApplied>False</MembersCanShareApplied>`,
    },
  ];
};

/** Partner collaboration: a project-site file shared with a B2B guest. */
const guestShare: Maker = (g, rng, t, u, key) => {
  const site = g.tenant.sites.find((s) => s.name === 'ProjectFalcon') ?? g.tenant.sites[0];
  const guest = g.tenant.guests[rng.int(g.tenant.guests.length)];
  if (!site || !guest) return [];
  const item = pickFile(rng, site.drive);
  return [
    {
      kind: 'share',
      op: 'SharingSet',
      t,
      label: 'benign',
      key,
      actor: { type: 'user', index: u.index },
      driveId: site.drive.id,
      itemId: item.id,
      ip: userIp(rng, u),
      userAgent: u.userAgent,
      target: { name: guest.upn.toLowerCase(), type: 'Guest' },
      grant: {
        permissionId: permissionId(site.drive, item.id, key),
        kind: 'user',
        roles: ['read'],
        recipients: [{ email: guest.mail, displayName: guest.displayName, id: guest.id }],
        linkId: null,
        createdBy: u.index,
      },
      eventData:
        '<Permissions granted>Read</Permissions granted><MembersCanShareApplied>False</MembersCanShareApplied>',
    },
  ];
};

const mailSend: Maker = (g, rng, t, u, key) => {
  const external = rng.chance(0.18);
  const to: string[] = [];
  if (external) {
    const partners = g.tenant.outsiders.filter((o) => o.kind === 'partner');
    to.push(
      rng.chance(0.5) && partners.length > 0
        ? rng.pick(partners).email
        : rng.pick(g.tenant.guests).mail,
    );
  } else {
    const n = rng.between(1, 3);
    for (let i = 0; i < n; i++) to.push(colleague(g, rng, u).upn);
  }
  const attachments = rng.chance(0.25) ? [pickFile(rng, u.drive).name] : [];
  const subject = rng.pick(SUBJECTS);
  const events: ActivityEvent[] = [
    {
      kind: 'mailSend',
      t,
      label: 'benign',
      key,
      from: u.index,
      to: [...new Set(to)],
      subject,
      size: rng.between(4_000, 60_000) + attachments.length * rng.between(20_000, 3_000_000),
      attachments,
      internetMessageId: messageId(rng, g.tenant),
      ip: userIp(rng, u),
      client: rng.weighted([
        ['Outlook', 5],
        ['OWA', 3],
        ['Mobile', 2],
      ] as const),
    },
  ];
  if (external && attachments.length > 0 && rng.chance(0.15)) {
    const st = rng.pick(SENSITIVE_TYPES);
    events.push({
      kind: 'dlp',
      t: t + SECOND,
      label: 'benign',
      key: `${key}.dlp`,
      workload: 'Exchange',
      user: u.index,
      recipients: to,
      subject,
      sensitiveType: { id: st.id, name: st.name },
      count: rng.between(1, 4),
      severity: 'Low',
      policy: 'Contoso - PCI and banking data',
      rule: 'Low volume of sensitive content shared externally',
      actions: ['NotifyUser'],
    });
  }
  return events;
};

const mailAccess: Maker = (_g, rng, t, u, key) => {
  const bind = rng.chance(0.7);
  const client = rng.weighted([
    ['Client=MSExchangeRPC', 5],
    [`Client=OWA;${u.userAgent};`, 3],
    ['Client=REST;Client=RESTSystem;;', 2],
  ] as const);
  return [
    {
      kind: 'mailAccess',
      t,
      label: 'benign',
      key,
      owner: u.index,
      ip: userIp(rng, u),
      accessType: bind ? 'Bind' : 'Sync',
      items: bind ? rng.between(1, 5) : 1,
      folder: rng.weighted([
        ['\\Inbox', 6],
        ['\\Sent Items', 2],
        ['\\Archive', 1],
      ] as const),
      app: null,
      clientInfo: client,
    },
  ];
};

function teamsChat(g: GenContext, rng: Rng, u: TenantUser) {
  const r = rng.next();
  if (r < 0.4) {
    const team =
      g.tenant.teams.find((tm) => tm.memberIndexes.includes(u.index)) ?? rng.pick(g.tenant.teams);
    return {
      threadId: team.threadId,
      communicationType: 'Team' as const,
      teamName: team.name,
      foreignTenantIds: [],
      foreignDomains: [],
      hasGuests: team.guestIndexes.length > 0,
    };
  }
  // Partner chats through external access: foreign-tenant participants (a benign near-miss).
  const foreign = rng.chance(0.07) ? rng.pick(g.tenant.foreignTenants.slice(0, 2)) : null;
  const oneOnOne = r < 0.7;
  return {
    threadId: oneOnOne ? `19:${u.id}_${rng.guid()}@unq.gbl.spaces` : `19:${rng.hex(32)}@thread.v2`,
    communicationType: oneOnOne ? ('OneOnOne' as const) : ('GroupChat' as const),
    teamName: null,
    foreignTenantIds: foreign ? [foreign.id] : [],
    foreignDomains: foreign ? [foreign.domain] : [],
    hasGuests: false,
  };
}

function teams(op: 'MessageSent' | 'ChatCreated' | 'MessageCreatedHasLink'): Maker {
  return (g, rng, t, u, key) => [
    {
      kind: 'teams',
      op,
      t,
      label: 'benign',
      key,
      actor: u.index,
      ip: userIp(rng, u),
      chat: teamsChat(g, rng, u),
    },
  ];
}

const teamsSession: Maker = (_g, rng, t, u, key) => [
  {
    kind: 'teams',
    op: 'TeamsSessionStarted',
    t,
    label: 'benign',
    key,
    actor: u.index,
    ip: userIp(rng, u),
    chat: null,
  },
];

const benignInboxRule: Maker = (g, rng, t, u, key) => {
  const forwardInternal = rng.chance(0.12);
  const name = forwardInternal
    ? `Forward to ${colleague(g, rng, u).givenName}`
    : rng.pick([
        'Newsletters',
        'Jira notifications',
        'Receipts',
        "Boss's mail",
        'CI "build" alerts',
      ]);
  const params: Array<[string, string]> = [
    ['AlwaysDeleteOutlookRulesBlob', 'False'],
    ['Force', 'False'],
    ['Name', name],
  ];
  if (forwardInternal) {
    params.push(['ForwardTo', colleague(g, rng, u).upn]);
  } else {
    params.push([
      'From',
      rng.pick(['news@contoso-updates.com', 'jira@contoso.com', 'receipts@expensify.example']),
    ]);
    params.push(['MoveToFolder', name]);
  }
  params.push(['StopProcessingRules', 'False']);
  return [
    {
      kind: 'exchangeCmdlet',
      t,
      label: 'benign',
      key,
      actor: u.index,
      op: 'New-InboxRule',
      objectId: `${mailboxPath(g.tenant, u)}\\${name}`,
      params,
      ip: userIp(rng, u),
    },
  ];
};

const exchangeAdmin: Maker = (g, rng, t, u, key) => {
  const target = rng.pick(g.tenant.users);
  const choice = rng.int(5);
  // Admin sessions come from the office over IPv4 or IPv6 (logged as [IPv6]:port).
  const ip = rng.chance(0.3) ? u.ipv6 : u.officeIp;
  const base = {
    kind: 'exchangeCmdlet' as const,
    t,
    label: 'benign',
    key,
    actor: u.index,
    ip,
  };
  switch (choice) {
    case 0:
      return [
        {
          ...base,
          op: 'Set-Mailbox',
          objectId: mailboxPath(g.tenant, target),
          params: [
            ['Identity', target.upn],
            ['ProhibitSendQuota', '49.5 GB (53,150,220,288 bytes)'],
          ],
        },
      ];
    case 1:
      return [
        {
          ...base,
          op: 'Add-MailboxPermission',
          objectId: `${g.tenant.initialDomain}/Shared ${target.department}`,
          params: [
            [
              'Identity',
              `shared.${target.department.toLowerCase().replace(/[^a-z]/g, '')}@${g.tenant.domain}`,
            ],
            ['User', target.upn],
            ['AccessRights', 'FullAccess'],
            ['InheritanceType', 'All'],
          ],
        },
      ];
    case 2:
      return [
        {
          ...base,
          op: 'Set-TransportRule',
          objectId: 'External sender disclaimer',
          params: [
            ['Identity', 'External sender disclaimer'],
            ['ApplyHtmlDisclaimerText', '<p>[EXTERNAL] Be careful with links.</p>'],
            ['FromScope', 'NotInOrganization'],
          ],
        },
      ];
    case 3:
      return [
        {
          ...base,
          op: 'Set-CASMailbox',
          objectId: mailboxPath(g.tenant, target),
          params: [
            ['Identity', target.upn],
            ['ActiveSyncEnabled', 'True'],
          ],
        },
      ];
    default:
      return [
        {
          ...base,
          op: 'New-DistributionGroup',
          objectId: `${g.tenant.initialDomain}/${target.department} announcements`,
          params: [
            ['Name', `${target.department} announcements`],
            ['Type', 'Distribution'],
          ],
        },
      ];
  }
};

const complianceAdmin: Maker = (_g, rng, t, u, key) => {
  const base = {
    kind: 'complianceCmdlet' as const,
    t,
    label: 'benign',
    key,
    actor: u.index,
    ip: u.officeIp,
    recordType: 18 as const,
  };
  const c = rng.weighted([
    ['Get-InsiderRiskPolicy', 4],
    ['Get-ComplianceSearch', 2],
    ['Get-DlpCompliancePolicy', 2],
    ['Set-RetentionCompliancePolicy', 1],
  ] as const);
  const params =
    c === 'Set-RetentionCompliancePolicy'
      ? '-Identity "Finance records 7y" -Comment "Annual review"'
      : c === 'Get-InsiderRiskPolicy'
        ? rng.chance(0.5)
          ? '-Identity "Data leaks by departing users"'
          : ''
        : '';
  return [
    {
      ...base,
      op: c,
      objectId: c === 'Set-RetentionCompliancePolicy' ? 'Finance records 7y' : '',
      params,
    },
  ];
};

const directoryAdmin: Maker = (g, rng, t, u, key) => {
  const target = rng.pick(g.tenant.users);
  const op = rng.weighted([
    ['Update user.', 4],
    ['Add member to group.', 3],
    ['Reset user password.', 1],
    ['Change user license.', 1],
  ] as const);
  return [
    {
      kind: 'directory',
      t,
      label: 'benign',
      key,
      op,
      actor: { type: 'user', index: u.index },
      ip: u.officeIp,
      objectId: target.upn,
      target: [
        { ID: `User_${target.id}`, Type: 2 },
        { ID: target.id, Type: 2 },
        { ID: 'User', Type: 2 },
        { ID: target.upn, Type: 5 },
        { ID: target.puid, Type: 3 },
      ],
      modified:
        op === 'Update user.'
          ? [{ Name: 'JobTitle', NewValue: JSON.stringify([target.jobTitle]), OldValue: '[]' }]
          : [],
      extended: [
        { Name: 'additionalDetails', Value: '{}' },
        { Name: 'extendedAuditEventCategory', Value: 'User' },
      ],
      resultStatus: 'Success',
    },
  ];
};

const benignConsent: Maker = (g, rng, t, u, key) => {
  const app = rng.pick(g.tenant.apps.benign);
  return [
    {
      kind: 'directory',
      t,
      label: 'benign',
      key,
      op: 'Consent to application.',
      actor: { type: 'user', index: u.index },
      ip: userIp(rng, u),
      objectId: app.appId,
      target: [
        { ID: `ServicePrincipal_${stableGuid(g.seed, 'sp', app.appId)}`, Type: 2 },
        { ID: app.displayName, Type: 1 },
      ],
      modified: [
        { Name: 'ConsentContext.IsAdminConsent', NewValue: 'False', OldValue: '' },
        { Name: 'ConsentContext.OnBehalfOfAll', NewValue: 'False', OldValue: '' },
        {
          Name: 'ConsentAction.Permissions',
          NewValue: `[] => [[Id: ${rng.hex(22)}, ClientId: ${app.appId}, PrincipalId: ${u.id}, ResourceId: ${APPS.graph}, ConsentType: Principal, Scope: User.Read openid profile offline_access, CreatedDateTime: , LastModifiedDateTime ]];`,
          OldValue: '',
        },
      ],
      extended: [{ Name: 'extendedAuditEventCategory', Value: 'ServicePrincipal' }],
      resultStatus: 'Success',
    },
  ];
};

const dlpFile: Maker = (_g, rng, t, u, key) => {
  const item = pickFile(rng, u.drive);
  const st = rng.pick(SENSITIVE_TYPES);
  return [
    {
      kind: 'dlp',
      t,
      label: 'benign',
      key,
      workload: 'OneDrive',
      user: u.index,
      driveId: u.drive.id,
      itemId: item.id,
      sensitiveType: { id: st.id, name: st.name },
      count: rng.between(1, 12),
      severity: rng.chance(0.8) ? 'Low' : 'Medium',
      policy: 'Contoso - PCI and banking data',
      rule: 'Sensitive content in OneDrive',
      actions: ['NotifyUser'],
    },
  ];
};

const EXCHANGE_ADMINS = ['Exchange Administrator', 'Global Administrator'] as const;
const COMPLIANCE_ADMINS = ['Compliance Administrator', 'eDiscovery Manager'] as const;
const GLOBAL_ADMINS = ['Global Administrator'] as const;

export const BENIGN_KINDS: readonly ActivityKind[] = [
  { name: 'signIn', rate: 0.7, make: signIn },
  { name: 'FileAccessed', rate: 2.4, make: fileOp('FileAccessed') },
  { name: 'FilePreviewed', rate: 0.7, make: fileOp('FilePreviewed') },
  { name: 'FileModified', rate: 0.8, make: fileOp('FileModified') },
  { name: 'FileUploaded', rate: 0.15, make: fileOp('FileUploaded') },
  { name: 'FileDownloaded', rate: 0.3, make: fileOp('FileDownloaded') },
  { name: 'FileSyncDownloadedFull', rate: 0.3, make: fileOp('FileSyncDownloadedFull', true) },
  { name: 'FileSyncUploadedFull', rate: 0.2, make: fileOp('FileSyncUploadedFull', true) },
  { name: 'FileRecycled', rate: 0.04, make: fileOp('FileRecycled') },
  { name: 'internalShare', rate: 0.06, make: internalShare },
  { name: 'guestShare', rate: 0.008, make: guestShare },
  { name: 'mailSend', rate: 0.6, make: mailSend },
  { name: 'mailAccess', rate: 1.2, make: mailAccess },
  { name: 'MessageSent', rate: 1.4, make: teams('MessageSent') },
  { name: 'MessageCreatedHasLink', rate: 0.1, make: teams('MessageCreatedHasLink') },
  { name: 'ChatCreated', rate: 0.04, make: teams('ChatCreated') },
  { name: 'TeamsSessionStarted', rate: 0.2, make: teamsSession },
  { name: 'benignInboxRule', rate: 0.004, make: benignInboxRule },
  { name: 'benignConsent', rate: 0.002, make: benignConsent },
  { name: 'dlpFile', rate: 0.004, make: dlpFile },
  { name: 'exchangeAdmin', rate: 0.5, roles: EXCHANGE_ADMINS, make: exchangeAdmin },
  { name: 'complianceAdmin', rate: 0.6, roles: COMPLIANCE_ADMINS, make: complianceAdmin },
  { name: 'directoryAdmin', rate: 0.4, roles: GLOBAL_ADMINS, make: directoryAdmin },
];

/** Cumulative activity weights for picking users in proportion to how busy they are. */
export class UserPicker {
  private readonly all: { users: TenantUser[]; cumulative: number[]; total: number };
  private readonly byRoles = new Map<
    string,
    { users: TenantUser[]; cumulative: number[]; total: number }
  >();

  constructor(private readonly users: TenantUser[]) {
    this.all = UserPicker.table(users);
  }

  private static table(users: TenantUser[]) {
    const cumulative: number[] = [];
    let total = 0;
    for (const u of users) {
      total += u.activity;
      cumulative.push(total);
    }
    return { users, cumulative, total };
  }

  group(roles?: readonly string[]) {
    if (!roles) return this.all;
    const k = roles.join('|');
    let g = this.byRoles.get(k);
    if (!g) {
      g = UserPicker.table(this.users.filter((u) => u.adminRoles.some((r) => roles.includes(r))));
      this.byRoles.set(k, g);
    }
    return g;
  }

  pick(rng: Rng, roles?: readonly string[]): TenantUser | null {
    const g = this.group(roles);
    if (g.users.length === 0) return null;
    const r = rng.next() * g.total;
    let lo = 0;
    let hi = g.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((g.cumulative[mid] as number) > r) hi = mid;
      else lo = mid + 1;
    }
    return g.users[lo] ?? null;
  }
}

/** Benign events of the slice [t0, t0 + sliceMs). */
export function benignSlice(
  g: GenContext,
  picker: UserPicker,
  slice: number,
  t0: number,
  sliceMs: number,
): ActivityEvent[] {
  const rng = new Rng(g.seed, 'benign-slice', slice);
  const factor = activityFactor(t0 + sliceMs / 2, g.tenant.utcOffsetHours);
  const hours = sliceMs / HOUR;
  const seconds = Math.max(1, Math.floor(sliceMs / SECOND));
  const out: ActivityEvent[] = [];
  BENIGN_KINDS.forEach((kind, k) => {
    const group = picker.group(kind.roles);
    const lambda = kind.rate * factor * hours * group.total;
    const n = rng.poisson(lambda);
    for (let i = 0; i < n; i++) {
      const u = picker.pick(rng, kind.roles);
      if (!u) break;
      const t = t0 + rng.int(seconds) * SECOND;
      const key = `b${slice}.${k}.${i}`;
      out.push(...kind.make(g, new Rng(g.seed, 'benign', key), t, u, key));
    }
  });
  // Nightly retention clean-up by the system: a benign FileVersionsAllDeleted (near-miss).
  if (localHour(t0, g.tenant.utcOffsetHours) === 2 && Math.floor(t0 / 60000) % 60 === 0) {
    const site = rng.pick(g.tenant.sites);
    const item = pickFile(rng, site.drive);
    out.push({
      kind: 'file',
      op: 'FileVersionsAllDeleted',
      t: t0 + rng.int(seconds) * SECOND,
      label: 'benign',
      key: `b${slice}.sys`,
      actor: { type: 'system', name: 'SHAREPOINT\\system', key: 'S-1-0-0' },
      driveId: site.drive.id,
      itemId: item.id,
      ip: '',
      userAgent: 'Microsoft.SharePoint.RetentionPolicy',
    });
  }
  return out;
}
