// Building blocks for attack scenarios: every event a scenario emits goes through here, gets
// the scenario's label and a stable key, and (for sharing) a stable Graph permission id.
import type { GenContext } from '../activity/context.js';
import { SYNC_UA } from '../activity/context.js';
import type {
  ActivityEvent,
  Actor,
  FileOperation,
  GrantSpec,
  ShareOperation,
  TeamsEvent,
} from '../activity/events.js';
import { APPS } from '../activity/events.js';
import type { Drive, DriveItem, TenantUser } from '../tenant/model.js';
import { Rng, stableGuid } from '../util/prng.js';
import { MINUTE } from '../util/time.js';

export interface ScenarioInfo {
  name: string;
  title: string;
  /** MITRE ATT&CK technique ids. */
  techniques: string[];
  /** UPNs of the accounts an alert should name. */
  actors: string[];
  description: string;
  /** Sim time of the first event (ISO). */
  start: string;
}

export interface ScenarioDefinition {
  name: string;
  title: string;
  techniques: string[];
  description: string;
  /** Roughly how long the main sequence lasts, so placement keeps it inside the history. */
  durationMinutes: number;
  plan(kit: ScenarioKit, anchor: number): PlannedScenario;
}

export interface PlannedScenario {
  actors: TenantUser[];
  /**
   * Events that keep coming after the main sequence (for example an insider who keeps sharing
   * every few hours), as a function of the slice [t0, t1). They stop once the actor is disabled.
   */
  recurring?: (t0: number, t1: number) => ActivityEvent[];
}

/** Attacker infrastructure lives in TEST-NET-1 (192.0.2.0/24): never a real address. */
export const ATTACKER_IPS = {
  spray: '192.0.2.66',
  forwarding: '192.0.2.77',
  forwardingAdmin: '192.0.2.78',
  tampering: '192.0.2.90',
  consentApp: '192.0.2.120',
  ediscovery: '192.0.2.140',
  anonymous: ['192.0.2.51', '192.0.2.52', '192.0.2.53', '192.0.2.54'],
  insiderHome: '192.0.2.33',
} as const;

export class ScenarioKit {
  readonly events: ActivityEvent[] = [];
  readonly rng: Rng;
  private n = 0;

  constructor(
    readonly g: GenContext,
    readonly name: string,
    /** Users already acting in other scenarios (so that actors differ when possible). */
    readonly taken: Set<number>,
  ) {
    this.rng = new Rng(g.seed, 'scenario', name);
  }

  key(): string {
    return `${this.name}.${this.n++}`;
  }

  /** Picks an actor that satisfies `ok`, preferring users not acting in another scenario. */
  actor(ok: (u: TenantUser) => boolean): TenantUser {
    const users = this.g.tenant.users;
    const fresh = users.filter((u) => ok(u) && !this.taken.has(u.index) && u.index !== 0);
    const any = users.filter((u) => ok(u) && u.index !== 0);
    const pool =
      fresh.length > 0 ? fresh : any.length > 0 ? any : users.filter((u) => u.index !== 0);
    const u = this.rng.pick(pool);
    this.taken.add(u.index);
    return u;
  }

  /** Adds a file that exists only because of this scenario (hidden from benign activity). */
  addItem(
    drive: Drive,
    folder: string,
    name: string,
    createdMs: number,
    sensitive = true,
  ): DriveItem {
    const path = folder ? `${folder}/${name}` : name;
    const existing = drive.items.find((i) => i.path === path);
    if (existing) return existing;
    const id = `01${stableGuid(this.g.seed, 'scenario-item', drive.id, path).replace(/-/g, '').toUpperCase().slice(0, 32)}`;
    const item: DriveItem = {
      id,
      name,
      path,
      folder,
      ext: name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : '',
      isFolder: false,
      sensitive,
      label: sensitive
        ? { id: 'a1b2c3d4-0000-4000-8000-000000000003', name: 'Confidential' }
        : null,
      size: this.rng.between(40_000, 6_000_000),
      listItemUniqueId: stableGuid(this.g.seed, 'scenario-li', drive.id, path),
      createdMs,
      scenarioOnly: true,
    };
    drive.items.push(item);
    this.g.index.itemById.set(`${drive.id}|${id}`, { drive, item });
    return item;
  }

  folderItem(drive: Drive, folder: string, createdMs: number): DriveItem {
    const existing = drive.items.find((i) => i.isFolder && i.path === folder);
    if (existing) return existing;
    const id = `01${stableGuid(this.g.seed, 'scenario-folder', drive.id, folder).replace(/-/g, '').toUpperCase().slice(0, 32)}`;
    const item: DriveItem = {
      id,
      name: folder.split('/').pop() ?? folder,
      path: folder,
      folder: folder.includes('/') ? folder.slice(0, folder.lastIndexOf('/')) : '',
      ext: '',
      isFolder: true,
      sensitive: false,
      label: null,
      size: 0,
      listItemUniqueId: stableGuid(this.g.seed, 'scenario-fli', drive.id, folder),
      createdMs,
      scenarioOnly: true,
    };
    drive.items.push(item);
    this.g.index.itemById.set(`${drive.id}|${id}`, { drive, item });
    return item;
  }

