// Graph's views of the tenant's activity (docs/microsoft-apis.md, "Sign-ins and directory audits",
// "Message trace"): sign-in logs, directory audits and message trace, derived from exactly the
// events the audit records are written from (`Simulator.events`), so the same sign-ins appear in
// both feeds and sent mail appears in the trace. Each entry shows up in Graph some minutes after
// the event (the `graphDelayMinutes` switch, a pure function of the entry); a slice's entries are
// built once and cached.
import type {
  ActivityEvent,
  DirectoryEvent,
  MailSendEvent,
  SignInEvent,
} from '../activity/events.js';
import { APPS } from '../activity/events.js';
import { SLICE_MS } from '../activity/slice.js';
import { LOGON_ERRORS } from '../records/azure-ad.js';
import { buildRecord } from '../records/build.js';
import type { Simulator } from '../simulator.js';
import { placeOf } from '../tenant/geo.js';
import { Lru } from '../util/lru.js';
import { hash32, stableGuid } from '../util/prng.js';
import { DAY, MINUTE, isoSeconds } from '../util/time.js';

export type LogSource = 'signIns' | 'directoryAudits' | 'messageTraces';

/** One Graph entry with what the simulator needs to serve and judge it. */
export interface LogEntry {
  readonly source: LogSource;
  readonly id: string;
  /** Event time (ms). */
  readonly t: number;
  readonly label: string;
  /** The key of the event it came from (its delay is a function of it). */
  readonly key: string;
  readonly body: Record<string, unknown>;
}

interface SliceLogs {
  signIns: LogEntry[];
  directoryAudits: LogEntry[];
  messageTraces: LogEntry[];
}

const APP_NAMES: Readonly<Record<string, string>> = {
  [APPS.exchangeOnline]: 'Office 365 Exchange Online',
  [APPS.sharePointOnline]: 'Office 365 SharePoint Online',
  [APPS.graph]: 'Microsoft Graph',
  [APPS.teamsService]: 'Microsoft Teams Services',
  [APPS.officeClient]: 'Microsoft Office',
  [APPS.officeHome]: 'OfficeHome',
  [APPS.teamsClient]: 'Microsoft Teams',
  [APPS.oneDriveSync]: 'OneDrive SyncEngine',
  [APPS.azurePowerShell]: 'Azure Active Directory PowerShell',
  [APPS.exchangePowerShell]: 'Microsoft Exchange REST API Based Powershell',
  [APPS.managementApi]: 'Office 365 Management APIs',
};

const FAILURE_REASONS: Readonly<Record<number, string>> = {
  0: 'Other.',
  50126: 'Error validating credentials due to invalid username or password.',
  50057: 'User account is disabled. The account has been disabled by an administrator.',
  50053:
    'Account is locked because user tried to sign in too many times with an incorrect user ID or password.',
  50074: 'Strong Authentication is required.',
  500121: 'Authentication failed during strong authentication request.',
  50140: "This error occurred due to 'Keep me signed in' interrupt when the user was signing in.",
  50055: 'The password is expired.',
};

const DESKTOP_APPS = new Set<string>([
  APPS.teamsClient,
  APPS.officeClient,
  APPS.oneDriveSync,
  APPS.azurePowerShell,
]);

/** Graph's seven-digit fractions: `2026-03-02T08:00:00.1234567Z`. */
function isoTicks(ms: number, key: string): string {
  const ticks = String(hash32('ticks', key) % 10_000).padStart(4, '0');
  return `${new Date(ms).toISOString().slice(0, 23)}${ticks}Z`;
}

export class ActivityLogs {
  private readonly slices = new Lru<number, SliceLogs>(8192);
  /** The first slice of the simulated history (nothing happened before it). */
  readonly historyStart: number;

  constructor(private readonly sim: Simulator) {
    const start = sim.opts.now.getTime() - sim.opts.days * DAY;
    this.historyStart = Math.floor(start / SLICE_MS) * SLICE_MS;
  }

  /** When an entry becomes visible in Graph: its event time plus a delay skewed to short. */
  visibleAt(e: Pick<LogEntry, 't' | 'key' | 'source'>): number {
    const { min, max } = this.sim.switches.graphDelayMinutes;
    const u = hash32(this.sim.opts.seed, 'graph-delay', e.source, e.key) / 0x1_0000_0000;
    return e.t + Math.round((min + (max - min) * u * u) * MINUTE);
  }

  /** Entries of one source with event time in [from, to), visible at `asOf` (or all). */
  *entries(source: LogSource, from: number, to: number, asOf?: number): Generator<LogEntry> {
    const until = Math.min(to, this.sim.catalog.plannedUntil);
    const first = Math.max(from, this.historyStart);
    for (let s = Math.floor(first / SLICE_MS); s * SLICE_MS < until; s++) {
      for (const e of this.slice(s)[source]) {
        if (e.t < first || e.t >= until) continue;
        if (asOf !== undefined && this.visibleAt(e) > asOf) continue;
        yield e;
      }
    }
  }

