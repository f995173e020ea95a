// The simulated tenant: people, guests, outsiders, OneDrives, SharePoint sites and their files,
// Teams, apps. A pure function of (seed, user count, tenant id): the same inputs give the same
// tenant, so regenerated activity always refers to the same objects.
import { Rng, stableGuid, stableHex } from '../util/prng.js';
import {
  COMMON_FILES,
  DEPARTMENTS,
  FIRST_NAMES,
  ONEDRIVE_FOLDERS,
  PERSONAL_DOMAINS,
  SURNAMES,
} from './names.js';
import type { TenantUser, Guest, Outsider, ForeignTenant, Site, Team, Tenant } from './types.js';
import { driveId, itemId, makeItems } from './drive-items.js';
import { userAddresses } from './geo.js';

export type {
  Label,
  DriveItem,
  Drive,
  TenantUser,
  Guest,
  Outsider,
  ForeignTenant,
  Site,
  Team,
  ThirdPartyApp,
  Tenant,
} from './types.js';
export { ADMIN_ROLES, PRIVILEGED_ROLES } from './types.js';
export { itemUrl } from './drive-items.js';
export { TenantIndex } from './tenant-index.js';

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
