// Wires the configuration to running collectors: per tenant one token provider, one rate limit,
// one server clock and one HTTP client, shared by its content types. The CLI's `collect` and the
// server use this, and nothing else, to collect.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
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
import { isStopped, waitOrStop } from '../util/wait.js';
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
  /**
   * Stops collection at any moment (requests in flight, limiter waits, backoffs, stream loops):
   * what is committed stays, nothing else is written, and the stream's cursor stays where its
   * last commit left it.
   */
  signal?: AbortSignal;
}

/** `fetch` that the stop signal also ends (for the token provider, whose requests we do not make). */
function stoppableFetch(base: typeof fetch, signal: AbortSignal | undefined): typeof fetch {
  if (!signal) return base;
  return (input, init) =>
    base(input, {
      ...init,
      signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal,
    });
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
  options: Pick<CollectionOptions, 'log' | 'fetch' | 'retry' | 'signal'>,
): TenantClients {
  const log = options.log.child(instance.name);
  const clock = new ServerClock(log);
  const fetchImpl = stoppableFetch(options.fetch ?? fetch, options.signal);
  const tokens = new MsalTokenProvider({
    tenantId: instance.tenantId,
    clientId: instance.clientId,
    credential: instance.credential,
    loginBase: instance.endpoints.login,
    log,
    fetch: fetchImpl,
  });
  const http = new HttpClient({
    tokens,
    clock,
    log,
    fetch: options.fetch,
    retry: options.retry,
    limiter: new RateLimiter(instance.requestsPerMinute),
    signal: options.signal,
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
    signal: options.signal,
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
    signal: options.signal,
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
  /** Aborted by stop(), by the options' signal, or by the signal given to forever(). */
  private readonly stopper = new AbortController();

  constructor(
    readonly config: ResolvedConfig,
    readonly store: Store,
    private readonly options: CollectionOptions,
  ) {
    // Every download in flight may wait on the stop signal at once (rate limiter, backoff), each
    // with its own listener removed when the wait ends: many listeners here are not a leak.
    const inFlight = config.instances.reduce((a, i) => a + i.concurrency, 0);
    setMaxListeners(Math.max(10, 4 * inFlight + 16), this.stopper.signal);
    const outer = options.signal;
    if (outer?.aborted) this.stopper.abort();
    else outer?.addEventListener('abort', () => this.stop(), { once: true });
    const shared = {
      ...options,
      budget: options.budget ?? new MemoryBudget(DEFAULT_BUDGET_BYTES),
      signal: this.stopper.signal,
    };
    this.tenants = config.instances
      .filter(
        (i) => i.enabled && (i.contentTypes.length > 0 || Object.keys(i.graphServices).length > 0),
      )
      .map((i) => createTenantRuntime(i, store, shared));
  }

  /** Ends collection at any moment; passes under way end with what they committed. */
  stop(): void {
    this.stopper.abort();
  }

  /** Whether collection was asked to stop (a pass that ended early did not reach its end). */
  get stopped(): boolean {
    return this.stopper.signal.aborted;
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
    if (subscribe && t.instance.contentTypes.length > 0 && !this.stopped) {
      try {
        const states = await t.collector.ensureSubscriptions();
        for (const [ct, state] of states) {
          if (state !== 'enabled' && state !== 'started')
            subscriptionErrors.push(`${ct}: ${state}`);
        }
      } catch (error) {
        if (!isStopped(error, this.stopper.signal))
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
   * Collects everything available when it starts, then ends: one pass, in which each stream
   * collects up to Microsoft's time when the stream started (what arrives later is the next
   * run's). It never chases fresh activity, so it ends on a live tenant.
   */
  once(): Promise<PassSummary[]> {
    return this.pass(true);
  }

  /** Polls until the signal aborts; the poll interval is the shortest configured one. */
  async forever(signal: AbortSignal, onPass?: (s: PassSummary[]) => void): Promise<void> {
    const interval = Math.min(...this.tenants.map((t) => t.instance.pollIntervalMs));
    const stop = () => this.stop();
    if (signal.aborted) this.stop();
    signal.addEventListener('abort', stop, { once: true });
    try {
      let first = true;
      while (!this.stopped) {
        const summaries = await this.pass(first);
        first = false;
        if (this.stopped) break;
        onPass?.(summaries);
        // One abort listener per wait, gone when it ends (one added per pass and never removed
        // made Node warn of a leak after ten polls).
        await waitOrStop(interval, this.stopper.signal);
      }
    } finally {
      signal.removeEventListener('abort', stop);
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
