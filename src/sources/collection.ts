// Wires the configuration to running collectors: per tenant one token provider, one rate limit,
// one server clock and one HTTP client, shared by its content types. The CLI's `collect` and the
// server use this, and nothing else, to collect.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { CollectorInstance, ResolvedConfig } from '../config/load.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../util/log.js';
import { MsalTokenProvider, type TokenProvider } from './auth/token-provider.js';
import { HttpClient, type RetryPolicy } from './http/http-client.js';
import { RateLimiter } from './http/rate-limiter.js';
import { ServerClock } from './http/server-clock.js';
import { GraphSources } from './graph/sources.js';
import { ManagementActivityApi } from './management-activity/api.js';
import { waitOrStop } from '../util/wait.js';
import { DEFAULT_BUDGET_BYTES, MemoryBudget } from './memory-budget.js';
import {
  ManagementActivityCollector,
  type CollectorProgress,
  type StreamPassResult,
} from './management-activity/collector.js';

export interface TenantRuntime {
  readonly instance: CollectorInstance;
  readonly clock: ServerClock;
  readonly http: HttpClient;
  readonly tokens: TokenProvider;
  readonly api: ManagementActivityApi;
  readonly collector: ManagementActivityCollector;
  /** The Microsoft Graph sources of the tenant (`entra_id`, `reports`, `message_trace`). */
  readonly graph: GraphSources;
}

export interface CollectionOptions {
  log: Logger;
  progress?: CollectorProgress;
  fetch?: typeof fetch;
  retry?: Partial<RetryPolicy>;
  /** Called after each committed batch (the alert engine hooks in here). */
  onCommit?: () => void;
  /** Bounds downloaded records waiting for a commit, across every tenant and stream. */
  budget?: MemoryBudget;
}

/** `collector-<id>-<host>`: `split(hostchain, "-", 1)` gives the collector id. */
export function hostchainFor(instance: CollectorInstance, host = hostname()): string {
  return `collector-${instance.id}-${host}`;
}

export interface TenantClients {
  readonly clock: ServerClock;
  readonly http: HttpClient;
  readonly tokens: TokenProvider;
  readonly api: ManagementActivityApi;
}

/** The clients of one tenant: token provider, rate-limited HTTP client, server clock, API. */
export function createTenantClients(
  instance: CollectorInstance,
  options: Pick<CollectionOptions, 'log' | 'fetch' | 'retry'>,
): TenantClients {
  const log = options.log.child(instance.name);
  const clock = new ServerClock(log);
  const tokens = new MsalTokenProvider({
    tenantId: instance.tenantId,
    clientId: instance.clientId,
    credential: instance.credential,
    loginBase: instance.endpoints.login,
    log,
    fetch: options.fetch,
  });
  const http = new HttpClient({
    tokens,
    clock,
    log,
    fetch: options.fetch,
    retry: options.retry,
    limiter: new RateLimiter(instance.requestsPerMinute),
  });
  const api = new ManagementActivityApi(http, {
    manageBase: instance.endpoints.manage,
    audience: instance.audiences.manage,
    tenantId: instance.tenantId,
    publisherId: instance.publisherId,
  });
  return { clock, http, tokens, api };
}

export function createTenantRuntime(
  instance: CollectorInstance,
  store: Store,
  options: CollectionOptions,
): TenantRuntime {
  const clients = createTenantClients(instance, options);
  const collector = new ManagementActivityCollector({
    store,
    instance,
    api: clients.api,
    clock: clients.clock,
    hostchain: hostchainFor(instance),
    log: options.log.child(instance.name),
    progress: options.progress,
    onCommit: options.onCommit,
    budget: options.budget,
  });
  const graph = new GraphSources({
    store,
    instance,
    tokens: clients.tokens,
    clock: clients.clock,
    hostchain: hostchainFor(instance),
    log: options.log.child(instance.name),
    progress: options.progress,
    onCommit: options.onCommit,
    fetch: options.fetch,
    retry: options.retry,
  });
  return { instance, ...clients, collector, graph };
}

export interface PassSummary {
  readonly tenant: string;
  readonly results: readonly StreamPassResult[];
  readonly subscriptionErrors: readonly string[];
  /** Set when another collector process holds this tenant: nothing was collected by this one. */
  readonly heldBy?: 'another collector';
}

/** How long a tenant's lease lasts without renewal (a crashed holder frees it after this). */
const LEASE_MS = 10 * 60_000;

