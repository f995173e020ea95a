// Consent phishing: a user grants a third-party app Mail.Read, and the app reads the mailbox
// from its own infrastructure, every two hours, for as long as the user's tokens stay valid.
import type { ActivityEvent } from '../activity/events.js';
import { APPS } from '../activity/events.js';
import { stableGuid } from '../util/prng.js';
import { HOUR, MINUTE } from '../util/time.js';
import { ATTACKER_IPS, type ScenarioDefinition, sec } from './kit.js';

export const mailAppConsent: ScenarioDefinition = {
  name: 'mail-app-consent',
  title: 'Consent to a mail-reading application',
  techniques: ['T1528', 'T1114.002', 'T1566.002'],
  description:
    'A user consents to an unverified third-party app asking for Mail.Read ("Consent to application."), its service principal is added, and the app reads the mailbox through Microsoft Graph from outside (MailItemsAccessed with the app\'s AppId and ClientAppId) every two hours until the user is disabled or their sessions are revoked.',
  durationMinutes: 40,
  plan(kit, anchor) {
    const { tenant } = kit.g;
    const victim = kit.actor(
      (u) =>
        u.adminRoles.length === 0 &&
        ['Sales', 'Marketing', 'Human Resources', 'Legal'].includes(u.department),
    );
    const app = tenant.apps.malicious;
    const spId = stableGuid(kit.g.seed, 'sp', app.appId);
    let t = sec(anchor);
    kit.push(kit.signIn(t, victim, victim.homeIp, 0));
    t += MINUTE;
    kit.push({
      kind: 'directory',
      t,
      label: kit.name,
      key: kit.key(),
      op: 'Add service principal.',
      actor: { type: 'user', index: victim.index },
      ip: victim.homeIp,
      objectId: spId,
      target: [
        { ID: `ServicePrincipal_${spId}`, Type: 2 },
        { ID: spId, Type: 2 },
        { ID: app.displayName, Type: 1 },
        { ID: app.appId, Type: 2 },
      ],
      modified: [
        { Name: 'AccountEnabled', NewValue: '[true]', OldValue: '[]' },
        { Name: 'AppPrincipalId', NewValue: `["${app.appId}"]`, OldValue: '[]' },
        { Name: 'DisplayName', NewValue: `["${app.displayName}"]`, OldValue: '[]' },
      ],
      extended: [{ Name: 'extendedAuditEventCategory', Value: 'ServicePrincipal' }],
      resultStatus: 'Success',
    });
    kit.push({
      kind: 'directory',
      t: t + 2000,
      label: kit.name,
      key: kit.key(),
      op: 'Consent to application.',
      actor: { type: 'user', index: victim.index },
      ip: victim.homeIp,
      objectId: app.appId,
      target: [
        { ID: `ServicePrincipal_${spId}`, Type: 2 },
        { ID: app.displayName, Type: 1 },
        { ID: app.appId, Type: 2 },
      ],
      modified: [
        { Name: 'ConsentContext.IsAdminConsent', NewValue: 'False', OldValue: '' },
        { Name: 'ConsentContext.IsAppOnly', NewValue: 'False', OldValue: '' },
        { Name: 'ConsentContext.OnBehalfOfAll', NewValue: 'False', OldValue: '' },
        {
          Name: 'ConsentAction.Permissions',
          NewValue: `[] => [[Id: ${kit.rng.hex(22)}, ClientId: ${spId}, PrincipalId: ${victim.id}, ResourceId: ${APPS.graph}, ConsentType: Principal, Scope: Mail.Read Mail.ReadBasic User.Read offline_access, CreatedDateTime: , LastModifiedDateTime ]];`,
          OldValue: '',
        },
      ],
      extended: [{ Name: 'extendedAuditEventCategory', Value: 'ServicePrincipal' }],
      resultStatus: 'Success',
    });
    const read = (at: number, key: string, items: number): ActivityEvent => ({
      kind: 'mailAccess',
      t: at,
      label: kit.name,
      key,
      dependsOnUser: victim.index,
      owner: victim.index,
      ip: ATTACKER_IPS.consentApp,
      accessType: 'Bind',
      items,
      folder: '\\Inbox',
      app: { appId: app.appId, name: app.displayName },
      clientInfo: 'Client=REST;Client=RESTSystem;;',
    });
    for (const at of kit.times(t + 10 * MINUTE, 6, 240))
      kit.push(read(at, kit.key(), kit.rng.between(20, 60)));
    const tailStart = sec(anchor + 2 * HOUR);
    const period = 2 * HOUR;
    const recurring = (t0: number, t1: number): ActivityEvent[] => {
      const out: ActivityEvent[] = [];
      const first = Math.max(0, Math.ceil((t0 - tailStart) / period));
      for (let k = first; tailStart + k * period < t1; k++) {
        const at = tailStart + k * period;
        if (at >= t0) out.push(read(at, `${kit.name}.tail.${k}`, 10 + (k % 25)));
      }
      return out;
    };
    return { actors: [victim], recurring };
  },
};
