// The response workflow as data: what an action asks for, the plan a dry run shows, the outcome of
// each Graph call and check, and the rows of the action log. An action is never edited: each step
// appends a row (log.ts), and its current state is the fold of its rows in order (`foldAction`).

export const ACTION_KINDS = [
  'disable-user',
  'enable-user',
  'revoke-sessions',
  'remove-sharing',
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/**
 * proposed → approved → running → verified | executed | failed; proposed → rejected; a disable
 * that ran can later be undone. `executed`: every change went through but a check is still
 * pending (Microsoft applies some changes after a delay); `failed`: some change failed.
 */
export const ACTION_STATUSES = [
  'proposed',
  'approved',
  'rejected',
  'running',
  'executed',
  'verified',
  'failed',
  'undone',
] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export type StepName =
  | 'proposed'
  | 'approved'
  | 'rejected'
  | 'started'
  | 'executed'
  | 'verified'
  | 'completed'
  | 'undone';

/** How a step reached m365hunt: the command line, the server (web app, API), a rule, auto-approval. */
export type Via = 'cli' | 'server' | 'rule' | 'auto';

export interface Actor {
  /** The OS user (CLI), the account (server), or `rule:<id>`. */
  readonly name: string;
  readonly via: Via;
}

/** What an action asks for. */
export interface ActionSpec {
  readonly kind: ActionKind;
  /** The account, as given (UPN or object id). */
  readonly user: string;
  /** With disable-user: revoke the sign-in sessions too. */
  readonly revokeSessions: boolean;
  /** With disable-user: remove the sharing the user created in the period too. */
  readonly removeSharing: boolean;
  /** The period of sharing to remove, back from now (`7d`); the configured default when absent. */
  readonly since?: string;
  readonly alertId?: string;
  readonly rule?: string;
  readonly reason?: string;
  /** The action an enable-user undoes. */
  readonly undoOf?: string;
}

export interface Operations {
  readonly disable: boolean;
  readonly enable: boolean;
  readonly revoke: boolean;
  readonly sharing: boolean;
}

/** The Graph changes an action makes. */
export function operationsOf(spec: ActionSpec): Operations {
  const disable = spec.kind === 'disable-user';
  return {
    disable,
    enable: spec.kind === 'enable-user',
    revoke: spec.kind === 'revoke-sessions' || (disable && spec.revokeSessions),
    sharing: spec.kind === 'remove-sharing' || (disable && spec.removeSharing),
  };
}

/** The account as Graph shows it before anything changes. */
export interface UserState {
  readonly id: string;
  readonly upn: string;
  readonly displayName: string | null;
  readonly accountEnabled: boolean | null;
  readonly userType: string | null;
  readonly signInSessionsValidFrom: string | null;
  readonly onPremisesSyncEnabled: boolean | null;
}

/** An audit record behind a planned removal. */
export interface RecordRef {
  readonly id: string;
  readonly time: string;
  readonly operation: string;
  /** Who or what it was shared with, as the record names it. */
  readonly target?: string;
}

export type PermissionKind =
  | 'anonymous link'
  | 'organization link'
  | 'specific-people link'
  | 'existing-access link'
  | 'link'
  | 'user grant'
  | 'invitation'
  | 'group grant'
  | 'site group';

/** A drive item permission, as the plan names it. */
export interface PermissionRef {
  readonly driveId: string;
  readonly itemId: string;
  readonly permissionId: string;
  /** The item's path in its library, for people (`OneDrive of ana / Projects/plan.docx`). */
  readonly path: string;
  readonly webUrl?: string;
  readonly kind: PermissionKind;
  /** view, edit, … for links. */
  readonly linkType?: string;
  /** Who it lets in (e-mail addresses, names), when Graph says. */
  readonly grantees: readonly string[];
  readonly roles: readonly string[];
  readonly records: readonly RecordRef[];
}

export type ChangeKind = 'disable' | 'enable' | 'revoke' | 'remove-permission';

/** One change the action makes, as the dry run shows it. */
export interface PlannedChange {
  /** Unique within the plan: `disable`, `revoke`, `perm:<drive>/<item>/<permission>`. */
  readonly key: string;
  readonly change: ChangeKind;
  /** The user, or `<item path> — <kind> (<grantees>)`. */
  readonly target: string;
  /** `change`: Graph will be asked to change it; `already`: nothing to do, and it will say so. */
  readonly decision: 'change' | 'already';
  /** The state now and after, in words. */
  readonly before: string;
  readonly after: string;
  /** The Graph call, e.g. `PATCH /users/{id} {"accountEnabled":false}`. */
  readonly call: string;
  readonly permission?: PermissionRef;
}

/** Something the action leaves alone, and why (inherited, owner, unresolved…). */
export interface Skip {
  readonly target: string;
  readonly reason: string;
  readonly records: readonly RecordRef[];
}

export interface ItemSummary {
  readonly path: string;
  readonly webUrl?: string;
  readonly remove: number;
  readonly inherited: number;
  /** Permissions not created by the user's recorded sharing (owners, site groups, others). */
  readonly kept: number;
}

export interface SharingPlan {
  /** The period searched (ISO). */
  readonly since: string;
  readonly until: string;
  /** Sharing records of the user found in the store. */
  readonly records: number;
  readonly items: readonly ItemSummary[];
  /** Why the sharing part cannot run (a permission Graph refused), when it cannot. */
  readonly error?: { readonly message: string; readonly remedy?: string };
}

/** A missing Graph application permission, seen in the token before anything is called. */
export interface MissingPermission {
  readonly permission: string;
  readonly for: string;
  readonly fix: string;
}

/** What a dry run shows: exactly what would change, what would be left alone, and why. */
export interface Plan {
  readonly tenant: { readonly id: string; readonly name: string };
  readonly kind: ActionKind;
  readonly user: UserState;
  readonly changes: readonly PlannedChange[];
  readonly skipped: readonly Skip[];
  readonly sharing: SharingPlan | null;
  readonly missingPermissions: readonly MissingPermission[];
  /** What Microsoft does and does not guarantee about this action, for this user. */
  readonly notes: readonly string[];
  /** Graph's time when the plan was made. */
  readonly plannedAt: string;
}

/** Graph's answer to one call: what the log keeps of it. */
export interface GraphAnswerRef {
  readonly method: string;
  readonly path: string;
  readonly status: number | null;
  readonly code: string | null;
  /** Redacted, cut short. */
  readonly excerpt: string;
  readonly requestId: string | null;
  /** Graph's Date header: when it answered, by its clock. */
  readonly date: string | null;
  /** 429 answers retried (after Graph's Retry-After) before this answer. */
  readonly throttled: number;
}

export type ChangeOutcome = 'done' | 'already' | 'skipped' | 'failed';

export interface ChangeResult {
  readonly key: string;
  readonly change: ChangeKind | 'discover-sharing';
  readonly target: string;
  readonly outcome: ChangeOutcome;
  readonly message: string;
  readonly graph: GraphAnswerRef | null;
  /** What to do about a refusal (the permission to grant and where). */
  readonly remedy?: string;
}

export type CheckOutcome = 'ok' | 'pending' | 'failed';

export interface CheckResult {
  readonly key: string;
  readonly target: string;
  readonly outcome: CheckOutcome;
  readonly message: string;
  readonly graph: GraphAnswerRef | null;
}

/** One row of the action log (the JSON in `message`; the columns repeat the searchable fields). */
export interface ActionEventRecord {
  readonly Id: string;
  readonly CreationTime: string;
  readonly ActionId: string;
  readonly StepNo: number;
  readonly Step: StepName;
  readonly Status: ActionStatus;
  readonly Action: ActionKind;
  readonly UserId: string;
  readonly Tenant: string;
  readonly Client: string;
  readonly Actor: string;
  readonly Via: Via;
  readonly AlertId?: string;
  readonly Rule?: string;
  readonly Reason?: string;
  readonly Operation?: string;
  readonly Target?: string;
  readonly Outcome?: string;
  readonly HttpStatus?: number;
  readonly GraphCode?: string;
  readonly Detail?: string;
  // Payloads: the proposal carries the request (and the dry run made then), `started` the plan
  // executed, executed/verified rows their result.
  readonly Spec?: ActionSpec;
  readonly Plan?: Plan;
  readonly PlanError?: string;
  readonly Result?: ChangeResult;
  readonly Check?: CheckResult;
  readonly UndoneBy?: string;
}

export interface HistoryEntry {
  readonly step: StepName;
  readonly at: string;
  readonly by: string;
  readonly via: Via;
  readonly status: ActionStatus;
  readonly target?: string;
  readonly outcome?: string;
  readonly detail?: string;
}

/** An action's current state, as `respond show` and the API give it. */
export interface ActionView {
  id: string;
  kind: ActionKind;
  user: string;
  tenant: string;
  client: string;
  status: ActionStatus;
  created: string;
  updated: string;
  proposedBy: string;
  proposedVia: Via;
  approvedBy: string | null;
  rejectedBy: string | null;
  alertId: string | null;
  rule: string | null;
  reason: string | null;
  spec: ActionSpec;
  /** The dry run made at proposal time (the one approved), and the plan that was run. */
  proposalPlan: Plan | null;
  proposalPlanError: string | null;
  executedPlan: Plan | null;
  results: ChangeResult[];
  checks: CheckResult[];
  undoOf: string | null;
  undoneBy: string | null;
  history: HistoryEntry[];
}

/** Folds an action's rows (in log order) into its current state; null without a proposal. */
export function foldAction(rows: readonly ActionEventRecord[]): ActionView | null {
  const first = rows.find((r) => r.Step === 'proposed');
  if (!first?.Spec) return null;
  const view: ActionView = {
    id: first.ActionId,
    kind: first.Action,
    user: first.UserId,
    tenant: first.Tenant,
    client: first.Client,
    status: first.Status,
    created: first.CreationTime,
    updated: first.CreationTime,
    proposedBy: first.Actor,
    proposedVia: first.Via,
    approvedBy: null,
    rejectedBy: null,
    alertId: first.AlertId ?? null,
    rule: first.Rule ?? null,
    reason: first.Reason ?? null,
    spec: first.Spec,
    proposalPlan: first.Plan ?? null,
    proposalPlanError: first.PlanError ?? null,
    executedPlan: null,
    results: [],
    checks: [],
    undoOf: first.Spec.undoOf ?? null,
    undoneBy: null,
    history: [],
  };
  for (const r of rows) {
    view.status = r.Status;
    view.updated = r.CreationTime;
    view.history.push({
      step: r.Step,
      at: r.CreationTime,
      by: r.Actor,
      via: r.Via,
      status: r.Status,
      ...(r.Target ? { target: r.Target } : {}),
      ...(r.Outcome ? { outcome: r.Outcome } : {}),
      ...(r.Detail
        ? { detail: r.Detail }
        : r.Reason && r.Step !== 'proposed'
          ? { detail: r.Reason }
          : {}),
    });
    switch (r.Step) {
      case 'approved':
        view.approvedBy = r.Actor;
        break;
      case 'rejected':
        view.rejectedBy = r.Actor;
        break;
      case 'started':
        // A resumed run starts again: its plan and outcomes replace those of the interrupted one.
        view.executedPlan = r.Plan ?? null;
        view.results = [];
        view.checks = [];
        break;
      case 'executed':
        if (r.Result) view.results.push(r.Result);
        break;
      case 'verified':
        if (r.Check) view.checks.push(r.Check);
        break;
      case 'undone':
        view.undoneBy = r.UndoneBy ?? null;
        break;
      case 'proposed':
      case 'completed':
        break;
    }
  }
  return view;
}

/** A one-line account of what an action did or would do. */
export function summarise(view: ActionView): string {
  const count = (o: string) => view.results.filter((r) => r.outcome === o).length;
  const ops = operationsOf(view.spec);
  const what = [
    ops.disable ? 'disable' : null,
    ops.enable ? 'enable' : null,
    ops.revoke ? 'revoke sessions' : null,
    ops.sharing ? `remove sharing (${view.spec.since ?? 'default period'})` : null,
  ]
    .filter(Boolean)
    .join(', ');
  if (view.results.length === 0) return what;
  const parts = [
    `${count('done')} changed`,
    count('already') ? `${count('already')} already so` : null,
    count('skipped') ? `${count('skipped')} skipped` : null,
    count('failed') ? `${count('failed')} failed` : null,
  ].filter(Boolean);
  const checks = view.checks.length
    ? `; checks ${view.checks.filter((c) => c.outcome === 'ok').length}/${view.checks.length} ok`
    : '';
  return `${what}: ${parts.join(', ')}${checks}`;
}