  /** Raw activity events of [from, to) within the history (for the usage reports). */
  *events(from: number, to: number): Generator<ActivityEvent> {
    yield* this.sim.events(Math.max(from, this.historyStart), to);
  }

  private slice(s: number): SliceLogs {
    const cached = this.slices.get(s);
    if (cached) return cached;
    const logs: SliceLogs = { signIns: [], directoryAudits: [], messageTraces: [] };
    for (const e of this.sim.events(s * SLICE_MS, (s + 1) * SLICE_MS)) {
      if (e.kind === 'signIn') logs.signIns.push(this.signIn(e));
      else if (e.kind === 'directory') logs.directoryAudits.push(this.audit(e));
      else if (e.kind === 'mailSend') logs.messageTraces.push(...this.traces(e));
    }
    // Only finished slices are complete: cache those.
    if ((s + 1) * SLICE_MS <= this.sim.catalog.plannedUntil) this.slices.set(s, logs);
    return logs;
  }

  private record(e: ActivityEvent): Record<string, unknown> {
    const built = buildRecord(
      { tenant: this.sim.tenant, index: this.sim.index },
      this.sim.opts.seed,
      e,
    );
    return built.record as unknown as Record<string, unknown>;
  }

  private signIn(e: SignInEvent): LogEntry {
    const u = this.sim.tenant.users[e.user]!;
    const audit = this.record(e);
    const licence = this.sim.switches.entraLicence;
    const place = placeOf(e.ip);
    const known = e.ip === u.officeIp || e.ip === u.homeIp || e.ip === u.ipv6;
    const foreign = place !== null && place.countryOrRegion !== 'DE';
    const risk = (level: string) => (licence === 'P2' ? level : 'hidden');
    const failed = e.errorCode !== 0;
    // The sign-in's request id is the audit record's IntraSystemId, its correlation id the
    // InterSystemsId: the two feeds can be joined as in a real tenant.
    const id = String(audit.IntraSystemId ?? audit.Id);
    const body: Record<string, unknown> = {
      id,
      createdDateTime: isoTicks(e.t, e.key),
      userDisplayName: u.displayName,
      userPrincipalName: u.upn,
      userId: u.id,
      appId: e.appId,
      appDisplayName: APP_NAMES[e.appId] ?? 'Unknown application',
      ipAddress: e.ip,
      clientAppUsed: DESKTOP_APPS.has(e.appId) ? 'Mobile Apps and Desktop clients' : 'Browser',
      correlationId: String(audit.InterSystemsId ?? stableGuid('corr', e.key)),
      conditionalAccessStatus: failed ? 'notApplied' : known ? 'success' : 'notApplied',
      isInteractive: e.requestType !== 'OAuth2:Token',
      riskDetail: risk('none'),
      riskLevelAggregated: risk(foreign && !failed ? 'medium' : 'none'),
      riskLevelDuringSignIn: risk(foreign ? 'medium' : 'none'),
      riskState: risk(foreign && !failed ? 'atRisk' : 'none'),
      riskEventTypes_v2: licence === 'P2' && foreign ? ['unfamiliarFeatures'] : [],
      resourceDisplayName: APP_NAMES[e.resourceId] ?? 'Unknown resource',
      resourceId: e.resourceId,
      status: {
        errorCode: e.errorCode,
        failureReason: FAILURE_REASONS[e.errorCode] ?? LOGON_ERRORS[e.errorCode] ?? 'Other.',
        additionalDetails: failed ? 'MFA requirement satisfied by claim in the token' : null,
      },
      deviceDetail: known
        ? {
            deviceId: u.deviceId,
            displayName: u.deviceName,
            operatingSystem: u.os === 'MacOs' ? 'MacOs' : 'Windows10',
            browser: `${u.browser} 124.0.0`,
            isCompliant: true,
            isManaged: true,
            trustType: 'Azure AD joined',
          }
        : {
            deviceId: '',
            displayName: null,
            operatingSystem: e.userAgent.includes('Windows') ? 'Windows10' : 'Linux',
            browser: e.userAgent.startsWith('Mozilla/5.0 (compatible') ? 'Other' : 'Chrome 124.0.0',
            isCompliant: false,
            isManaged: false,
            trustType: null,
          },
      location: {
        city: place?.city ?? null,
        state: place?.state ?? null,
        countryOrRegion: place?.countryOrRegion ?? null,
        geoCoordinates: {
          altitude: null,
          latitude: place?.latitude ?? null,
          longitude: place?.longitude ?? null,
        },
      },
      appliedConditionalAccessPolicies: [],
    };
    return { source: 'signIns', id, t: e.t, label: e.label, key: e.key, body };
  }

