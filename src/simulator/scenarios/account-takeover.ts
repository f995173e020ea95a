// An account taken over from abroad: the user signs in from home in Germany, and half an hour
// later someone signs in as them from Nigeria (a country the user never signed in from, and an
// impossible journey in that time), then from Brazil; from there files are shared with personal
// addresses in a burst, and the mailbox sends attachments to many outside domains. Sign-ins show
// in the Management API and in Graph's sign-in logs (with Microsoft's location), the mail in the
// message trace: the rules of packs/entra fire on these records.
import { mailboxPath } from '../activity/context.js';
import type { Actor } from '../activity/events.js';
import { FOREIGN_IPS } from '../tenant/geo.js';
import { HOUR, MINUTE } from '../util/time.js';
import { type ScenarioDefinition, sec } from './kit.js';

const ATTACKER_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

/** Outside mailboxes the attacker sends to: personal providers and unknown businesses. */
const DROP_BOXES = [
  'gmail.com',
  'outlook.com',
  'proton.me',
  'yahoo.com',
  'gmx.net',
  'mail.ru',
  'icloud.com',
  'hotmail.com',
  'northwind-traders.example',
  'fourthcoffee.example',
  'wingtiptoys.example',
  'woodgrove.example',
];

export const accountTakeover: ScenarioDefinition = {
  name: 'account-takeover',
  title: 'Sign-in from a new country and impossible travel, then sharing and mail out',
  techniques: ['T1078.004', 'T1567', 'T1114.003', 'T1048.003', 'T1564.008'],
  description:
    'The user signs in from home in Germany; 35 minutes later the account signs in from Nigeria (a new country, an impossible journey) and then Brazil, makes two inbox rules within a minute that bury the mail of two colleagues (From → Conversation History, marked read, no further rules: New-InboxRule), shares eight confidential files with personal addresses within half an hour (SharingInvitationCreated, AnonymousLinkCreated), and sends 24 messages with attachments to 12 outside domains (Send, message trace).',
  durationMinutes: 150,
  plan(kit, anchor) {
    const { tenant } = kit.g;
    const victim = kit.actor((u) => u.adminRoles.length === 0 && u.department !== 'IT');
    const me: Actor = { type: 'user', index: victim.index };
    const drive = victim.drive;
    const created = anchor - 20 * 24 * HOUR;
    const files = [
      'Board pack Q3 - Confidential.pdf',
      'Salary bands 2027.xlsx',
      'M&A shortlist (strategic).xlsx',
      'Supplier contracts - Confidential.zip',
      'Product roadmap 2027.pptx',
      'Customer master data.csv',
      'Pricing exceptions - Confidential.xlsx',
      'Patent drafts.docx',
    ].map((name) => kit.addItem(drive, 'Finance', name, created));
    const personal = tenant.outsiders.filter((o) => o.kind === 'personal');
    const drop = personal[0] ?? { email: 'exfil.box@gmail.com', displayName: 'Box' };
    let t = sec(anchor);

    // A normal morning: the user signs in from home.
    kit.push(kit.signIn(t, victim, victim.homeIp, 0));
    t += 35 * MINUTE;
    // The takeover: a wrong password, then success, from Nigeria; minutes later from Brazil.
    kit.push(kit.signIn(t, victim, FOREIGN_IPS.takeover, 50126, ATTACKER_UA));
    t += 40_000;
    kit.push(kit.signIn(t, victim, FOREIGN_IPS.takeover, 0, ATTACKER_UA));
    kit.push(kit.signIn(t + 12 * MINUTE, victim, FOREIGN_IPS.travel, 0, ATTACKER_UA));
    t += 3 * MINUTE;
    const ip = FOREIGN_IPS.takeover;
    // Hide the warnings: the mail of the people who would notice goes unread to a folder no one
    // opens (the pattern of real takeovers, docs/real-records.md).
    const warners = tenant.users.filter((u) => u.index !== victim.index).slice(0, 2);
    for (const [k, w] of warners.entries()) {
      const name = k === 0 ? '.' : '..';
      kit.push({
        kind: 'exchangeCmdlet',
        t: t + k * 40_000,
        label: kit.name,
        key: kit.key(),
        actor: victim.index,
        op: 'New-InboxRule',
        objectId: `${mailboxPath(tenant, victim)}\\${name}`,
        params: [
          ['AlwaysDeleteOutlookRulesBlob', 'False'],
          ['Force', 'False'],
          ['From', w.upn],
          ['MoveToFolder', 'Conversation History'],
          ['MarkAsRead', 'True'],
          ['Name', name],
          ['StopProcessingRules', 'True'],
        ],
        ip,
      });
    }
    t += 2 * MINUTE;
    // The sharing burst: invitations to a personal address, and an Anyone link.
    for (const [k, item] of files.entries()) {
      const at = t + k * 150_000;
      if (k === files.length - 1) {
        kit.push(
          kit.share(
            at,
            'AnonymousLinkCreated',
            me,
            drive,
            item,
            ip,
            ATTACKER_UA,
            null,
            {
              kind: 'anonymous',
              roles: ['read'],
              recipients: [],
              linkId: kit.rng.guid(),
              createdBy: victim.index,
            },
            '<Type>View</Type><MembersCanShareApplied>False</MembersCanShareApplied>',
          ),
        );
        continue;
      }
      kit.push(kit.inviteToView(at, me, drive, item, ip, ATTACKER_UA, drop, victim.index));
    }
    t += files.length * 150_000 + 5 * MINUTE;
    // Mail out: attachments to personal mailboxes and unknown businesses.
    for (const [k, at] of kit.times(t, 24, 50).entries()) {
      const domain = DROP_BOXES[k % DROP_BOXES.length]!;
      const file = files[k % files.length]!;
      const local = `${['ops', 'inbox', 'files', 'archive'][k % 4]}${(k * 7) % 97}`;
      kit.push({
        kind: 'mailSend',
        t: at,
        label: kit.name,
        key: kit.key(),
        from: victim.index,
        to: [`${local}@${domain}`],
        subject: `FW: ${file.name}`,
        size: 180_000 + kit.rng.between(200_000, 4_000_000),
        attachments: [file.name],
        internetMessageId: `<${kit.rng.hex(20).toUpperCase()}@${victim.upn.split('@')[1]}>`,
        ip,
        client: 'OWA',
      });
    }
    return { actors: [victim] };
  },
};
