// The response workflow: an action is proposed (by an analyst, or from a rule's suggested
// response), approved by a responder (or auto-approved where a rule is configured so), executed
// and verified; a proposal can be rejected, a disable undone. Every step appends a row to the
// action log with who, when, what and Graph's answer. Transitions of one action happen under a
// store lease, so two responders approving at once run it once. Roles are checked by the callers
// (the server's policy table; the CLI acts as the local operator who holds the app's credentials).
import { randomBytes, createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { CollectorInstance, ResolvedConfig } from '../config/load.js';
import { createTenantClients } from '../sources/collection.js';
import type { RetryPolicy } from '../sources/http/http-client.js';
import type { Store } from '../store/store.js';
import { parseDuration } from '../util/duration.js';
import { createLogger, type Logger } from '../util/log.js';
import { matchesTenant, respondConfig, type RespondConfig } from './config.js';
import { RespondError } from './errors.js';
import { GraphClient } from './graph/client.js';
import { readDirectoryFacts, type DirectoryFacts } from './graph/users.js';
import {
  appendRows,
  listSummaries,
  readRows,
  stepRow,
  type ActionHead,
  type ActionSummary,
} from './log.js';
import {
  ACTION_KINDS,
  foldAction,
  type ActionEventRecord,
  type ActionSpec,
  type ActionStatus,
  type ActionView,
  type Actor,
  type Plan,
  type StepName,
} from './model.js';
import { planAction } from './plan.js';
import { checkColumns, finalStatus, planLine, runApproved } from './run.js';
import { verifyPlan } from './verify.js';

export interface ResponderOptions {
  readonly store: Store;
  readonly config: ResolvedConfig;
  readonly log?: Logger;
  /** For tests: the fetch and retry policy of the Graph client. */
  readonly fetch?: typeof fetch;
  readonly retry?: Partial<RetryPolicy>;
  /** When steps happen (the log's times): the local clock by default. */
  readonly now?: () => Date;
}

/** A proposal's request: the spec, and the tenant (name or id) when the config has several. */
export type Proposal = ActionSpec & { readonly tenant?: string };

const LEASE_MS = 15 * 60_000;

function actionId(now: Date): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  return `act-${day}-${randomBytes(4).toString('hex')}`;
}

/** The id of the action proposed for a seed (an alert and a user): the same every time. */
export function seededActionId(seed: string): string {
  return `act-s${createHash('sha256').update(seed).digest('hex').slice(0, 12)}`;
}

export class Responder {
  readonly settings: RespondConfig;
  private readonly store: Store;
  private readonly log: Logger;
  private readonly graphs = new Map<string, GraphClient>();
  private readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

