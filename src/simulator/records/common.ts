// Shared pieces of audit record building: the common schema in Microsoft's field order, the
// identity formats of each workload, and IP address variants.
import type { AuditRecord } from '../../records/audit-record.js';
import type { ContentType } from '../../records/content-types.js';
import type { Actor } from '../activity/events.js';
import type { Tenant, TenantIndex, TenantUser } from '../tenant/model.js';
import type { Rng } from '../util/prng.js';
import { creationTime } from '../util/time.js';

export interface BuiltRecord {
  record: AuditRecord;
  contentType: ContentType;
}

export interface BuildContext {
  tenant: Tenant;
  index: TenantIndex;
}

export interface CommonFields {
  t: number;
  operation: string;
  recordType: number;
  workload: string;
  userType: number;
  userKey: string;
  userId: string;
  resultStatus?: string;
  clientIp?: string | null;
  objectId?: string;
}

/** The common schema, in the order Microsoft emits it. */
export function common(ctx: BuildContext, rng: Rng, f: CommonFields): AuditRecord {
  const r: Record<string, unknown> = {
    CreationTime: creationTime(f.t),
    Id: rng.guid(),
    Operation: f.operation,
    OrganizationId: ctx.tenant.id,
    RecordType: f.recordType,
  };
  if (f.resultStatus !== undefined) r.ResultStatus = f.resultStatus;
  r.UserKey = f.userKey;
  r.UserType = f.userType;
  r.Version = 1;
  r.Workload = f.workload;
  if (f.clientIp !== undefined) r.ClientIP = f.clientIp;
  if (f.objectId !== undefined) r.ObjectId = f.objectId;
  r.UserId = f.userId;
  return r as AuditRecord;
}

export function userAt(ctx: BuildContext, index: number): TenantUser {
  const u = ctx.tenant.users[index];
  if (!u) throw new Error(`no user ${index}`);
  return u;
}

/** `IPv4:port` or `[IPv6]:port`, as Exchange logs client addresses. */
export function withPort(ip: string, rng: Rng): string {
  const port = rng.between(1025, 65000);
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** SharePoint/OneDrive claims-style UserKey. */
export function spUserKey(u: TenantUser): string {
  return `i:0h.f|membership|${u.puid.toLowerCase()}@live.com`;
}

export interface ActorIdentity {
  userId: string;
  userKey: string;
  userType: number;
}

/** How each kind of actor appears in SharePoint records. */
export function spIdentity(ctx: BuildContext, actor: Actor): ActorIdentity {
  switch (actor.type) {
    case 'user': {
      const u = userAt(ctx, actor.index);
      return { userId: u.upn, userKey: spUserKey(u), userType: 0 };
    }
    case 'guest': {
      const g = ctx.tenant.guests[actor.index];
      if (!g) throw new Error(`no guest ${actor.index}`);
      return {
        userId: g.upn.toLowerCase(),
        userKey: `i:0#.f|membership|${g.upn.toLowerCase()}`,
        userType: 0,
      };
    }
    case 'external':
      // Anonymous link users appear as urn:spo:anon#<hash> (UNVERIFIED exact format);
      // invited outsiders by their e-mail address.
      return actor.email
        ? {
            userId: actor.email,
            userKey: `i:0#.f|membership|urn%3aspo%3aguest#${actor.email}`,
            userType: 0,
          }
        : {
            userId: `urn:spo:anon#${anonHash(actor.ip)}`,
            userKey: `urn:spo:anon#${anonHash(actor.ip)}`,
            userType: 0,
          };
    case 'system':
      return { userId: actor.name, userKey: actor.key, userType: 0 };
    case 'app':
      return {
        userId: `app@sharepoint`,
        userKey: `i:0i.t|00000003-0000-0ff1-ce00-000000000000|app@sharepoint`,
        userType: 5,
      };
  }
}

function anonHash(ip: string): string {
  let h = 0;
  for (let i = 0; i < ip.length; i++) h = (Math.imul(h, 31) + ip.charCodeAt(i)) >>> 0;
  return `${h.toString(16).padStart(8, '0')}${(h ^ 0x5bd1e995).toString(16).padStart(8, '0')}`;
}

/** AppAccessContext: present on most modern-auth records. */
export function appAccessContext(
  rng: Rng,
  t: number,
  clientAppId?: string,
): Record<string, string> {
  const ctx: Record<string, string> = {
    AADSessionId: rng.guid(),
    CorrelationId: rng.guid(),
    IssuedAtTime: creationTime(t - rng.between(60, 3000) * 1000),
    UniqueTokenId: rng.hex(22),
  };
  if (clientAppId) ctx.ClientAppId = clientAppId;
  return ctx;
}