  push(e: ActivityEvent): void {
    this.events.push(e);
  }

  signIn(
    t: number,
    u: TenantUser,
    ip: string,
    errorCode: number,
    userAgent?: string,
    key = this.key(),
  ): ActivityEvent {
    return {
      kind: 'signIn',
      t,
      label: this.name,
      key,
      user: u.index,
      ip,
      appId: userAgent && !userAgent.startsWith('Mozilla') ? APPS.azurePowerShell : APPS.officeHome,
      resourceId: userAgent && !userAgent.startsWith('Mozilla') ? APPS.exchangeOnline : APPS.graph,
      errorCode,
      userAgent: userAgent ?? u.userAgent,
      // A person signing in with a password: an interactive sign-in (Graph v1.0 lists it).
      requestType: 'Login:login',
    };
  }

  file(
    t: number,
    op: FileOperation,
    actor: Actor,
    drive: Drive,
    item: DriveItem,
    ip: string,
    userAgent: string,
    extra: { machineId?: string; managedDevice?: boolean; virusInfo?: string } = {},
    key = this.key(),
  ): ActivityEvent {
    return {
      kind: 'file',
      op,
      t,
      label: this.name,
      key,
      actor,
      driveId: drive.id,
      itemId: item.id,
      ip,
      userAgent: op.startsWith('FileSync') ? SYNC_UA : userAgent,
      ...extra,
    };
  }

  share(
    t: number,
    op: ShareOperation,
    actor: Actor,
    drive: Drive,
    item: DriveItem,
    ip: string,
    userAgent: string,
    target: { name: string; type: 'Member' | 'Guest' | 'SharePointGroup' } | null,
    grant: Omit<GrantSpec, 'permissionId'> | null,
    eventData: string,
    opts: { permissionId?: string; viaPermissionId?: string; key?: string } = {},
  ): ActivityEvent & { kind: 'share' } {
    const key = opts.key ?? this.key();
    return {
      kind: 'share',
      op,
      t,
      label: this.name,
      key,
      actor,
      driveId: drive.id,
      itemId: item.id,
      ip,
      userAgent,
      target,
      grant: grant
        ? {
            ...grant,
            permissionId:
              opts.permissionId ??
              Buffer.from(
                `${this.name}|${drive.id.slice(2, 12)}|${item.id.slice(2, 12)}|${key}`,
              ).toString('base64url'),
          }
        : null,
      ...(opts.viaPermissionId ? { viaPermissionId: opts.viaPermissionId } : {}),
      eventData,
    };
  }

  /** `SharingInvitationCreated`: a read invitation of someone outside the directory to one file. */
  inviteToView(
    t: number,
    actor: Actor,
    drive: Drive,
    item: DriveItem,
    ip: string,
    userAgent: string,
    to: { readonly email: string; readonly displayName: string },
    createdBy: number,
    opts: { key?: string } = {},
  ): ActivityEvent & { kind: 'share' } {
    return this.share(
      t,
      'SharingInvitationCreated',
      actor,
      drive,
      item,
      ip,
      userAgent,
      { name: to.email, type: 'Guest' },
      {
        kind: 'invitation',
        roles: ['read'],
        recipients: [{ email: to.email, displayName: to.displayName, id: null }],
        linkId: null,
        createdBy,
      },
      '<Type>View</Type><MembersCanShareApplied>False</MembersCanShareApplied>',
      opts,
    );
  }

  exchange(
    t: number,
    u: TenantUser,
    op: string,
    objectId: string,
    params: Array<[string, string]>,
    ip: string,
  ): ActivityEvent {
    return {
      kind: 'exchangeCmdlet',
      t,
      label: this.name,
      key: this.key(),
      actor: u.index,
      op,
      objectId,
      params,
      ip,
    };
  }

  compliance(
    t: number,
    u: TenantUser,
    op: string,
    objectId: string,
    params: string,
    ip: string,
    recordType: 18 | 24 = 18,
  ): ActivityEvent {
    return {
      kind: 'complianceCmdlet',
      t,
      label: this.name,
      key: this.key(),
      actor: u.index,
      op,
      objectId,
      params,
      recordType,
      ip,
    };
  }

  teams(
    t: number,
    u: TenantUser,
    op: TeamsEvent['op'],
    ip: string,
    chat: TeamsEvent['chat'],
    itemName?: string,
  ): ActivityEvent {
    return {
      kind: 'teams',
      t,
      label: this.name,
      key: this.key(),
      actor: u.index,
      op,
      ip,
      chat,
      ...(itemName ? { itemName } : {}),
    };
  }

  /** Spreads `count` instants from `start`, `stepSeconds` apart with jitter. */
  times(start: number, count: number, stepSeconds: number): number[] {
    const out: number[] = [];
    let t = start;
    for (let i = 0; i < count; i++) {
      out.push(t);
      t += Math.max(1, Math.round(stepSeconds * (0.5 + this.rng.next()))) * 1000;
    }
    return out;
  }
}

/** Floors to whole seconds (CreationTime has second precision). */
export function sec(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

export const MIN = MINUTE;
