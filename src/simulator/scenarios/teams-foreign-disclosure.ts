// An engineer discloses project material in Teams chats with a competitor's tenant.
import type { Actor } from '../activity/events.js';
import { HOUR, MINUTE } from '../util/time.js';
import { type ScenarioDefinition, sec } from './kit.js';

export const teamsForeignDisclosure: ScenarioDefinition = {
  name: 'teams-foreign-disclosure',
  title: 'Teams disclosure to a foreign tenant',
  techniques: ['T1567', 'T1213.005'],
  description:
    "An engineer opens a one-on-one chat and a group chat with users of a competitor's tenant through external access (ParticipantInfo.HasForeignTenantUsers true), sends many messages with links, and shares a confidential document with the outside participant (AddedToSecureLink).",
  durationMinutes: 50,
  plan(kit, anchor) {
    const { tenant } = kit.g;
    const u = kit.actor(
      (x) =>
        ['Engineering', 'Research & Development'].includes(x.department) &&
        x.adminRoles.length === 0,
    );
    const rival =
      tenant.foreignTenants.find((f) => f.domain === 'tailspintoys.com') ??
      tenant.foreignTenants[0];
    if (!rival) return { actors: [u] };
    const contact = rival.users[0] ?? {
      upn: `contact@${rival.domain}`,
      displayName: 'Contact',
      id: '',
    };
    const ip = u.officeIp;
    let t = sec(anchor);
    const oneOnOne = {
      threadId: `19:${u.id}_${contact.id}@unq.gbl.spaces`,
      communicationType: 'OneOnOne' as const,
      teamName: null,
      foreignTenantIds: [rival.id],
      foreignDomains: [rival.domain],
      hasGuests: false,
    };
    const group = {
      threadId: `19:${kit.rng.hex(32)}@thread.v2`,
      communicationType: 'GroupChat' as const,
      teamName: null,
      foreignTenantIds: [rival.id],
      foreignDomains: [rival.domain],
      hasGuests: false,
    };
    kit.push(kit.teams(t, u, 'ChatCreated', ip, oneOnOne));
    for (const at of kit.times(t + MINUTE, 14, 100))
      kit.push(kit.teams(at, u, 'MessageSent', ip, oneOnOne));
    const doc = kit.addItem(
      u.drive,
      'Microsoft Teams Chat Files',
      'Falcon architecture - Confidential.pptx',
      anchor - 48 * HOUR,
    );
    t += 12 * MINUTE;
    kit.push(
      kit.file(
        t,
        'FileUploaded',
        { type: 'user', index: u.index } as Actor,
        u.drive,
        doc,
        ip,
        u.userAgent,
      ),
    );
    const linkId = kit.rng.guid();
    const permissionId = Buffer.from(`teams-foreign|${doc.id}`).toString('base64url');
    kit.push(
      kit.share(
        t + 20_000,
        'SecureLinkCreated',
        { type: 'user', index: u.index },
        u.drive,
        doc,
        ip,
        u.userAgent,
        null,
        { kind: 'users', roles: ['read'], recipients: [], linkId, createdBy: u.index },
        '<Type>View</Type>',
        { permissionId },
      ),
    );
    kit.push(
      kit.share(
        t + 25_000,
        'AddedToSecureLink',
        { type: 'user', index: u.index },
        u.drive,
        doc,
        ip,
        u.userAgent,
        { name: contact.upn, type: 'Guest' },
        {
          kind: 'users',
          roles: ['read'],
          recipients: [{ email: contact.upn, displayName: contact.displayName, id: null }],
          linkId,
          createdBy: u.index,
        },
        '<Type>View</Type><MembersCanShareApplied>False</MembersCanShareApplied>',
        { permissionId },
      ),
    );
    kit.push(kit.teams(t + 40_000, u, 'MessageCreatedHasLink', ip, oneOnOne, doc.name));
    t += 10 * MINUTE;
    kit.push(kit.teams(t, u, 'ChatCreated', ip, group));
    for (const at of kit.times(t + MINUTE, 10, 120))
      kit.push(kit.teams(at, u, 'MessageSent', ip, group));
    kit.push(kit.teams(t + 15 * MINUTE, u, 'MessageCreatedHasLink', ip, group, doc.name));
    return { actors: [u] };
  },
};
