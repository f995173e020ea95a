// The simulator's options and realism switches: types, defaults and validation. Switches can be
// changed at run time (handle.setSwitches, PUT /_sim/switches); options are fixed at start.
import { z } from 'zod';

/**
 * The realism that breaks naive collectors, each with a switch. Defaults are realistic but
 * fault-free: Microsoft's latency, ordering, duplicates and throttling, no injected errors.
 */
export interface RealismSwitches {
  /** Minutes between the end of an activity slice and its blob's contentCreated. Default 5..180. */
  publicationDelayMinutes: { min: number; max: number };
  /** Records inside a blob not in event order, and later blobs holding older events. Default true. */
  outOfOrder: boolean;
  /** Fraction of records also published in a second blob (same Id), as Microsoft does. Default 0.01. */
  duplicateRate: number;
  /** Management API requests per minute per tenant (real time); 0 = off. Default 2000. */
  throttlePerMinute: number;
  /** HTTP status of an AF429 answer: 403 (what the reference observed) or 429. Default 403. */
  throttleStatus: 403 | 429;
  /** Retry-After header on throttled answers, in seconds; null = no header. Default 5. */
  retryAfterSeconds: number | null;
  /** Fraction of Management/Graph requests answered 500 AF50000 or 503. Default 0. */
  transientErrorRate: number;
  /** Fraction of Management/Graph requests whose socket is destroyed without an answer. Default 0. */
  dropConnectionRate: number;
  /** Fraction of blobs whose body is not valid JSON (decided per contentId; 0 repairs them). Default 0. */
  brokenBlobRate: number;
  /** How long a blob stays downloadable after contentCreated. Default 10080 (7 days). */
  contentExpiryMinutes: number;
  /** Content entries per /subscriptions/content page before a NextPageUri header. Default 1000. */
  pageSize: number;
  /**
   * Listing windows of exactly 24 hours: Microsoft documents them as allowed, yet real tenants
   * have answered them AF20055 (docs/real-records.md). `refuse` does the latter. Default accept.
   */
  fullDayWindows: 'accept' | 'refuse';
  /** Added latency per Management/Graph request, in milliseconds. Default 0. */
  latencyMs: number;
  /** Graph requests per minute per app (real time) before 429 TooManyRequests; 0 = off. Default 0. */
  graphThrottlePerMinute: number;
  /** Entra ID licence: sign-in logs need P1 or P2 (403 otherwise); risk fields need P2. Default P2. */
  entraLicence: 'free' | 'P1' | 'P2';
  /** Sign-in and directory audit requests per 10 s per app (real time, Microsoft's 5); 0 = off. */
  auditLogThrottlePer10Seconds: number;
  /** Requests per 10 minutes per app and usage report (real time, Microsoft's 14); 0 = off. */
  reportThrottlePer10Minutes: number;
  /**
   * Message trace requests per 5-minute running window per tenant (real time, Microsoft's 100,
   * docs/collecting.md); 0 = off.
   */
  messageTraceThrottlePer5Minutes: number;
  /**
   * Most entries per Graph log page before @odata.nextLink, under each API's own `$top` limit
   * (sign-ins and audits 1,000, message trace 5,000). Default 5000.
   */
  graphPageSize: number;
  /** Minutes after the event before a sign-in, audit or trace entry shows in Graph. Default 1..15. */
  graphDelayMinutes: { min: number; max: number };
}

export const DEFAULT_SWITCHES: Readonly<RealismSwitches> = Object.freeze({
  publicationDelayMinutes: Object.freeze({ min: 5, max: 180 }),
  outOfOrder: true,
  duplicateRate: 0.01,
  throttlePerMinute: 2000,
  throttleStatus: 403,
  retryAfterSeconds: 5,
  transientErrorRate: 0,
  dropConnectionRate: 0,
  brokenBlobRate: 0,
  contentExpiryMinutes: 7 * 24 * 60,
  pageSize: 1000,
  fullDayWindows: 'accept',
  latencyMs: 0,
  graphThrottlePerMinute: 0,
  entraLicence: 'P2',
  auditLogThrottlePer10Seconds: 5,
  reportThrottlePer10Minutes: 14,
  messageTraceThrottlePer5Minutes: 100,
  graphPageSize: 5000,
  graphDelayMinutes: Object.freeze({ min: 1, max: 15 }),
}) as RealismSwitches;

