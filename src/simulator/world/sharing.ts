// The sharing grants that audit records created, kept so that Graph can list them as drive item
// permissions. Only grants are kept (a few per sharing event), never the records themselves.
import type { GrantSpec, ShareEvent } from '../activity/events.js';

export interface Grant extends GrantSpec {
  /** Sim time the grant was created. */
  t: number;
  driveId: string;
  itemId: string;
  label: string;
}

export class SharingIndex {
  private readonly byItem = new Map<string, Grant[]>();
  private readonly byPermission = new Map<string, Grant>();

  register(e: ShareEvent): void {
    if (!e.grant) return;
    const existing = this.byPermission.get(e.grant.permissionId);
    if (existing) {
      // AddedToSecureLink adds people to an existing specific-people link.
      for (const r of e.grant.recipients) {
        if (!existing.recipients.some((x) => x.email === r.email))
          existing.recipients.push({ ...r });
      }
      return;
    }
    const grant: Grant = {
      ...e.grant,
      recipients: e.grant.recipients.map((r) => ({ ...r })),
      roles: [...e.grant.roles],
      t: e.t,
      driveId: e.driveId,
      itemId: e.itemId,
      label: e.label,
    };
    this.byPermission.set(grant.permissionId, grant);
    const k = `${e.driveId}|${e.itemId}`;
    const list = this.byItem.get(k) ?? [];
    list.push(grant);
    this.byItem.set(k, list);
  }

  on(driveId: string, itemId: string): readonly Grant[] {
    return this.byItem.get(`${driveId}|${itemId}`) ?? [];
  }

  get(permissionId: string): Grant | undefined {
    return this.byPermission.get(permissionId);
  }

  get size(): number {
    return this.byPermission.size;
  }
}