  constructor(private readonly options: ResponderOptions) {
    this.store = options.store;
    this.settings = respondConfig(options.config);
    this.log = options.log ?? createLogger('respond');
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** The tenants that may be acted on. */
  tenants(): CollectorInstance[] {
    const allowed = this.settings.tenants;
    return this.options.config.instances.filter(
      (i) => !allowed || allowed.some((t) => matchesTenant(i, t)),
    );
  }

  private instanceFor(tenant: string | undefined): CollectorInstance {
    const all = this.options.config.instances;
    const usable = this.tenants();
    if (tenant) {
      const found = all.find((i) => matchesTenant(i, tenant));
      if (!found) {
        throw new RespondError(
          'invalid',
          `No configured tenant is named ${tenant}.`,
          `Tenants: ${all.map((i) => i.name).join(', ')}.`,
        );
      }
      if (!usable.includes(found)) {
        throw new RespondError(
          'invalid',
          `${found.name} may not be acted on: it is not in respond.tenants.`,
          'Add it to respond.tenants in the configuration to allow response actions there.',
        );
      }
      return found;
    }
    if (usable.length === 1) return usable[0]!;
    throw new RespondError(
      'invalid',
      usable.length === 0
        ? 'No tenant may be acted on.'
        : `Several tenants are configured (${usable.map((i) => i.name).join(', ')}): say which.`,
      usable.length === 0
        ? 'Configure a tenant, and list it in respond.tenants if that is set.'
        : 'Give --tenant NAME.',
    );
  }

  /** The Graph client of a tenant, on the same pieces as its collector (token, clock, HTTP). */
  graph(instance: CollectorInstance): GraphClient {
    let g = this.graphs.get(instance.tenantId);
    if (!g) {
      const clients = createTenantClients(instance, {
        log: this.log,
        ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
        ...(this.options.retry ? { retry: this.options.retry } : {}),
      });
      g = new GraphClient({
        instance,
        http: clients.http,
        tokens: clients.tokens,
        clock: clients.clock,
      });
      this.graphs.set(instance.tenantId, g);
    }
    return g;
  }

  private check(spec: ActionSpec): void {
    if (!(ACTION_KINDS as readonly string[]).includes(spec.kind)) {
      throw new RespondError(
        'invalid',
        `Unknown action ${spec.kind}.`,
        `Actions: ${ACTION_KINDS.join(', ')}.`,
      );
    }
    if (!spec.user?.trim()) throw new RespondError('invalid', 'Which user? Give a UPN.');
    if (spec.since !== undefined && parseDuration(spec.since) === undefined) {
      throw new RespondError(
        'invalid',
        `${spec.since} is not a period.`,
        'Write it as 12h, 7d or 2w.',
      );
    }
  }

  /** What the action would change now; nothing is written, nothing is logged. */
  async dryRun(proposal: Proposal): Promise<Plan> {
    this.check(proposal);
    const instance = this.instanceFor(proposal.tenant);
    return planAction(
      { graph: this.graph(instance), store: this.store, config: this.settings },
      proposal,
    );
  }

  // ---- the log -------------------------------------------------------------------------------

  async list(
    options: { status?: readonly ActionStatus[]; user?: string; limit?: number } = {},
  ): Promise<ActionSummary[]> {
    const user = options.user?.toLowerCase();
    return (await listSummaries(this.store))
      .filter((a) => !options.status || options.status.includes(a.status))
      .filter((a) => !user || a.user.toLowerCase() === user)
      .slice(0, options.limit ?? Number.MAX_SAFE_INTEGER);
  }

  /** One action by id, or by a prefix that names one action. */
  async get(id: string): Promise<ActionView> {
    const exact = foldAction(await readRows(this.store, [id]));
    if (exact) return exact;
    const matches = (await listSummaries(this.store)).filter((a) => a.id.startsWith(id));
    if (matches.length === 1) {
      const view = foldAction(await readRows(this.store, [matches[0]!.id]));
      if (view) return view;
    }
    if (matches.length > 1) {
      throw new RespondError(
        'invalid',
        `${id} names ${matches.length} actions: ${matches.map((a) => a.id).join(', ')}`,
        'Give more of the id.',
      );
    }
    throw new RespondError(
      'not-found',
      `There is no action ${id}.`,
      'List actions with `m365hunt respond list`.',
    );
  }

  // ---- steps ---------------------------------------------------------------------------------

  /** Runs `fn` holding the action's lease, with its rows read afresh. */
  private async locked<T>(
    id: string,
    fn: (view: ActionView | null, rows: ActionEventRecord[]) => Promise<T>,
  ): Promise<T> {
    const lease = `respond:${id}`;
    if (!(await this.store.acquireLease(lease, this.owner, LEASE_MS))) {
      throw new RespondError(
        'conflict',
        `Action ${id} is being worked on elsewhere right now.`,
        'Look again in a minute with `respond show`.',
      );
    }
    try {
      const rows = await readRows(this.store, [id]);
      return await fn(foldAction(rows), rows);
    } finally {
      await this.store.releaseLease(lease, this.owner);
    }
  }

  private rowOf(
    head: ActionHead,
    stepNo: number,
    step: StepName,
    status: ActionStatus,
    by: Actor,
    extra: Partial<ActionEventRecord> = {},
  ): ActionEventRecord {
    return stepRow(head, stepNo, step, status, by, this.now(), extra);
  }

  /**
   * Records a proposal (awaiting a responder's approval), with the dry run made now so that the
   * approver sees what it would change. `id` is given for proposals that must not be made twice
   * (see `seededActionId`); an action of that id that exists already is returned as it is.
   */
  async propose(proposal: Proposal, by: Actor, id = actionId(this.now())): Promise<ActionView> {
    this.check(proposal);
    const instance = this.instanceFor(proposal.tenant);
    const { tenant: _tenant, ...spec } = proposal;
    let plan: Plan | undefined;
    let planError: string | undefined;
    try {
      plan = await planAction(
        { graph: this.graph(instance), store: this.store, config: this.settings },
        spec,
      );
    } catch (error) {
      // Nobody to act on, or an account never to touch: no proposal. Anything else (a permission
      // Graph refused) is recorded with the proposal, for the approver to see and fix.
      if (error instanceof RespondError) throw error;
      if (!(error instanceof Error)) throw error;
      planError = error.message;
    }
    const head = {
      id,
      kind: spec.kind,
      user: plan?.user.upn ?? spec.user,
      tenant: instance.tenantId,
      client: instance.name,
      alertId: spec.alertId ?? null,
      rule: spec.rule ?? null,
    };
    return this.locked(id, async (existing) => {
      if (existing) return existing;
      const row = this.rowOf(head, 1, 'proposed', 'proposed', by, {
        Spec: spec,
        ...(plan ? { Plan: plan } : {}),
        ...(planError ? { PlanError: planError } : {}),
        ...(spec.reason ? { Reason: spec.reason } : {}),
        Target: head.user,
        Detail: plan ? planLine(plan) : `dry run failed: ${planError ?? ''}`,
      });
      await appendRows(this.store, [row]);
      this.log.info(`${by.name} proposed ${spec.kind} ${head.user} (${id})`);
      return foldAction([row])!;
    });
  }

  /**
   * Approves a proposal and runs it (execute, then verify). Four eyes (respond.four_eyes, on by
   * default): the person who proposed it may not approve it. `alone` is the break-glass of a
   * person acting by themselves (the CLI's direct commands, an undo): allowed, and said in the log.
   */
  async approve(id: string, by: Actor, options: { alone?: boolean } = {}): Promise<ActionView> {
    const view = await this.get(id);
    return this.locked(view.id, async (current, rows) => {
      if (!current) throw new RespondError('not-found', `There is no action ${id}.`);
      if (current.status !== 'proposed') {
        throw new RespondError(
          'conflict',
          `Action ${current.id} is ${current.status}: only a proposed action can be approved.`,
        );
      }
      const same = sameActor(current.proposedBy, by);
      if (same && this.settings.fourEyes && !options.alone && by.via !== 'auto') {
        throw new RespondError(
          'four-eyes',
          `${by.name} proposed ${current.id}: a second person must approve it (four eyes).`,
          'Ask another responder to approve it in the action log, or `m365hunt respond approve` as another operator.',
        );
      }
      const row = this.rowOf(current, rows.length + 1, 'approved', 'approved', by, {
        ...(same
          ? {
              Detail: this.settings.fourEyes
                ? 'approved by the person who proposed it, alone (break-glass)'
                : 'approved by the person who proposed it (respond.four_eyes is off)',
            }
          : {}),
      });
      await appendRows(this.store, [row]);
      this.log.info(`${by.name} approved ${current.id}`);
      return this.execute([...rows, row], by);
    });
  }

  /** Rejects a proposal, with a reason. */
  async reject(id: string, by: Actor, reason: string): Promise<ActionView> {
    if (!reason.trim())
      throw new RespondError('invalid', 'Rejecting an action needs a reason (--reason TEXT).');
    const view = await this.get(id);
    return this.locked(view.id, async (current, rows) => {
      if (!current) throw new RespondError('not-found', `There is no action ${id}.`);
      if (current.status !== 'proposed') {
        throw new RespondError(
          'conflict',
          `Action ${current.id} is ${current.status}: only a proposed action can be rejected.`,
        );
      }
      const row = this.rowOf(current, rows.length + 1, 'rejected', 'rejected', by, {
        Reason: reason,
      });
      await appendRows(this.store, [row]);
      return foldAction([...rows, row])!;
    });
  }

  /**
   * Resumes an approved action that did not finish (the process stopped while it ran): the run
   * starts again from a fresh plan, which is safe because every change is idempotent.
   */
  async resume(id: string, by: Actor): Promise<ActionView> {
    const view = await this.get(id);
    return this.locked(view.id, async (current, rows) => {
      if (!current || (current.status !== 'approved' && current.status !== 'running')) {
        throw new RespondError(
          'conflict',
          `Action ${view.id} is ${current?.status ?? 'gone'}: only an approved action that did not finish can be resumed.`,
        );
      }
      return this.execute(rows, by);
    });
  }

  /**
   * Proposes and approves in one go: one person acting alone (the CLI's direct commands, an
   * undo). The log says so; the server offers it only where respond.four_eyes is off.
   */
  async run(proposal: Proposal, by: Actor): Promise<ActionView> {
    const proposed = await this.propose(proposal, by);
    return this.approve(proposed.id, by, { alone: true });
  }

  /** The account as the directory shows it now (state, sessions, job facts), for the user page. */
  async account(user: string, tenant?: string): Promise<DirectoryFacts> {
    const instance = this.instanceFor(tenant);
    return readDirectoryFacts(this.graph(instance), user);
  }

  /** Re-enables the account a disable-user action disabled. Sessions and sharing stay removed. */
  async undo(id: string, by: Actor, reason?: string): Promise<ActionView> {
    const original = await this.get(id);
    if (original.kind !== 'disable-user') {
      throw new RespondError(
        'invalid',
        `Action ${original.id} is ${original.kind}: only disable-user can be undone (by enabling the account).`,
      );
    }
    if (original.undoneBy)
      throw new RespondError(
        'conflict',
        `Action ${original.id} was undone already by ${original.undoneBy}.`,
      );
    const disabled = original.results.some(
      (r) => r.change === 'disable' && (r.outcome === 'done' || r.outcome === 'already'),
    );
    if (!disabled) {
      throw new RespondError(
        'conflict',
        `Action ${original.id} is ${original.status}: it disabled nothing, so there is nothing to undo.`,
      );
    }
    const undo = await this.run(
      {
        kind: 'enable-user',
        user: original.executedPlan?.user.id ?? original.user,
        revokeSessions: false,
        removeSharing: false,
        undoOf: original.id,
        reason: reason ?? `undo of ${original.id}`,
        ...(original.alertId ? { alertId: original.alertId } : {}),
        tenant: original.tenant,
      },
      by,
    );
    if (undo.status === 'verified' || undo.status === 'executed') {
      await this.locked(original.id, async (current, rows) => {
        if (!current) return;
        await appendRows(this.store, [
          this.rowOf(current, rows.length + 1, 'undone', 'undone', by, {
            UndoneBy: undo.id,
            Reason: reason ?? `re-enabled by ${undo.id}`,
            Target: current.user,
            Detail: `account re-enabled by ${undo.id}; revoked sessions and removed sharing stay as they are`,
          }),
        ]);
      });
    }
    return undo;
  }

  /** Reads the state back again (a revocation still pending), appending the new checks. */
  async verify(id: string, by: Actor): Promise<ActionView> {
    const view = await this.get(id);
    return this.locked(view.id, async (current, rows) => {
      if (!current?.executedPlan || !['executed', 'verified', 'failed'].includes(current.status)) {
        throw new RespondError(
          'conflict',
          `Action ${view.id} is ${current?.status ?? 'gone'}: only an action that ran can be verified.`,
        );
      }
      const graph = this.graph(this.instanceById(current.tenant));
      const checks = await verifyPlan(graph, current.executedPlan, current.results);
      let n = rows.length;
      const out = checks.map((c) =>
        this.rowOf(current, ++n, 'verified', current.status, by, checkColumns(c)),
      );
      const status = finalStatus(current.results, checks);
      out.push(
        this.rowOf(current, ++n, 'completed', status, by, { Detail: `verified again: ${status}` }),
      );
      await appendRows(this.store, out);
      return foldAction([...rows, ...out])!;
    });
  }

  private instanceById(tenantId: string): CollectorInstance {
    const instance = this.tenants().find((i) => i.tenantId === tenantId);
    if (!instance) {
      throw new RespondError(
        'unavailable',
        `The tenant ${tenantId} of this action is not configured here (or not in respond.tenants).`,
      );
    }
    return instance;
  }

  /** Runs an approved action (see run.ts). Called holding the lease. */
  private execute(rows: ActionEventRecord[], by: Actor): Promise<ActionView> {
    const view = foldAction(rows)!;
    return runApproved(
      {
        store: this.store,
        config: this.settings,
        log: this.log,
        now: () => this.now(),
        graph: () => this.graph(this.instanceById(view.tenant)),
        // Long runs (throttling) keep the lease.
        renew: () => this.store.acquireLease(`respond:${view.id}`, this.owner, LEASE_MS),
      },
      rows,
      by,
    );
  }
}

/** Whether two actors are one person: the same name, whatever the channel (web, API, CLI). */
function sameActor(proposedBy: string, by: Actor): boolean {
  return proposedBy.trim().toLowerCase() === by.name.trim().toLowerCase();
}
