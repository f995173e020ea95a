// What every activity generator needs: the tenant, its indexes, the seed, and helpers to pick
// things the way people do (own files more than others', office IP more than home).
import type { Drive, DriveItem, Tenant, TenantIndex, TenantUser } from '../tenant/model.js';
import type { Rng } from '../util/prng.js';

export interface GenContext {
  seed: number;
  tenant: Tenant;
  index: TenantIndex;
}

export const SYNC_UA = 'Microsoft SkyDriveSync 24.020.0128.0003 ship; Windows NT 10.0 (19045)';

const fileCache = new WeakMap<Drive, DriveItem[]>();

export function files(drive: Drive): DriveItem[] {
  let list = fileCache.get(drive);
  if (!list) {
    list = drive.items.filter((i) => !i.isFolder && !i.scenarioOnly);
    fileCache.set(drive, list);
  }
  return list;
}

export function pickFile(rng: Rng, drive: Drive): DriveItem {
  return rng.pick(files(drive));
}

/** A drive this user plausibly works in: own OneDrive, department site, or another site. */
export function pickDrive(ctx: GenContext, rng: Rng, u: TenantUser): Drive {
  const r = rng.next();
  if (r < 0.55) return u.drive;
  const dept = ctx.tenant.sites.find((s) => s.department === u.department);
  if (r < 0.9 && dept) return dept.drive;
  return rng.pick(ctx.tenant.sites).drive;
}

export function userIp(rng: Rng, u: TenantUser): string {
  const r = rng.next();
  if (r < 0.68) return u.officeIp;
  if (r < 0.92) return u.homeIp;
  return u.ipv6;
}

export function colleague(ctx: GenContext, rng: Rng, u: TenantUser): TenantUser {
  const same = ctx.tenant.users.filter((x) => x.department === u.department && x.index !== u.index);
  if (same.length > 0 && rng.chance(0.8)) return rng.pick(same);
  const others = ctx.tenant.users.filter((x) => x.index !== u.index);
  return rng.pick(others);
}

/** Exchange's identity path for a mailbox object (ObjectId of admin records). */
export function mailboxPath(tenant: Tenant, u: TenantUser): string {
  return `EURPR06A002.prod.outlook.com/Microsoft Exchange Hosted Organizations/${tenant.initialDomain}/${u.upn.split('@')[0]}`;
}

export function messageId(rng: Rng, tenant: Tenant): string {
  const server = (tenant.servers[rng.int(tenant.servers.length)] ?? 'AM0PR06MB1234').split(' ')[0];
  return `<${server}${rng.hex(20).toUpperCase()}@${server}.eurprd06.prod.outlook.com>`;
}
