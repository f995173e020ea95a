// Password spray from one IP, brute force on one account, then a successful sign-in and a
// first look around the mailbox and files.
import type { Actor } from '../activity/events.js';
import { MINUTE } from '../util/time.js';
import { ATTACKER_IPS, type ScenarioDefinition, sec } from './kit.js';

const SPRAY_UA = 'Mozilla/5.0 (compatible; MSAL 1.0) BAV2ROPC';

export const passwordSpray: ScenarioDefinition = {
  name: 'password-spray',
  title: 'Password spray and brute force, then a successful sign-in',
  techniques: ['T1110.003', 'T1110.001', 'T1078.004'],
  description:
    'One IP fails to sign in as many users (UserLoginFailed, ErrorNumber 50126), then hammers one account until it locks (50126, then 50053), and later signs in as that account (UserLoggedIn from the same IP) and reads its mailbox.',
  durationMinutes: 110,
  plan(kit, anchor) {
    const { tenant } = kit.g;
    const victim = kit.actor((u) => u.adminRoles.length === 0);
    const ip = ATTACKER_IPS.spray;
    let t = sec(anchor);
    const targets = kit.rng.sample(
      tenant.users.filter((u) => u.index !== victim.index),
      Math.max(8, Math.min(80, Math.round(tenant.users.length * 0.6))),
    );
    for (const [k, at] of kit.times(t, targets.length, 25).entries()) {
      const u = targets[k];
      if (u) kit.push(kit.signIn(at, u, ip, 50126, SPRAY_UA));
    }
    kit.push(kit.signIn(t + 7 * MINUTE, victim, ip, 50126, SPRAY_UA));
    t += Math.max(40 * MINUTE, targets.length * 30_000);
    for (const at of kit.times(t, 14, 18)) kit.push(kit.signIn(at, victim, ip, 50126, SPRAY_UA));
    t += 6 * MINUTE;
    for (const at of kit.times(t, 4, 30)) kit.push(kit.signIn(at, victim, ip, 50053, SPRAY_UA));
    t += 30 * MINUTE;
    kit.push(kit.signIn(t, victim, ip, 0, SPRAY_UA));
    t += 2 * MINUTE;
    for (const at of kit.times(t, 6, 60)) {
      kit.push({
        kind: 'mailAccess',
        t: at,
        label: kit.name,
        key: kit.key(),
        owner: victim.index,
        ip,
        accessType: 'Sync',
        items: 1,
        folder: kit.rng.pick(['\\Inbox', '\\Sent Items', '\\Archive']),
        app: null,
        clientInfo: 'Client=REST;Client=RESTSystem;;',
      });
    }
    const me: Actor = { type: 'user', index: victim.index };
    for (const [k, at] of kit.times(t + 8 * MINUTE, 5, 40).entries()) {
      const item = victim.drive.items.filter((i) => !i.isFolder)[k];
      if (item) kit.push(kit.file(at, 'FileAccessed', me, victim.drive, item, ip, SPRAY_UA));
    }
    return { actors: [victim] };
  },
};