  private audit(e: DirectoryEvent): LogEntry {
    const audit = this.record(e);
    const id = `Directory_${String(audit.Id)}`;
    const op = e.op.replace(/\.$/, '');
    let initiatedBy: Record<string, unknown>;
    if (e.actor.type === 'user') {
      const u = this.sim.tenant.users[e.actor.index]!;
      initiatedBy = {
        user: {
          id: u.id,
          displayName: u.displayName,
          userPrincipalName: u.upn,
          ipAddress: e.ip ?? '',
          userType: 'Member',
          homeTenantId: this.sim.tenant.id,
          homeTenantName: this.sim.tenant.name,
        },
      };
    } else if (e.actor.type === 'app') {
      initiatedBy = {
        app: {
          appId: e.actor.appId,
          displayName: e.actor.name,
          servicePrincipalId: stableGuid('sp', e.actor.appId),
          servicePrincipalName: e.actor.name,
        },
      };
    } else {
      initiatedBy = {
        app: {
          appId: null,
          displayName: 'Microsoft Substrate Management',
          servicePrincipalId: null,
          servicePrincipalName: null,
        },
      };
    }
    const target = e.objectId;
    const user = this.sim.index.byUpn.get(target.toLowerCase());
    const body: Record<string, unknown> = {
      id,
      category: categoryOf(op),
      correlationId: String(audit.InterSystemsId ?? stableGuid('corr', e.key)),
      result: e.resultStatus === 'Success' ? 'success' : 'failure',
      resultReason:
        e.resultStatus === 'Success' ? '' : 'Microsoft.Online.Workflows.WorkflowException',
      activityDisplayName: op,
      activityDateTime: isoTicks(e.t, e.key),
      loggedByService: 'Core Directory',
      operationType: operationTypeOf(op),
      initiatedBy,
      targetResources: [
        {
          id: user?.id ?? e.target.find((t) => t.Type === 2)?.ID ?? stableGuid('target', target),
          displayName: user?.displayName ?? target,
          type:
            user || target.includes('@')
              ? 'User'
              : /application|consent|service principal/i.test(op)
                ? 'ServicePrincipal'
                : 'Other',
          userPrincipalName: user?.upn ?? (target.includes('@') ? target : null),
          groupType: null,
          modifiedProperties: e.modified.map((m) => ({
            displayName: m.Name,
            oldValue: m.OldValue,
            newValue: m.NewValue,
          })),
        },
      ],
      additionalDetails: e.extended.map((x) => ({ key: x.Name, value: x.Value })),
    };
    return { source: 'directoryAudits', id, t: e.t, label: e.label, key: e.key, body };
  }

  private traces(e: MailSendEvent): LogEntry[] {
    const u = this.sim.tenant.users[e.from]!;
    return e.to.map((recipient) => {
      const internal = recipient.toLowerCase().endsWith(`@${this.sim.tenant.domain}`);
      const id = stableGuid(this.sim.opts.seed, 'trace', e.key, recipient);
      const body: Record<string, unknown> = {
        id,
        messageId: e.internetMessageId,
        receivedDateTime: isoSeconds(e.t),
        senderAddress: u.mail,
        recipientAddress: recipient,
        subject: e.subject,
        size: e.size,
        status: 'Delivered',
        fromIP: e.ip,
        toIP: internal
          ? null
          : `52.101.${hash32('mx', recipient) % 200}.${(hash32('mx2', recipient) % 250) + 2}`,
      };
      return {
        source: 'messageTraces',
        id,
        t: e.t,
        label: e.label,
        key: `${e.key}|${recipient}`,
        body,
      };
    });
  }
}

function categoryOf(op: string): string {
  if (/role/i.test(op)) return 'RoleManagement';
  if (/group|member/i.test(op)) return 'GroupManagement';
  if (/application|consent|service principal|oauth2/i.test(op)) return 'ApplicationManagement';
  if (/user|account|password/i.test(op)) return 'UserManagement';
  if (/domain|federation|company/i.test(op)) return 'DirectoryManagement';
  if (/policy|conditional/i.test(op)) return 'Policy';
  return 'Other';
}

function operationTypeOf(op: string): string {
  const verb = op.split(' ')[0]?.toLowerCase() ?? '';
  if (verb === 'add' || verb === 'consent' || verb === 'create') return 'Add';
  if (verb === 'delete' || verb === 'remove') return 'Delete';
  if (verb === 'update' || verb === 'set' || verb === 'disable' || verb === 'enable')
    return 'Update';
  if (verb === 'assign') return 'Assign';
  return 'Other';
}

const views = new WeakMap<Simulator, ActivityLogs>();

/** The Graph views of a simulator (one per simulator, made on first use). */
export function activityLogs(sim: Simulator): ActivityLogs {
  let v = views.get(sim);
  if (!v) views.set(sim, (v = new ActivityLogs(sim)));
  return v;
}
