// Benign activity on files: opening, editing and syncing, internal and partner sharing (near-misses
// for exfiltration rules) and DLP matches on files (docs/simulator.md).
import type { Drive } from '../tenant/model.js';
import { SENSITIVE_TYPES } from '../records/compliance.js';
import { SYNC_UA, colleague, files, pickDrive, pickFile, userIp } from './context.js';
import type { FileOperation, GrantSpec } from './events.js';
import type { Maker } from './benign-maker.js';

export function fileOp(op: FileOperation, sync = false): Maker {
  return (g, rng, t, u, key) => {
    const drive = sync ? u.drive : pickDrive(g, rng, u);
    const item = pickFile(rng, drive);
    return [
      {
        kind: 'file',
        op,
        t,
        label: 'benign',
        key,
        actor: { type: 'user', index: u.index },
        driveId: drive.id,
        itemId: item.id,
        ip: userIp(rng, u),
        userAgent: sync ? SYNC_UA : rng.chance(0.3) ? 'MSWAC' : u.userAgent,
        ...(sync ? { machineId: u.deviceId, managedDevice: true } : {}),
      },
    ];
  };
}

function permissionId(drive: Drive, itemId: string, key: string): string {
  // Graph permission ids are opaque base64-ish strings.
  return Buffer.from(`${drive.id.slice(2, 14)}|${itemId.slice(2, 12)}|${key}`).toString(
    'base64url',
  );
}

/** Internal sharing (near-miss for exfiltration rules): a colleague, or an org-wide link. */
export const internalShare: Maker = (g, rng, t, u, key) => {
  const drive = rng.chance(0.8) ? u.drive : pickDrive(g, rng, u);
  // Prefer sensitive files now and then: sharing "strategic" files internally is normal work.
  const sensitive = files(drive).filter((f) => f.sensitive);
  const item =
    sensitive.length > 0 && rng.chance(0.35) ? rng.pick(sensitive) : pickFile(rng, drive);
  const ip = userIp(rng, u);
  if (rng.chance(0.12)) {
    const linkId = rng.guid();
    const grant: GrantSpec = {
      permissionId: permissionId(drive, item.id, key),
      kind: 'organization',
      roles: ['read'],
      recipients: [],
      linkId,
      createdBy: u.index,
    };
    return [
      {
        kind: 'share',
        op: 'CompanyLinkCreated',
        t,
        label: 'benign',
        key,
        actor: { type: 'user', index: u.index },
        driveId: drive.id,
        itemId: item.id,
        ip,
        userAgent: u.userAgent,
        target: null,
        grant,
        eventData: '<Type>View</Type><MembersCanShareApplied>True</MembersCanShareApplied>',
      },
    ];
  }
  const c = colleague(g, rng, u);
  const edit = rng.chance(0.4);
  return [
    {
      kind: 'share',
      op: 'SharingSet',
      t,
      label: 'benign',
      key,
      actor: { type: 'user', index: u.index },
      driveId: drive.id,
      itemId: item.id,
      ip,
      userAgent: u.userAgent,
      target: { name: c.upn, type: 'Member' },
      grant: {
        permissionId: permissionId(drive, item.id, key),
        kind: 'user',
        roles: [edit ? 'write' : 'read'],
        recipients: [{ email: c.upn, displayName: c.displayName, id: c.id }],
        linkId: null,
        createdBy: u.index,
      },
      eventData: `<Permissions granted>${edit ? 'Contribute' : 'Read'}</Permissions granted><MembersCanShareApplied>False</MembersCanShareApplied>`,
    },
  ];
};

/** Partner collaboration: a project-site file shared with a B2B guest. */
export const guestShare: Maker = (g, rng, t, u, key) => {
  const site = g.tenant.sites.find((s) => s.name === 'ProjectFalcon') ?? g.tenant.sites[0];
  const guest = g.tenant.guests[rng.int(g.tenant.guests.length)];
  if (!site || !guest) return [];
  const item = pickFile(rng, site.drive);
  return [
    {
      kind: 'share',
      op: 'SharingSet',
      t,
      label: 'benign',
      key,
      actor: { type: 'user', index: u.index },
      driveId: site.drive.id,
      itemId: item.id,
      ip: userIp(rng, u),
      userAgent: u.userAgent,
      target: { name: guest.upn.toLowerCase(), type: 'Guest' },
      grant: {
        permissionId: permissionId(site.drive, item.id, key),
        kind: 'user',
        roles: ['read'],
        recipients: [{ email: guest.mail, displayName: guest.displayName, id: guest.id }],
        linkId: null,
        createdBy: u.index,
      },
      eventData:
        '<Permissions granted>Read</Permissions granted><MembersCanShareApplied>False</MembersCanShareApplied>',
    },
  ];
};

export const dlpFile: Maker = (_g, rng, t, u, key) => {
  const item = pickFile(rng, u.drive);
  const st = rng.pick(SENSITIVE_TYPES);
  return [
    {
      kind: 'dlp',
      t,
      label: 'benign',
      key,
      workload: 'OneDrive',
      user: u.index,
      driveId: u.drive.id,
      itemId: item.id,
      sensitiveType: { id: st.id, name: st.name },
      count: rng.between(1, 12),
      severity: rng.chance(0.8) ? 'Low' : 'Medium',
      policy: 'Contoso - PCI and banking data',
      rule: 'Sensitive content in OneDrive',
      actions: ['NotifyUser'],
    },
  ];
};
