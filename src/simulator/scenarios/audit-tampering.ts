// An admin switches off the audit trail to hide what comes next.
import { mailboxPath } from '../activity/context.js';
import { MINUTE } from '../util/time.js';
import { ATTACKER_IPS, type ScenarioDefinition, sec } from './kit.js';

export const auditTampering: ScenarioDefinition = {
  name: 'audit-tampering',
  title: 'Audit logging disabled',
  techniques: ['T1562.008', 'T1562.001'],
  description:
    'A Global Administrator account signs in with Exchange PowerShell from an unfamiliar IP, turns unified audit ingestion off (Set-AdminAuditLogConfig -UnifiedAuditLogIngestionEnabled False), exempts a mailbox from auditing (Set-MailboxAuditBypassAssociation), disables mailbox auditing (Set-Mailbox -AuditEnabled False) and removes an audit configuration policy (Remove-AuditConfigurationPolicy).',
  durationMinutes: 20,
  plan(kit, anchor) {
    const { tenant } = kit.g;
    const admin = kit.actor((u) => u.adminRoles.includes('Global Administrator'));
    const shielded = kit.actor((u) => u.adminRoles.length === 0);
    kit.taken.delete(shielded.index);
    const ip = ATTACKER_IPS.tampering;
    let t = sec(anchor);
    kit.push(
      kit.signIn(
        t,
        admin,
        ip,
        0,
        'Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.4291',
      ),
    );
    t += 2 * MINUTE;
    kit.push(
      kit.exchange(
        t,
        admin,
        'Set-AdminAuditLogConfig',
        'Admin Audit Log Settings',
        [['UnifiedAuditLogIngestionEnabled', 'False']],
        ip,
      ),
    );
    t += 2 * MINUTE;
    kit.push(
      kit.exchange(
        t,
        admin,
        'Set-MailboxAuditBypassAssociation',
        mailboxPath(tenant, shielded),
        [
          ['Identity', shielded.upn],
          ['AuditBypassEnabled', 'True'],
        ],
        ip,
      ),
    );
    t += MINUTE;
    kit.push(
      kit.exchange(
        t,
        admin,
        'Set-Mailbox',
        mailboxPath(tenant, shielded),
        [
          ['Identity', shielded.upn],
          ['AuditEnabled', 'False'],
        ],
        ip,
      ),
    );
    t += 2 * MINUTE;
    // Remove-AuditConfigurationPolicy is a Security & Compliance cmdlet (docs/microsoft-apis.md,
    // "Exchange admin") that would be logged under SecurityComplianceCenter; the seed query looks
    // for it in the exchange sub-table, so the simulator emits it as an Exchange admin record
    // (Workload Exchange).
    const policy = kit.rng.guid();
    kit.push(
      kit.exchange(
        t,
        admin,
        'Remove-AuditConfigurationPolicy',
        policy,
        [
          ['Identity', policy],
          ['Confirm', 'False'],
        ],
        ip,
      ),
    );
    return { actors: [admin] };
  },
};
