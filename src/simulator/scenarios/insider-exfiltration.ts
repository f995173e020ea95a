// A departing employee copies strategic and confidential files into their OneDrive, shares them
// with a competitor guest, a personal address and an anonymous link that outsiders then use,
// downloads in bulk and syncs to an unmanaged device — and keeps sharing every few hours until
// the account is stopped.
import type { ActivityEvent, Actor } from '../activity/events.js';
import { HOUR, MINUTE } from '../util/time.js';
import { ATTACKER_IPS, type ScenarioDefinition, sec } from './kit.js';

export const insiderExfiltration: ScenarioDefinition = {
  name: 'insider-exfiltration',
  title: 'Insider shares strategic files outside and downloads in bulk',
  techniques: ['T1530', 'T1567', 'T1537', 'T1048'],
  description:
    'A departing employee shares strategic and confidential OneDrive files with a competitor guest and a personal address (SharingSet, SharingInvitationCreated, AddedToSecureLink), creates an anonymous link that outsiders use (AnonymousLinkCreated, AnonymousLinkUsed), then bulk-downloads (FileDownloaded) and syncs to an unmanaged device (FileSyncDownloadedFull). Sharing continues every 6 hours until the account is disabled and the links are removed.',
  durationMinutes: 200,
  plan(kit, anchor) {
    const { tenant } = kit.g;
    const u = kit.actor(
      (x) =>
        ['Sales', 'Research & Development'].includes(x.department) && x.adminRoles.length === 0,
    );
    const me: Actor = { type: 'user', index: u.index };
    const drive = u.drive;
    const created = anchor - 30 * 24 * HOUR;
    const strategic = [
      kit.addItem(drive, 'Projects', 'Strategic roadmap 2027 (copy).pptx', created),
      kit.addItem(drive, 'Projects', 'Customer list "Tier 1" strategic.xlsx', created),
      kit.addItem(drive, 'Projects', 'Strategic pricing model - Confidential.xlsx', created),
      kit.addItem(drive, 'Projects', "Competitor's strategic teardown.docx", created),
      kit.addItem(drive, 'Personal', 'strategic accounts - export.csv', created),
    ];
    const projects = kit.folderItem(drive, 'Projects', created);
    const competitorGuest =
      tenant.guests.find((g) => g.domain === 'tailspintoys.com') ?? tenant.guests[0];
    const personal = tenant.outsiders.filter((o) => o.kind === 'personal');
    const competitor = tenant.outsiders.filter((o) => o.kind === 'competitor');
    const gmail = personal[0] ?? { email: 'someone@gmail.com', displayName: 'Someone' };
    const rival = competitor[0] ?? { email: 'bids@tailspintoys.com', displayName: 'Bids' };
    const ip = ATTACKER_IPS.insiderHome;
    const ua = u.userAgent;
    let t = sec(anchor);

    kit.push(kit.signIn(t, u, ip, 0));
    // Reconnaissance of the strategy site, then copies into the OneDrive.
    const strategy = tenant.sites.find((s) => s.name === 'Strategy') ?? tenant.sites[0];
    if (strategy) {
      for (const [k, item] of strategy.drive.items.filter((i) => !i.isFolder).entries()) {
        kit.push(kit.file(t + (k + 1) * 40_000, 'FileAccessed', me, strategy.drive, item, ip, ua));
        kit.push(
          kit.file(t + (k + 1) * 40_000 + 9000, 'FileDownloaded', me, strategy.drive, item, ip, ua),
        );
      }
    }
    t += 8 * MINUTE;
    for (const [k, item] of strategic.entries()) {
      kit.push(kit.file(t + k * 30_000, 'FileUploaded', me, drive, item, ip, ua));
    }
    t += 6 * MINUTE;

    // Shares with the competitor guest (a directory guest → SharingSet in OneDrive).
    if (competitorGuest) {
      for (const item of strategic.slice(0, 3)) {
        kit.push(
          kit.share(
            t,
            'SharingSet',
            me,
            drive,
            item,
            ip,
            ua,
            { name: competitorGuest.upn.toLowerCase(), type: 'Guest' },
            {
              kind: 'user',
              roles: ['read'],
              recipients: [
                {
                  email: competitorGuest.mail,
                  displayName: competitorGuest.displayName,
                  id: competitorGuest.id,
                },
              ],
              linkId: null,
              createdBy: u.index,
            },
            '<Permissions granted>Read</Permissions granted><MembersCanShareApplied>False</MembersCanShareApplied>',
          ),
        );
        t += 45_000;
      }
      // The whole Projects folder too: its files then carry an inherited permission.
      kit.push(
        kit.share(
          t,
          'SharingSet',
          me,
          drive,
          projects,
          ip,
          ua,
          { name: competitorGuest.upn.toLowerCase(), type: 'Guest' },
          {
            kind: 'user',
            roles: ['write'],
            recipients: [
              {
                email: competitorGuest.mail,
                displayName: competitorGuest.displayName,
                id: competitorGuest.id,
              },
            ],
            linkId: null,
            createdBy: u.index,
          },
          '<Permissions granted>Contribute</Permissions granted><MembersCanShareApplied>False</MembersCanShareApplied>',
        ),
      );
      t += 60_000;
    }

    // An invitation to a personal address (not in the directory).
    kit.push(kit.inviteToView(t, me, drive, strategic[3] ?? projects, ip, ua, gmail, u.index));
    t += 2 * MINUTE;

    // A specific-people link for the personal address and the competitor.
    const secure = strategic[2] ?? projects;
    const linkId = kit.rng.guid();
    const securePermission = Buffer.from(`insider-secure|${secure.id}`).toString('base64url');
    kit.push(
      kit.share(
        t,
        'SecureLinkCreated',
        me,
        drive,
        secure,
        ip,
        ua,
        null,
        { kind: 'users', roles: ['read'], recipients: [], linkId, createdBy: u.index },
        '<Type>View</Type>',
        { permissionId: securePermission },
      ),
    );
    for (const who of [gmail, rival]) {
      t += 20_000;
      kit.push(
        kit.share(
          t,
          'AddedToSecureLink',
          me,
          drive,
          secure,
          ip,
          ua,
          { name: who.email, type: 'Guest' },
          {
            kind: 'users',
            roles: ['read'],
            recipients: [{ email: who.email, displayName: who.displayName, id: null }],
            linkId,
            createdBy: u.index,
          },
          '<Type>View</Type><MembersCanShareApplied>False</MembersCanShareApplied>',
          { permissionId: securePermission },
        ),
      );
    }
    t += 3 * MINUTE;

    // An anonymous ("Anyone") link, then outsiders using it.
    const anonItem = strategic[1] ?? projects;
    const anonLink = kit.rng.guid();
    const anonPermission = Buffer.from(`insider-anon|${anonItem.id}`).toString('base64url');
    kit.push(
      kit.share(
        t,
        'AnonymousLinkCreated',
        me,
        drive,
        anonItem,
        ip,
        ua,
        null,
        {
          kind: 'anonymous',
          roles: ['read'],
          recipients: [],
          linkId: anonLink,
          createdBy: u.index,
        },
        '<Type>View</Type>',
        { permissionId: anonPermission },
      ),
    );
    kit.push(
      kit.share(
        t + 1000,
        'SharingSet',
        me,
        drive,
        anonItem,
        ip,
        ua,
        {
          name: `SharingLinks.${anonItem.listItemUniqueId}.AnonymousView.${anonLink}`,
          type: 'SharePointGroup',
        },
        null,
        '<Permissions granted>Read</Permissions granted><MembersCanShareApplied>False</MembersCanShareApplied>',
      ),
    );
    const uses = kit.times(t + 5 * MINUTE, 8, 900);
    for (const [k, at] of uses.entries()) {
      const outsiderIp = ATTACKER_IPS.anonymous[k % ATTACKER_IPS.anonymous.length] as string;
      kit.push(
        kit.share(
          at,
          'AnonymousLinkUsed',
          { type: 'external', email: null, ip: outsiderIp },
          drive,
          anonItem,
          outsiderIp,
          'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
          null,
          null,
          '<Type>View</Type>',
          { viaPermissionId: anonPermission },
        ),
      );
    }
    t += 12 * MINUTE;

    // Mass download across the sites the insider can reach, then a full sync to a new device.
    const reachable = [
      drive,
      ...tenant.sites
        .filter(
          (s) =>
            s.department === u.department ||
            ['Strategy', 'Deals', 'ProjectFalcon'].includes(s.name),
        )
        .map((s) => s.drive),
    ];
    const pool = reachable.flatMap((d) =>
      d.items.filter((i) => !i.isFolder).map((i) => ({ d, i })),
    );
    for (const [k, at] of kit.times(t, 70, 14).entries()) {
      const pick = pool[k % pool.length];
      if (pick) kit.push(kit.file(at, 'FileDownloaded', me, pick.d, pick.i, ip, ua));
    }
    t += 30 * MINUTE;
    const rogueDevice = kit.rng.guid();
    for (const [k, at] of kit.times(t, 45, 8).entries()) {
      const pick = pool[(k * 7) % pool.length];
      if (pick)
        kit.push(
          kit.file(at, 'FileSyncDownloadedFull', me, pick.d, pick.i, ip, ua, {
            machineId: rogueDevice,
            managedDevice: false,
          }),
        );
    }
    t += 20 * MINUTE;

    // A copy by mail to the personal address, caught (but not blocked) by DLP.
    kit.push({
      kind: 'mailSend',
      t,
      label: kit.name,
      key: kit.key(),
      from: u.index,
      to: [gmail.email],
      subject: 'fyi',
      size: 4_800_000,
      attachments: ['strategic accounts - export.csv'],
      internetMessageId: `<${kit.rng.hex(24).toUpperCase()}@${tenant.servers[0]?.split(' ')[0] ?? 'AM0PR06MB1234'}.eurprd06.prod.outlook.com>`,
      ip,
      client: 'OWA',
    });
    kit.push({
      kind: 'dlp',
      t: t + 2000,
      label: kit.name,
      key: kit.key(),
      workload: 'Exchange',
      user: u.index,
      recipients: [gmail.email],
      subject: 'fyi',
      sensitiveType: { id: '50842eb7-edc8-4019-85dd-5a5c1f2bb085', name: 'Credit Card Number' },
      count: 214,
      severity: 'High',
      policy: 'Contoso - PCI and banking data',
      rule: 'High volume of sensitive content shared externally',
      actions: ['NotifyUser', 'GenerateIncidentReport'],
    });

    // Afterwards: every 6 hours another share to a personal address and a few downloads.
    const tailStart = sec(anchor + 4 * HOUR);
    const period = 6 * HOUR;
    const recurring = (t0: number, t1: number): ActivityEvent[] => {
      const out: ActivityEvent[] = [];
      const first = Math.max(0, Math.ceil((t0 - tailStart) / period));
      for (let k = first; tailStart + k * period < t1; k++) {
        const at = tailStart + k * period;
        if (at < t0) continue;
        const item = strategic[k % strategic.length] ?? projects;
        const to = personal[(k + 1) % Math.max(1, personal.length)] ?? gmail;
        out.push(
          kit.inviteToView(at, me, drive, item, ip, ua, to, u.index, {
            key: `${kit.name}.tail.${k}.share`,
          }),
        );
        for (let j = 0; j < 3; j++) {
          const pick = pool[(k * 3 + j) % pool.length];
          if (pick)
            out.push(
              kit.file(
                at + (j + 1) * 50_000,
                'FileDownloaded',
                me,
                pick.d,
                pick.i,
                ip,
                ua,
                {},
                `${kit.name}.tail.${k}.dl${j}`,
              ),
            );
        }
      }
      return out;
    };
    return { actors: [u], recurring };
  },
};
