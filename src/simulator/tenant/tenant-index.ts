// Lookups into a simulated tenant by UPN, id, drive, item and site name, built once per tenant
// (docs/simulator.md).
import type { DriveItem, Drive, TenantUser, Guest, Site, Tenant } from './types.js';

/** Index helpers built once per tenant. */
export class TenantIndex {
  readonly byUpn = new Map<string, TenantUser>();
  readonly byId = new Map<string, TenantUser>();
  readonly guestByUpn = new Map<string, Guest>();
  readonly guestById = new Map<string, Guest>();
  readonly drives = new Map<string, Drive>();
  readonly itemById = new Map<string, { drive: Drive; item: DriveItem }>();
  readonly siteByName = new Map<string, Site>();

  constructor(readonly tenant: Tenant) {
    for (const u of tenant.users) {
      this.byUpn.set(u.upn.toLowerCase(), u);
      this.byId.set(u.id, u);
      this.addDrive(u.drive);
    }
    for (const g of tenant.guests) {
      this.guestByUpn.set(g.upn.toLowerCase(), g);
      this.guestById.set(g.id, g);
    }
    for (const s of tenant.sites) {
      this.siteByName.set(s.name.toLowerCase(), s);
      this.addDrive(s.drive);
    }
  }

  private addDrive(d: Drive): void {
    this.drives.set(d.id, d);
    for (const item of d.items) this.itemById.set(`${d.id}|${item.id}`, { drive: d, item });
  }

  roleHolder(role: string, fallback = 0): TenantUser {
    const idx = this.tenant.roleHolders[role]?.[0] ?? fallback;
    return this.tenant.users[idx] ?? (this.tenant.users[0] as TenantUser);
  }
}
