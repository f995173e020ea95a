// Benign activity in Exchange mailboxes: sending and reading mail, and benign inbox rules (a
// near-miss for inbox-rule rules) (docs/simulator.md).
import { SECOND } from '../util/time.js';
import { SENSITIVE_TYPES } from '../records/compliance.js';
import { SUBJECTS } from '../tenant/names.js';
import { colleague, mailboxPath, messageId, pickFile, userIp } from './context.js';
import type { ActivityEvent } from './events.js';
import type { Maker } from './benign-maker.js';

export const mailSend: Maker = (g, rng, t, u, key) => {
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

export const mailAccess: Maker = (_g, rng, t, u, key) => {
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

export const benignInboxRule: Maker = (g, rng, t, u, key) => {
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
