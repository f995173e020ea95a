// Benign admin work: Exchange, compliance and directory administrators' cmdlets and operations,
// and benign app consents (docs/simulator.md).
import { stableGuid } from '../util/prng.js';
import { mailboxPath, userIp } from './context.js';
import { APPS } from './events.js';
import type { Maker } from './benign-maker.js';

export const exchangeAdmin: Maker = (g, rng, t, u, key) => {
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

export const complianceAdmin: Maker = (_g, rng, t, u, key) => {
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

export const directoryAdmin: Maker = (g, rng, t, u, key) => {
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

export const benignConsent: Maker = (g, rng, t, u, key) => {
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
