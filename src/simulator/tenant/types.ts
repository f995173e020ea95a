// The simulated tenant's objects (people, guests, drives and their files, sites, Teams, apps) and
// its admin roles (docs/simulator.md). src/simulator/tenant/model.ts builds them.

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