const fraction = z.number().min(0).max(1);

/** Validates a partial switch update (from the API or PUT /_sim/switches). */
export const switchesPatchSchema = z
  .object({
    publicationDelayMinutes: z
      .object({ min: z.number().min(0), max: z.number().min(0) })
      .refine((d) => d.min <= d.max, { message: 'min must not exceed max' }),
    outOfOrder: z.boolean(),
    duplicateRate: fraction,
    throttlePerMinute: z.number().int().min(0),
    throttleStatus: z.union([z.literal(403), z.literal(429)]),
    retryAfterSeconds: z.number().min(0).nullable(),
    transientErrorRate: fraction,
    dropConnectionRate: fraction,
    brokenBlobRate: fraction,
    contentExpiryMinutes: z.number().min(1),
    pageSize: z.number().int().min(1).max(100000),
    fullDayWindows: z.enum(['accept', 'refuse']),
    latencyMs: z.number().min(0).max(60000),
    graphThrottlePerMinute: z.number().int().min(0),
    entraLicence: z.enum(['free', 'P1', 'P2']),
    auditLogThrottlePer10Seconds: z.number().int().min(0),
    reportThrottlePer10Minutes: z.number().int().min(0),
    messageTraceThrottlePer5Minutes: z.number().int().min(0),
    graphPageSize: z.number().int().min(1).max(5000),
    graphDelayMinutes: z
      .object({ min: z.number().min(0), max: z.number().min(0) })
      .refine((d) => d.min <= d.max, { message: 'min must not exceed max' }),
  })
  .partial()
  .strict();

export function mergeSwitches(
  base: RealismSwitches,
  patch: Partial<RealismSwitches> | undefined,
): RealismSwitches {
  if (!patch)
    return {
      ...base,
      publicationDelayMinutes: { ...base.publicationDelayMinutes },
      graphDelayMinutes: { ...base.graphDelayMinutes },
    };
  const parsed = switchesPatchSchema.safeParse(patch);
  if (!parsed.success) {
    throw new Error(`invalid simulator switches: ${z.prettifyError(parsed.error)}`);
  }
  const merged: RealismSwitches = { ...base, ...(parsed.data as Partial<RealismSwitches>) };
  merged.publicationDelayMinutes = { ...merged.publicationDelayMinutes };
  merged.graphDelayMinutes = { ...merged.graphDelayMinutes };
  return merged;
}

/** Settings of the registered app (the collector's and responder's identity). */
export interface AppSettings {
  displayName: string;
  /** Client secrets; a secret past `expires` (sim time) answers AADSTS7000222. */
  secrets: Array<{ value: string; expires: Date }>;
  /** PEM X.509 certificates whose keys may sign client assertions. */
  certificates: string[];
  /** Application permissions granted with admin consent, per resource. */
  roles: { manage: string[]; graph: string[] };
  /** false: the app has no service principal in the tenant (never consented) → AADSTS700016. */
  consented: boolean;
  /** Entra roles of the app's service principal (needed to disable privileged admins). */
  directoryRoles: string[];
}

export const DEFAULT_MANAGE_ROLES = [
  'ActivityFeed.Read',
  'ActivityFeed.ReadDlp',
  'ServiceHealth.Read',
];
export const DEFAULT_GRAPH_ROLES = [
  'User.Read.All',
  'User.EnableDisableAccount.All',
  'User.RevokeSessions.All',
  'Files.ReadWrite.All',
  // Graph sources (issue 8): sign-ins and audits, usage reports, message trace.
  'AuditLog.Read.All',
  'Directory.Read.All',
  'Reports.Read.All',
  'ExchangeMessageTrace.Read.All',
];

