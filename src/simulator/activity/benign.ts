// Benign activity of one time slice: sign-ins, files, sharing, mail, Teams, admin work, DLP.
// A pure function of (seed, slice, tenant): the number of events of each kind is Poisson with
// a mean set by the office-hours rhythm and each user's activity weight. Near-misses (internal
// sharing of strategic files, benign inbox rules, Get- cmdlets, partner chats, system version
// clean-up) are part of it on purpose, so that rules can be tested for false positives.
import { Rng } from '../util/prng.js';
import { HOUR, SECOND } from '../util/time.js';
import type { TenantUser } from '../tenant/model.js';
import { type GenContext, pickFile } from './context.js';
import type { ActivityEvent } from './events.js';
import { activityFactor, localHour } from './rhythm.js';
import type { Maker } from './benign-maker.js';
import { signIn } from './benign-signin.js';
import { fileOp, internalShare, guestShare, dlpFile } from './benign-files.js';
import { mailSend, mailAccess, benignInboxRule } from './benign-mail.js';
import { teams, teamsSession } from './benign-teams.js';
import { exchangeAdmin, complianceAdmin, directoryAdmin, benignConsent } from './benign-admin.js';

interface ActivityKind {
  name: string;
  /** Events per user per peak hour. */
  rate: number;
  /** Who does it: everyone, or holders of one of these roles. */
  roles?: readonly string[];
  make: Maker;
}

const EXCHANGE_ADMINS = ['Exchange Administrator', 'Global Administrator'] as const;
const COMPLIANCE_ADMINS = ['Compliance Administrator', 'eDiscovery Manager'] as const;
const GLOBAL_ADMINS = ['Global Administrator'] as const;

export const BENIGN_KINDS: readonly ActivityKind[] = [
  { name: 'signIn', rate: 0.7, make: signIn },
  { name: 'FileAccessed', rate: 2.4, make: fileOp('FileAccessed') },
  { name: 'FilePreviewed', rate: 0.7, make: fileOp('FilePreviewed') },
  { name: 'FileModified', rate: 0.8, make: fileOp('FileModified') },
  { name: 'FileUploaded', rate: 0.15, make: fileOp('FileUploaded') },
  { name: 'FileDownloaded', rate: 0.3, make: fileOp('FileDownloaded') },
  { name: 'FileSyncDownloadedFull', rate: 0.3, make: fileOp('FileSyncDownloadedFull', true) },
  { name: 'FileSyncUploadedFull', rate: 0.2, make: fileOp('FileSyncUploadedFull', true) },
  { name: 'FileRecycled', rate: 0.04, make: fileOp('FileRecycled') },
  { name: 'internalShare', rate: 0.06, make: internalShare },
  { name: 'guestShare', rate: 0.008, make: guestShare },
  { name: 'mailSend', rate: 0.6, make: mailSend },
  { name: 'mailAccess', rate: 1.2, make: mailAccess },
  { name: 'MessageSent', rate: 1.4, make: teams('MessageSent') },
  { name: 'MessageCreatedHasLink', rate: 0.1, make: teams('MessageCreatedHasLink') },
  { name: 'ChatCreated', rate: 0.04, make: teams('ChatCreated') },
  { name: 'TeamsSessionStarted', rate: 0.2, make: teamsSession },
  { name: 'benignInboxRule', rate: 0.004, make: benignInboxRule },
  { name: 'benignConsent', rate: 0.002, make: benignConsent },
  { name: 'dlpFile', rate: 0.004, make: dlpFile },
  { name: 'exchangeAdmin', rate: 0.5, roles: EXCHANGE_ADMINS, make: exchangeAdmin },
  { name: 'complianceAdmin', rate: 0.6, roles: COMPLIANCE_ADMINS, make: complianceAdmin },
  { name: 'directoryAdmin', rate: 0.4, roles: GLOBAL_ADMINS, make: directoryAdmin },
];

/** Cumulative activity weights for picking users in proportion to how busy they are. */
export class UserPicker {
  private readonly all: { users: TenantUser[]; cumulative: number[]; total: number };
  private readonly byRoles = new Map<
    string,
    { users: TenantUser[]; cumulative: number[]; total: number }
  >();

  constructor(private readonly users: TenantUser[]) {
    this.all = UserPicker.table(users);
  }

  private static table(users: TenantUser[]) {
    const cumulative: number[] = [];
    let total = 0;
    for (const u of users) {
      total += u.activity;
      cumulative.push(total);
    }
    return { users, cumulative, total };
  }

  group(roles?: readonly string[]) {
    if (!roles) return this.all;
    const k = roles.join('|');
    let g = this.byRoles.get(k);
    if (!g) {
      g = UserPicker.table(this.users.filter((u) => u.adminRoles.some((r) => roles.includes(r))));
      this.byRoles.set(k, g);
    }
    return g;
  }

  pick(rng: Rng, roles?: readonly string[]): TenantUser | null {
    const g = this.group(roles);
    if (g.users.length === 0) return null;
    const r = rng.next() * g.total;
    let lo = 0;
    let hi = g.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((g.cumulative[mid] as number) > r) hi = mid;
      else lo = mid + 1;
    }
    return g.users[lo] ?? null;
  }
}

/** Benign events of the slice [t0, t0 + sliceMs). */
export function benignSlice(
  g: GenContext,
  picker: UserPicker,
  slice: number,
  t0: number,
  sliceMs: number,
): ActivityEvent[] {
  const rng = new Rng(g.seed, 'benign-slice', slice);
  const factor = activityFactor(t0 + sliceMs / 2, g.tenant.utcOffsetHours);
  const hours = sliceMs / HOUR;
  const seconds = Math.max(1, Math.floor(sliceMs / SECOND));
  const out: ActivityEvent[] = [];
  BENIGN_KINDS.forEach((kind, k) => {
    const group = picker.group(kind.roles);
    const lambda = kind.rate * factor * hours * group.total;
    const n = rng.poisson(lambda);
    for (let i = 0; i < n; i++) {
      const u = picker.pick(rng, kind.roles);
      if (!u) break;
      const t = t0 + rng.int(seconds) * SECOND;
      const key = `b${slice}.${k}.${i}`;
      out.push(...kind.make(g, new Rng(g.seed, 'benign', key), t, u, key));
    }
  });
  // Nightly retention clean-up by the system: a benign FileVersionsAllDeleted (near-miss).
  if (localHour(t0, g.tenant.utcOffsetHours) === 2 && Math.floor(t0 / 60000) % 60 === 0) {
    const site = rng.pick(g.tenant.sites);
    const item = pickFile(rng, site.drive);
    out.push({
      kind: 'file',
      op: 'FileVersionsAllDeleted',
      t: t0 + rng.int(seconds) * SECOND,
      label: 'benign',
      key: `b${slice}.sys`,
      actor: { type: 'system', name: 'SHAREPOINT\\system', key: 'S-1-0-0' },
      driveId: site.drive.id,
      itemId: item.id,
      ip: '',
      userAgent: 'Microsoft.SharePoint.RetentionPolicy',
    });
  }
  return out;
}
