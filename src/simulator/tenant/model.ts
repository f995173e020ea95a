// The simulated tenant: people, guests, outsiders, OneDrives, SharePoint sites and their files,
// Teams, apps. A pure function of (seed, user count, tenant id): the same inputs give the same
// tenant, so regenerated activity always refers to the same objects.
import { Rng, stableGuid, stableHex } from '../util/prng.js';
import { userAddresses } from './geo.js';
import {
  COMMON_FILES,
  DEPARTMENTS,
  FIRST_NAMES,
  ONEDRIVE_FOLDERS,
  PERSONAL_DOMAINS,
  SENSITIVITY_LABELS,
  SURNAMES,
} from './names.js';

export interface Label {
  id: string;
  name: string;
}

export interface DriveItem {
  /** Graph driveItem id. */
  id: string;
  name: string;
  /** Path under the drive root, e.g. `Projects/Plan.docx` (no leading slash). */
  path: string;
  /** Folder part of `path` ('' at the root). */
  folder: string;
  ext: string;
  isFolder: boolean;
  sensitive: boolean;
  label: Label | null;
  size: number;
  listItemUniqueId: string;
  createdMs: number;
  /** Added by an attack scenario: benign activity never touches it. */
  scenarioOnly?: boolean;
}

export interface Drive {
  /** Graph drive id (`b!…`). */
  id: string;
  kind: 'onedrive' | 'sharepoint';
  /** Site collection GUID (`Site` in audit records). */
  siteId: string;
  webId: string;
  listId: string;
  /** `https://contoso-my.sharepoint.com/personal/ana_contoso_com/` or `https://contoso.sharepoint.com/sites/Deals` */
  siteUrl: string;
  /** Library folder in URLs: `Documents` (OneDrive) or `Shared Documents` (sites). */
  library: string;
  /** Owner of a OneDrive; null for sites. */
  ownerIndex: number | null;
  siteName: string | null;
  rootId: string;
  items: DriveItem[];
}

export interface TenantUser {
  index: number;
  id: string;
  upn: string;
  mail: string;
  displayName: string;
  givenName: string;
  surname: string;
  department: string;
  jobTitle: string;
  managerIndex: number | null;
  officeLocation: string;
  /** Passport-style PUID (UserKey of Exchange and SharePoint records). */
  puid: string;
  sid: string;
  mailboxGuid: string;
  adminRoles: string[];
  officeIp: string;
  homeIp: string;
  ipv6: string;
  deviceId: string;
  deviceName: string;
  os: string;
  browser: string;
  userAgent: string;
  /** Relative activity (0.4 .. 1.6). */
  activity: number;
  createdMs: number;
  drive: Drive;
}

export interface Guest {
  index: number;
  id: string;
  /** `jane_fabrikam.com#EXT#@contoso.onmicrosoft.com` */
  upn: string;
  mail: string;
  displayName: string;
  domain: string;
}

export interface Outsider {
  email: string;
  displayName: string;
  kind: 'personal' | 'competitor' | 'partner';
}

export interface ForeignTenant {
  id: string;
  domain: string;
  name: string;
  users: Array<{ upn: string; displayName: string; id: string }>;
}

export interface Site {
  index: number;
  name: string;
  displayName: string;
  department: string | null;
  memberIndexes: number[];
  drive: Drive;
}

export interface Team {
  index: number;
  groupId: string;
  name: string;
  threadId: string;
  memberIndexes: number[];
  guestIndexes: number[];
}

export interface ThirdPartyApp {
  appId: string;
  displayName: string;
  publisher: string;
  verified: boolean;
}

export interface Tenant {
  id: string;
  name: string;
  domain: string;
  initialDomain: string;
  spoHost: string;
  myHost: string;
  /** Offset of the tenant's office hours from UTC, in hours. */
  utcOffsetHours: number;
  users: TenantUser[];
  guests: Guest[];
  outsiders: Outsider[];
  foreignTenants: ForeignTenant[];
  sites: Site[];
  teams: Team[];
  apps: { benign: ThirdPartyApp[]; malicious: ThirdPartyApp };
  /** Exchange server names used in OriginatingServer. */
  servers: string[];
  /** Users that hold an Entra admin role, by role. */
  roleHolders: Record<string, number[]>;
}