export interface SimulatorOptions {
  /** Interface to listen on. Default '127.0.0.1'. */
  host?: string;
  /** 0 = chosen by the OS (default). */
  port?: number;
  /** Default 1. */
  seed?: number;
  /** Member accounts of the tenant. Default 50. */
  users?: number;
  /** History to pre-generate, 0..7 days. Default 2. */
  days?: number;
  /** Scenario names, or ['all']. Default [] (benign activity only). */
  scenarios?: string[];
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  /** Start of the sim clock. Default: real now. Same seed + same now = byte-identical records. */
  now?: Date;
  /** Sim seconds per real second. Default 1; 0 freezes the clock (advance() still works). */
  speed?: number;
  /** Append ground truth NDJSON (TruthLine) here as records are published. */
  truthFile?: string;
  switches?: Partial<RealismSwitches>;
  /** Access token lifetime in sim seconds. Default 3599. */
  tokenLifetimeSeconds?: number;
  /** The registered app; missing fields take the defaults (client secret = clientSecret). */
  app?: Partial<Omit<AppSettings, 'roles'>> & { roles?: Partial<AppSettings['roles']> };
  /** Subscriptions of all five content types enabled at start (default true), or none. */
  startWithSubscriptions?: boolean;
  /**
   * Serve HTTPS (MSAL refuses http authorities): true = a self-signed certificate for the host,
   * exposed as handle.caCertificate; or your own PEM certificate and key.
   */
  https?: boolean | { cert: string; key: string };
}

export const DEFAULT_TENANT_ID = '6f1c2b7a-3d4e-4f50-8a6b-9c0d1e2f3a4b';
export const DEFAULT_CLIENT_ID = '2b8e4c6d-7f10-4a2b-9c3d-4e5f6a7b8c9d';
/** A simulator secret: it unlocks nothing but this simulator, and the CLI prints it. */
export const DEFAULT_CLIENT_SECRET = 'sim~m365hunt.Local-Only_Secret.0001';

export interface ResolvedOptions {
  host: string;
  port: number;
  seed: number;
  users: number;
  days: number;
  scenarios: string[];
  tenantId: string;
  clientId: string;
  clientSecret: string;
  now: Date;
  speed: number;
  truthFile: string | undefined;
  switches: RealismSwitches;
  tokenLifetimeSeconds: number;
  app: AppSettings;
  startWithSubscriptions: boolean;
  https: boolean | { cert: string; key: string };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  const fail = (message: string): never => {
    throw new Error(`simulator: ${message}`);
  };
  const users = options.users ?? 50;
  if (!Number.isInteger(users) || users < 10 || users > 20000)
    fail(`users must be an integer between 10 and 20000 (got ${users})`);
  const days = options.days ?? 2;
  if (!Number.isInteger(days) || days < 0 || days > 7)
    fail(`days must be an integer from 0 to 7 (got ${days})`);
  const speed = options.speed ?? 1;
  if (!Number.isFinite(speed) || speed < 0) fail(`speed must be ≥ 0 (got ${speed})`);
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) fail(`seed must be an integer (got ${seed})`);
  const tenantId = (options.tenantId ?? DEFAULT_TENANT_ID).toLowerCase();
  if (!GUID.test(tenantId)) fail(`tenantId must be a GUID (got ${tenantId})`);
  const clientId = (options.clientId ?? DEFAULT_CLIENT_ID).toLowerCase();
  if (!GUID.test(clientId)) fail(`clientId must be a GUID (got ${clientId})`);
  const now = options.now ?? new Date();
  if (Number.isNaN(now.getTime())) fail('now is not a valid date');
  const lifetime = options.tokenLifetimeSeconds ?? 3599;
  if (!(lifetime > 0)) fail('tokenLifetimeSeconds must be positive');
  const clientSecret = options.clientSecret ?? DEFAULT_CLIENT_SECRET;
  const app: AppSettings = {
    displayName: options.app?.displayName ?? 'm365hunt collector',
    secrets: options.app?.secrets ?? [
      { value: clientSecret, expires: new Date(now.getTime() + 180 * 24 * 3600 * 1000) },
    ],
    certificates: options.app?.certificates ?? [],
    roles: {
      manage: options.app?.roles?.manage ?? [...DEFAULT_MANAGE_ROLES],
      graph: options.app?.roles?.graph ?? [...DEFAULT_GRAPH_ROLES],
    },
    consented: options.app?.consented ?? true,
    directoryRoles: options.app?.directoryRoles ?? [],
  };
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    seed,
    users,
    days,
    scenarios: options.scenarios ?? [],
    tenantId,
    clientId,
    clientSecret,
    now,
    speed,
    truthFile: options.truthFile,
    switches: mergeSwitches(DEFAULT_SWITCHES, options.switches),
    tokenLifetimeSeconds: lifetime,
    app,
    startWithSubscriptions: options.startWithSubscriptions ?? true,
    https: options.https ?? false,
  };
}