export class Collection {
  readonly tenants: readonly TenantRuntime[];

  constructor(
    readonly config: ResolvedConfig,
    readonly store: Store,
    private readonly options: CollectionOptions,
  ) {
    const shared = { ...options, budget: options.budget ?? new MemoryBudget(DEFAULT_BUDGET_BYTES) };
    this.tenants = config.instances
      .filter(
        (i) => i.enabled && (i.contentTypes.length > 0 || Object.keys(i.graphServices).length > 0),
      )
      .map((i) => createTenantRuntime(i, store, shared));
  }

  /** Identifies this process among collectors sharing a store. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  /**
   * Collectors sharing a store (ClickHouse) take a lease per tenant, renewed while they work, so
   * that no tenant is collected by two processes at once.
   */
  private async tenantPass(t: TenantRuntime, subscribe: boolean): Promise<PassSummary> {
    const lease = `collect:${t.instance.tenantId}`;
    if (!(await this.store.acquireLease(lease, this.owner, LEASE_MS))) {
      this.options.log.debug(`${t.instance.name}: collected by another collector process; skipped`);
      return {
        tenant: t.instance.name,
        results: [],
        subscriptionErrors: [],
        heldBy: 'another collector',
      };
    }
    const renew = setInterval(() => {
      this.store.acquireLease(lease, this.owner, LEASE_MS).catch((error: unknown) => {
        this.options.log.warn(
          `${t.instance.name}: cannot renew the collection lease: ${String(error)}`,
        );
      });
    }, LEASE_MS / 3);
    renew.unref();
    try {
      return await this.collectTenant(t, subscribe);
    } finally {
      clearInterval(renew);
    }
  }

  /** Gives up this process's tenant leases (at shutdown), so another collector may take over. */
  async releaseLeases(): Promise<void> {
    for (const t of this.tenants) {
      await this.store
        .releaseLease(`collect:${t.instance.tenantId}`, this.owner)
        .catch(() => undefined);
    }
  }

  private async collectTenant(t: TenantRuntime, subscribe: boolean): Promise<PassSummary> {
    const subscriptionErrors: string[] = [];
    if (subscribe && t.instance.contentTypes.length > 0) {
      try {
        const states = await t.collector.ensureSubscriptions();
        for (const [ct, state] of states) {
          if (state !== 'enabled' && state !== 'started')
            subscriptionErrors.push(`${ct}: ${state}`);
        }
      } catch (error) {
        subscriptionErrors.push(error instanceof Error ? error.message : String(error));
      }
    }
    const [management, graph] = await Promise.all([t.collector.pass(), t.graph.pass()]);
    return { tenant: t.instance.name, results: [...management, ...graph], subscriptionErrors };
  }

  /** One pass over every tenant and content type. */
  pass(subscribe = false): Promise<PassSummary[]> {
    return Promise.all(this.tenants.map((t) => this.tenantPass(t, subscribe)));
  }

  /**
   * Collects everything available now: passes until one finds no new content (content made
   * available while a long backfill ran is collected by the next pass).
   */
  async once(maxPasses = 5): Promise<PassSummary[]> {
    const all: PassSummary[] = [];
    for (let i = 0; i < maxPasses; i++) {
      const summaries = await this.pass(i === 0);
      all.push(...summaries);
      const fetched = summaries
        .flatMap((s) => s.results)
        .reduce((n, r) => n + r.blobs + r.skipped, 0);
      const failed = summaries.some((s) => s.results.some((r) => r.error));
      if (fetched === 0 || failed) break;
    }
    return all;
  }

  /** Polls until the signal aborts; the poll interval is the shortest configured one. */
  async forever(signal: AbortSignal, onPass?: (s: PassSummary[]) => void): Promise<void> {
    const interval = Math.min(...this.tenants.map((t) => t.instance.pollIntervalMs));
    let first = true;
    while (!signal.aborted) {
      const summaries = await this.pass(first);
      first = false;
      onPass?.(summaries);
      // One abort listener per wait, gone when it ends (one added per pass and never removed
      // made Node warn of a leak after ten polls).
      await waitOrStop(interval, signal);
    }
  }

  async retrySkipped(): Promise<
    Array<{ tenant: string; retried: number; recovered: number; stillSkipped: number }>
  > {
    return Promise.all(
      this.tenants.map(async (t) => ({
        tenant: t.instance.name,
        ...(await t.collector.retrySkipped()),
      })),
    );
  }
}
