// The simulator's state and behaviour, independent of HTTP: the tenant, its activity, the world,
// the content catalog, the app registration and tokens, subscriptions, switches and counters.
// HTTP routes (./http) and the programmatic handle (./index.ts) are thin layers over this.
import { type KeyObject, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { TruthLine } from '../records/audit-record.js';
import type { ContentType } from '../records/content-types.js';
import type { ActivityEvent } from './activity/events.js';
import { SLICE_MS, SliceGenerator } from './activity/slice.js';
import { type AppPatch, AppRegistry } from './auth/app-registry.js';
import { TokenService, newKeyId } from './auth/token-service.js';
import { Counters, SimClock } from './clock.js';
import { Faults } from './faults.js';
import { Subscriptions } from './manage/subscriptions.js';
import { type RealismSwitches, type ResolvedOptions, mergeSwitches } from './options.js';
import { type BlobMeta, Catalog } from './publish/catalog.js';
import { ScenarioSet, selectScenarios } from './scenarios/index.js';
import { type Tenant, TenantIndex, buildTenant } from './tenant/model.js';
import { stableGuid } from './util/prng.js';
import { DAY, MINUTE } from './util/time.js';
import { SharingIndex } from './world/sharing.js';
import { World } from './world/state.js';

/**
 * `auditOff`: unified audit logging is off in the tenant (Purview > Audit not started, or
 * `UnifiedAuditLogIngestionEnabled` false): Microsoft refuses to start subscriptions with a
 * DataServiceException, not an AF code (manage/af-errors.ts).
 */
export type TenantState = 'active' | 'deleted' | 'misconfigured' | 'auditOff';

let sharedKey: KeyObject | null = null;

/**
 * The token signing key: one RSA key per process (generating one takes a noticeable moment,
 * and test suites start many simulators). Each simulator still checks tenant and audience.
 */
function processSigningKey(): KeyObject {
  sharedKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return sharedKey;
}

export class Simulator {
  readonly clock: SimClock;
  readonly counters = new Counters();
  readonly tenant: Tenant;
  readonly index: TenantIndex;
  readonly world = new World();
  readonly sharing = new SharingIndex();
  readonly scenarios: ScenarioSet;
  readonly catalog: Catalog;
  private readonly generator: SliceGenerator;
  readonly app: AppRegistry;
  readonly tokens: TokenService;
  readonly subscriptions: Subscriptions;
  readonly faults: Faults;
  readonly signingKey: KeyObject;
  readonly verifyKey: KeyObject;
  tenantState: TenantState = 'active';
  /** Called for every blob as it is published (webhooks listen here). */
  readonly publishListeners: Array<(blob: BlobMeta) => void> = [];
  private currentSwitches: RealismSwitches;
  private truthBuffer: string[] = [];
  private lastPrune = -Infinity;

  constructor(readonly opts: ResolvedOptions) {
    const nowMs = opts.now.getTime();
    this.clock = new SimClock(nowMs, opts.speed);
    this.currentSwitches = opts.switches;
    this.faults = new Faults(opts.seed);
    this.tenant = buildTenant(opts.seed, opts.users, opts.tenantId, nowMs);
    this.index = new TenantIndex(this.tenant);
    const g = { seed: opts.seed, tenant: this.tenant, index: this.index };
    const selected = selectScenarios(opts.scenarios);
    this.scenarios = new ScenarioSet(g, nowMs, opts.days, selected);
    const generator = new SliceGenerator(g, this.scenarios, this.world);
    this.generator = generator;
    this.catalog = new Catalog({
      seed: opts.seed,
      generator,
      sharing: this.sharing,
      switches: () => this.currentSwitches,
      startSlice: Math.floor((nowMs - opts.days * DAY) / SLICE_MS),
      onPublish: (blob, truth) => this.onPublish(blob, truth),
    });
    this.signingKey = processSigningKey();
    this.verifyKey = createPublicKey(this.signingKey);
    this.app = new AppRegistry(opts.clientId, opts.app, stableGuid(opts.seed, 'sp', opts.clientId));
    this.tokens = new TokenService({
      tenantId: opts.tenantId,
      domains: [this.tenant.initialDomain, this.tenant.domain],
      app: this.app,
      clock: this.clock,
      signingKey: this.signingKey,
      keyId: newKeyId(),
      lifetimeSeconds: () => this.opts.tokenLifetimeSeconds,
    });
    this.subscriptions = new Subscriptions(opts.startWithSubscriptions);
    this.sync();
  }

  now(): number {
    return this.clock.now();
  }

  /** Brings the world up to the sim clock: plans finished slices, publishes due blobs. */
  sync(): number {
    const now = this.clock.now();
    this.catalog.sync(now);
    if (now - this.lastPrune > 30 * MINUTE) {
      this.lastPrune = now;
      this.catalog.prune(now - this.currentSwitches.contentExpiryMinutes * MINUTE - DAY);
    }
    this.flushTruth();
    return now;
  }

  advance(ms: number): number {
    this.clock.advance(ms);
    return this.sync();
  }

  get switches(): RealismSwitches {
    return this.currentSwitches;
  }

  setSwitches(patch: Partial<RealismSwitches>): RealismSwitches {
    const next = mergeSwitches(this.currentSwitches, patch);
    if (next.throttlePerMinute !== this.currentSwitches.throttlePerMinute)
      this.faults.resetThrottle();
    this.currentSwitches = next;
    return next;
  }

  updateApp(patch: AppPatch): void {
    this.app.update(patch);
  }

  private onPublish(blob: BlobMeta, truth: string): void {
    this.counters.inc('blobs.published');
    this.counters.inc('records.published', blob.count);
    if (this.opts.truthFile && truth) this.truthBuffer.push(truth);
    for (const listener of this.publishListeners) listener(blob);
  }

  private flushTruth(): void {
    if (!this.opts.truthFile || this.truthBuffer.length === 0) return;
    const text = this.truthBuffer.join('');
    this.truthBuffer = [];
    appendFileSync(this.opts.truthFile, text);
  }

  /** Whether a published blob can be listed and downloaded now (not expired, subscription gap). */
  available(blob: BlobMeta, now: number): boolean {
    return (
      blob.created + this.currentSwitches.contentExpiryMinutes * MINUTE > now &&
      this.subscriptions.visible(blob.contentType, blob.created)
    );
  }

  /**
   * Ground truth, one line per published record copy (duplicates give two lines with the same
   * Id). availableOnly: only blobs a collector can list and download right now; otherwise every
   * blob planned so far, including those not yet published.
   */
  *truth(availableOnly: boolean): Generator<TruthLine> {
    const now = this.sync();
    for (const blob of this.catalog.allPublished()) {
      if (availableOnly && !this.available(blob, now)) continue;
      for (const r of this.catalog.records(blob)) {
        yield {
          Id: r.record.Id,
          contentType: r.contentType,
          contentId: blob.contentId,
          label: r.label,
        };
      }
    }
    if (availableOnly) return;
    for (const blob of this.catalog.pendingBlobs()) {
      for (const line of blob.truth.split('\n')) if (line) yield JSON.parse(line) as TruthLine;
    }
  }

  /**
   * The activity events of finished slices in [from, to), in time order: the very events the
   * audit records were written from. Sign-ins (`kind: 'signIn'`) and sent mail (`'mailSend'`)
   * are first-class, so that Graph sign-in logs or message trace can be served consistently.
   */
  *events(from: number, to: number): Generator<ActivityEvent> {
    const until = Math.min(to, this.catalog.plannedUntil);
    for (let s = Math.floor(from / SLICE_MS); s * SLICE_MS < until; s++) {
      for (const e of this.generator.events(s)) if (e.t >= from && e.t < until) yield e;
    }
  }

  /** contentIds of published, unexpired blobs whose body the brokenBlobRate switch breaks. */
  brokenBlobs(isBroken: (contentId: string) => boolean): string[] {
    const now = this.sync();
    return this.catalog
      .allPublished()
      .filter((b) => this.available(b, now) && isBroken(b.contentId))
      .map((b) => b.contentId);
  }

  blobsOf(ct?: ContentType): BlobMeta[] {
    this.sync();
    return this.catalog.allPublished().filter((b) => !ct || b.contentType === ct);
  }
}
