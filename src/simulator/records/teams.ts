// Microsoft Teams records (Audit.General, RecordType 25) with ParticipantInfo on chat and
// message records (docs/microsoft-apis.md, "Teams"); membership and session records carry none.
import type { TeamsEvent } from '../activity/events.js';
import type { Rng } from '../util/prng.js';
import { type BuildContext, type BuiltRecord, common, userAt } from './common.js';

export function buildTeams(ctx: BuildContext, e: TeamsEvent, rng: Rng): BuiltRecord {
  const u = userAt(ctx, e.actor);
  const r = common(ctx, rng, {
    t: e.t,
    operation: e.op,
    recordType: 25,
    workload: 'MicrosoftTeams',
    userType: 0,
    userKey: u.id,
    userId: u.upn,
    clientIp: e.ip,
  });
  if (e.chat) {
    const c = e.chat;
    Object.assign(r, {
      ChatThreadId: c.threadId,
      CommunicationType: c.communicationType,
      ...(c.teamName ? { TeamName: c.teamName } : {}),
    });
    if (e.op !== 'ChatCreated') {
      r.MessageId = String(e.t - rng.between(0, 999));
      r.MessageSizeInBytes = rng.between(200, 12_000);
    }
    if (e.itemName) r.ItemName = e.itemName;
    r.ParticipantInfo = {
      HasForeignTenantUsers: c.foreignTenantIds.length > 0,
      HasGuestUsers: c.hasGuests,
      HasOtherGuestUsers: false,
      HasUnauthenticatedUsers: false,
      ParticipatingDomains: [ctx.tenant.domain, ...c.foreignDomains],
      ParticipatingTenantIds: [ctx.tenant.id, ...c.foreignTenantIds],
    };
    r.ResourceTenantId = ctx.tenant.id;
  }
  if (e.members) {
    r.Members = e.members.map((m) => ({ DisplayName: m.displayName, Role: m.role, UPN: m.upn }));
    if (e.chat?.teamName) r.TeamGuid = e.chat.threadId;
  }
  r.ExtraProperties = [
    { Key: 'TimeZone', Value: 'Europe/Berlin' },
    { Key: 'OsName', Value: u.os },
    { Key: 'ClientName', Value: 'skypeteams' },
  ];
  r.AppAccessContext = {
    AADSessionId: rng.guid(),
    IssuedAtTime: r.CreationTime,
    UniqueTokenId: rng.hex(22),
  };
  return { record: r, contentType: 'Audit.General' };
}