export const ADMIN_ROLES = [
  'Global Administrator',
  'Exchange Administrator',
  'SharePoint Administrator',
  'Compliance Administrator',
  'eDiscovery Manager',
] as const;

/**
 * Roles Graph treats as privileged when disabling an account (docs/microsoft-apis.md,
 * "Permissions").
 */
export const PRIVILEGED_ROLES = new Set(['Global Administrator', 'Privileged Role Administrator']);

const TENANT_NAME = 'Contoso';
const DOMAIN = 'contoso.com';

function ascii(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/g, 'o')
    .replace(/Ø/g, 'O')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

function driveId(...parts: Array<string | number>): string {
  // Graph drive ids are `b!` + base64url of site/web/list GUIDs: opaque, 66 chars.
  const hex = stableHex(48, 'drive', ...parts);
  return `b!${Buffer.from(hex, 'hex').toString('base64url')}${stableHex(2, 'drive2', ...parts)}`;
}

function itemId(...parts: Array<string | number>): string {
  // driveItem ids: 34 upper-case base32-ish characters starting with 01.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const rng = new Rng('item', ...parts);
  let id = '01';
  for (let i = 0; i < 32; i++) id += alphabet[rng.int(32)];
  return id;
}

function extOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1);
}

function isSensitiveName(name: string): boolean {
  return /strateg|confidential|salary|m&a|patent|board|acquisition|customer list|pricing/i.test(
    name,
  );
}

function makeItems(
  rng: Rng,
  seedKey: string,
  names: Array<{ folder: string; name: string }>,
  epochMs: number,
): DriveItem[] {
  const items: DriveItem[] = [];
  const folders = new Set<string>();
  for (const { folder } of names) if (folder) folders.add(folder);
  for (const folder of [...folders].sort()) {
    items.push({
      id: itemId(seedKey, 'folder', folder),
      name: folder.split('/').pop() ?? folder,
      path: folder,
      folder: folder.includes('/') ? folder.slice(0, folder.lastIndexOf('/')) : '',
      ext: '',
      isFolder: true,
      sensitive: false,
      label: null,
      size: 0,
      listItemUniqueId: stableGuid(seedKey, 'folder-li', folder),
      createdMs: epochMs - rng.between(30, 900) * 86400000,
    });
  }
  const seen = new Set<string>();
  for (const { folder, name } of names) {
    const path = folder ? `${folder}/${name}` : name;
    if (seen.has(path)) continue;
    seen.add(path);
    const sensitive = isSensitiveName(name);
    const label = sensitive
      ? (SENSITIVITY_LABELS[rng.chance(0.5) ? 3 : 2] ?? null)
      : rng.chance(0.3)
        ? (SENSITIVITY_LABELS[rng.int(2)] ?? null)
        : null;
    items.push({
      id: itemId(seedKey, path),
      name,
      path,
      folder,
      ext: extOf(name),
      isFolder: false,
      sensitive: sensitive || label?.name === 'Highly Confidential',
      label: label ? { id: label.id, name: label.name } : null,
      size: rng.between(12_000, 9_000_000),
      listItemUniqueId: stableGuid(seedKey, 'li', path),
      createdMs: epochMs - rng.between(1, 700) * 86400000,
    });
  }
  return items;
}

/** Builds the tenant. `epochMs` anchors creation dates of objects (the sim start). */
export function buildTenant(
  seed: number,
  userCount: number,
  tenantId: string,
  epochMs: number,
): Tenant {
  const rng = new Rng(seed, 'tenant');
  const initialDomain = `${TENANT_NAME.toLowerCase()}.onmicrosoft.com`;
  const spoHost = `${TENANT_NAME.toLowerCase()}.sharepoint.com`;
  const myHost = `${TENANT_NAME.toLowerCase()}-my.sharepoint.com`;

  // Departments by weight; the first users are the executive team and department heads.
  const deptWeights = DEPARTMENTS.map((d) => [d, d.weight] as const);
  const users: TenantUser[] = [];
  const upns = new Set<string>();
  const heads = new Map<string, number>();
  for (let i = 0; i < userCount; i++) {
    const given = rng.pick(FIRST_NAMES);
    const sur = rng.pick(SURNAMES);
    let local = `${ascii(given)}.${ascii(sur)}`;
    let n = 2;
    while (upns.has(local)) local = `${ascii(given)}.${ascii(sur)}${n++}`;
    upns.add(local);
    const dept =
      i === 0
        ? DEPARTMENTS.find((d) => d.name === 'Executive')!
        : i <= DEPARTMENTS.length - 1
          ? DEPARTMENTS.filter((d) => d.name !== 'Executive')[i - 1]!
          : rng.weighted(deptWeights);
    const isHead = i < DEPARTMENTS.length;
    if (isHead) heads.set(dept.name, i);
    const title =
      i === 0 ? 'Chief Executive Officer' : isHead ? `Head of ${dept.name}` : rng.pick(dept.titles);
    const upn = `${local}@${DOMAIN}`;
    const os = rng.weighted([
      ['Windows 10', 5],
      ['Windows 11', 4],
      ['MacOs', 2],
    ] as const);
    const browser = rng.weighted([
      ['Edge', 5],
      ['Chrome', 4],
      ['Safari', 1],
    ] as const);
    const ua =
      os === 'MacOs'
        ? 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15'
        : browser === 'Chrome'
          ? 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
          : 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80';
    const userKeyPart = local.replace(/\./g, '_');
    const siteUrl = `https://${myHost}/personal/${userKeyPart}_${DOMAIN.replace(/\./g, '_')}/`;
    const fileRng = new Rng(seed, 'files', i);
    const fileNames: Array<{ folder: string; name: string }> = [];
    const count = fileRng.between(6, 14);
    for (let k = 0; k < count; k++) {
      const folder = fileRng.pick(ONEDRIVE_FOLDERS);
      const name = fileRng.chance(0.55) ? fileRng.pick(dept.files) : fileRng.pick(COMMON_FILES);
      fileNames.push({ folder, name });
    }
    const driveKey = `${seed}:od:${i}`;
    // Drawn here, in the order the fields were once drawn, so the rest of the tenant is unchanged.
    const officeLocation = rng.pick(['Berlin HQ', 'Berlin HQ', 'Munich', 'Remote']);
    users.push({
      index: i,
      id: stableGuid(seed, 'user', i),
      upn,
      mail: upn,
      displayName: `${given} ${sur}`,
      givenName: given,
      surname: sur,
      department: dept.name,
      jobTitle: title,
      managerIndex: null,
      officeLocation,
      puid: `1003${stableHex(12, seed, 'puid', i).toUpperCase()}`,
      sid: `S-1-5-21-1417001333-1731516553-2383540127-${1000 + i * 7 + 13}`,
      mailboxGuid: stableGuid(seed, 'mbx', i),
      adminRoles: [],
      ...userAddresses(seed, i, officeLocation),
      deviceId: stableGuid(seed, 'device', i),
      deviceName: `CONTOSO-${stableHex(6, seed, 'dev', i).toUpperCase()}`,
      os,
      browser,
      userAgent: ua,
      activity: 0.4 + rng.next() * 1.2,
      createdMs: epochMs - rng.between(40, 2000) * 86400000,
      drive: {
        id: driveId(driveKey),
        kind: 'onedrive',
        siteId: stableGuid(driveKey, 'site'),
        webId: stableGuid(driveKey, 'web'),
        listId: stableGuid(driveKey, 'list'),
        siteUrl,
        library: 'Documents',
        ownerIndex: i,
        siteName: null,
        rootId: itemId(driveKey, 'root'),
        items: makeItems(fileRng, driveKey, fileNames, epochMs),
      },
    });
  }
  for (const u of users) {
    if (u.index === 0) continue;
    const head = heads.get(u.department);
    u.managerIndex = head === undefined || head === u.index ? 0 : head;
  }

  // Admin roles: the IT head is Global Administrator; other IT staff and a Legal member get the rest.
  const roleHolders: Record<string, number[]> = {};
  const it = users.filter((u) => u.department === 'IT');
  const legal = users.filter((u) => u.department === 'Legal');
  const assign = (role: string, u: TenantUser | undefined) => {
    if (!u) return;
    u.adminRoles.push(role);
    (roleHolders[role] ??= []).push(u.index);
  };
  assign('Global Administrator', it[0] ?? users[1]);
  assign('Exchange Administrator', it[1] ?? it[0] ?? users[2]);
  assign('SharePoint Administrator', it[2] ?? it[0] ?? users[3]);
  assign('Compliance Administrator', legal[1] ?? legal[0] ?? users[4]);
  assign('eDiscovery Manager', legal[0] ?? users[5]);
  assign('Global Administrator', it[3]);

  // Guests (B2B) and outsiders.
  const guestDomains = ['fabrikam.com', 'adatum.com', 'litwareinc.com', 'tailspintoys.com'];
  const guests: Guest[] = [];
  const guestCount = Math.max(4, Math.round(userCount * 0.05));
  for (let g = 0; g < guestCount; g++) {
    const given = rng.pick(FIRST_NAMES);
    const sur = rng.pick(SURNAMES);
    const domain = guestDomains[g % guestDomains.length] as string;
    const mail = `${ascii(given)}.${ascii(sur)}${g >= guestDomains.length ? g : ''}@${domain}`;
    guests.push({
      index: g,
      id: stableGuid(seed, 'guest', g),
      upn: `${mail.replace('@', '_')}#EXT#@${initialDomain}`,
      mail,
      displayName: `${given} ${sur} (${domain.split('.')[0]})`,
      domain,
    });
  }
  const outsiders: Outsider[] = [];
  for (let k = 0; k < 8; k++) {
    const given = rng.pick(FIRST_NAMES);
    const sur = rng.pick(SURNAMES);
    const domain = PERSONAL_DOMAINS[k % PERSONAL_DOMAINS.length] as string;
    outsiders.push({
      email: `${ascii(given)}${ascii(sur)}${rng.between(10, 99)}@${domain}`,
      displayName: `${given} ${sur}`,
      kind: 'personal',
    });
  }
  outsiders.push({
    email: 'bids@tailspintoys.com',
    displayName: 'Tailspin Toys Bids',
    kind: 'competitor',
  });
  outsiders.push({
    email: 'm.jensen@tailspintoys.com',
    displayName: 'Mette Jensen',
    kind: 'competitor',
  });
  outsiders.push({
    email: 'orders@northwindtraders.com',
    displayName: 'Northwind Orders',
    kind: 'partner',
  });
  outsiders.push({ email: 'support@adatum.com', displayName: 'Adatum Support', kind: 'partner' });

  const foreign = (name: string, domain: string, n: number): ForeignTenant => ({
    id: stableGuid('foreign-tenant', domain),
    domain,
    name,
    users: Array.from({ length: n }, (_, k) => {
      const given = rng.pick(FIRST_NAMES);
      const sur = rng.pick(SURNAMES);
      return {
        upn: `${ascii(given)}.${ascii(sur)}@${domain}`,
        displayName: `${given} ${sur}`,
        id: stableGuid('foreign-user', domain, k),
      };
    }),
  });
  const foreignTenants = [
    foreign('Fabrikam', 'fabrikam.com', 4),
    foreign('Northwind Traders', 'northwindtraders.com', 3),
    foreign('Tailspin Toys', 'tailspintoys.com', 3),
  ];

  // SharePoint sites: one per department plus project sites.
  const siteSpecs: Array<{
    name: string;
    displayName: string;
    department: string | null;
    files: string[];
  }> = [];
  for (const d of DEPARTMENTS) {
    siteSpecs.push({
      name: d.name.replace(/[^A-Za-z]/g, ''),
      displayName: d.name,
      department: d.name,
      files: [...d.files],
    });
  }
  siteSpecs.push({
    name: 'Strategy',
    displayName: 'Corporate Strategy',
    department: 'Executive',
    files: [
      'Strategic plan 2026-2028.docx',
      'Strategic acquisitions shortlist.xlsx',
      "Board 'strategic' memo.docx",
      // SharePoint forbids " and \ in file names; these two exist on purpose to test escaping.
      'Pricing "strategic" review.docx',
      'Strategic\\Regional targets.xlsx',
      'Market entry - Confidential.pptx',
    ],
  });
  siteSpecs.push({
    name: 'Deals',
    displayName: 'Deals',
    department: 'Sales',
    files: [
      'Term-sheet.docx',
      'Deal tracker.xlsx',
      'Strategic partner list.xlsx',
      'NDA - Tailspin.docx',
    ],
  });
  siteSpecs.push({
    name: 'ProjectFalcon',
    displayName: 'Project Falcon',
    department: null,
    files: ['Falcon requirements.docx', 'Falcon schedule.xlsx', 'Falcon launch plan.pptx'],
  });
  const sites: Site[] = siteSpecs.map((spec, k) => {
    const key = `${seed}:site:${spec.name}`;
    const siteRng = new Rng(seed, 'site-files', spec.name);
    const names = spec.files.map((name) => ({
      folder: siteRng.chance(0.4) ? siteRng.pick(['General', 'Archive', '2026']) : '',
      name,
    }));
    const members = users
      .filter((u) => spec.department === null || u.department === spec.department || u.index === 0)
      .map((u) => u.index);
    return {
      index: k,
      name: spec.name,
      displayName: spec.displayName,
      department: spec.department,
      memberIndexes: members.length > 0 ? members : [0],
      drive: {
        id: driveId(key),
        kind: 'sharepoint',
        siteId: stableGuid(key, 'site'),
        webId: stableGuid(key, 'web'),
        listId: stableGuid(key, 'list'),
        siteUrl: `https://${spoHost}/sites/${spec.name}`,
        library: 'Shared Documents',
        ownerIndex: null,
        siteName: spec.name,
        rootId: itemId(key, 'root'),
        items: makeItems(siteRng, key, names, epochMs),
      },
    };
  });

  // Teams: one per department with guests in some, plus a partner project team.
  const teams: Team[] = DEPARTMENTS.map((d, k) => ({
    index: k,
    groupId: stableGuid(seed, 'team', d.name),
    name: d.name,
    threadId: `19:${stableHex(32, seed, 'thread', d.name)}@thread.tacv2`,
    memberIndexes: users.filter((u) => u.department === d.name).map((u) => u.index),
    guestIndexes: k % 3 === 0 ? [k % guests.length] : [],
  }));
  teams.push({
    index: teams.length,
    groupId: stableGuid(seed, 'team', 'falcon'),
    name: 'Project "Falcon" partners',
    threadId: `19:${stableHex(32, seed, 'thread', 'falcon')}@thread.tacv2`,
    memberIndexes: users.filter((_, k) => k % 5 === 1).map((u) => u.index),
    guestIndexes: guests.map((g) => g.index).slice(0, 3),
  });

  const apps = {
    benign: [
      {
        appId: stableGuid('app', 'zoom'),
        displayName: 'Zoom for Outlook',
        publisher: 'Zoom',
        verified: true,
      },
      { appId: stableGuid('app', 'miro'), displayName: 'Miro', publisher: 'Miro', verified: true },
      {
        appId: stableGuid('app', 'adobe'),
        displayName: 'Adobe Acrobat',
        publisher: 'Adobe',
        verified: true,
      },
    ],
    malicious: {
      appId: stableGuid('app', 'mailsorter'),
      displayName: 'Mail Organizer Pro',
      publisher: 'mailorganizer-pro.app',
      verified: false,
    },
  };

  return {
    id: tenantId,
    name: TENANT_NAME,
    domain: DOMAIN,
    initialDomain,
    spoHost,
    myHost,
    utcOffsetHours: 1,
    users,
    guests,
    outsiders,
    foreignTenants,
    sites,
    teams,
    apps,
    servers: ['AM0PR06MB1234', 'DB8PR04MB6841', 'FR2P281MB0077', 'AM6PR03MB5170'].map(
      (s, k) => `${s} (15.20.${7400 + k * 13}.0${20 + k})`,
    ),
    roleHolders,
  };
}

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

/** `ObjectId` URL of a drive item as SharePoint logs it (spaces kept as they are). */
export function itemUrl(drive: Drive, item: DriveItem): string {
  const base = drive.siteUrl.endsWith('/') ? drive.siteUrl.slice(0, -1) : drive.siteUrl;
  return `${base}/${drive.library}/${item.path}`;
}
