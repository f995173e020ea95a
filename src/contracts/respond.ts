// Responding through the API: a dry run's plan, an action whole with its steps, and the account
// as the directory shows it (`/api/actions…`, the user page). The responder builds these from its
// own model (src/respond/model.ts); src/server/contract.ts checks the two agree.
import type { Cell } from './query.js';

/** A row of the action log, as `GET /api/actions` lists it. */
export type Action = Readonly<Record<string, Cell>>;

/** A planned change of a dry run (src/respond/model.ts `PlannedChange`, as the API gives it). */
export interface PlannedChange {
  readonly key: string;
  readonly change: string;
  readonly target: string;
  readonly decision: 'change' | 'already';
  readonly before: string;
  readonly after: string;
  readonly call: string;
}

export interface Plan {
  /** Set on the answer of a dry run (`POST /api/actions` with `dryRun: true`). */
  readonly dryRun?: true;
  readonly action?: string;
  readonly accountEnabled?: boolean | null;
  readonly tenant?: { id: string; name: string };
  /** The account (a dry run's answer names it by UPN, with its state in `account`). */
  readonly user?: unknown;
  readonly account?: {
    upn: string;
    displayName: string | null;
    accountEnabled: boolean | null;
    signInSessionsValidFrom: string | null;
    userType: string | null;
  };
  readonly summary?: string;
  readonly changes: readonly PlannedChange[];
  readonly skipped: ReadonlyArray<{ target: string; reason: string }>;
  readonly sharing: {
    since: string;
    until: string;
    records: number;
    items: ReadonlyArray<{ path: string; remove: number; inherited: number; kept: number }>;
    error?: { message: string; remedy?: string };
  } | null;
  readonly missingPermissions: ReadonlyArray<{ permission: string; for: string; fix: string }>;
  readonly notes: readonly string[];
  readonly plannedAt?: string;
}

export interface ChangeResult {
  readonly key: string;
  readonly change: string;
  readonly target: string;
  readonly outcome: 'done' | 'already' | 'skipped' | 'failed';
  readonly message: string;
  readonly remedy?: string;
}

/** One action whole (GET /api/actions/:id). */
export interface ActionDetail {
  readonly id: string;
  readonly status: string;
  readonly action: string;
  readonly user: string;
  readonly summary: string;
  readonly proposedBy: string;
  readonly approvedBy: string | null;
  readonly rejectedBy: string | null;
  readonly created: string;
  readonly alertId: string | null;
  readonly rule: string | null;
  readonly reason: string | null;
  readonly proposalPlan: Plan | null;
  readonly proposalPlanError: string | null;
  readonly executedPlan: Plan | null;
  readonly results: readonly ChangeResult[];
  readonly checks: ReadonlyArray<{ key: string; target: string; outcome: string; message: string }>;
  readonly history: ReadonlyArray<{
    step: string;
    at: string;
    by: string;
    status: string;
    detail?: string;
    outcome?: string;
    target?: string;
  }>;
}

export interface DirectoryFacts {
  readonly upn: string;
  readonly displayName: string | null;
  readonly accountEnabled: boolean | null;
  readonly userType: string | null;
  readonly signInSessionsValidFrom: string | null;
  readonly onPremisesSyncEnabled: boolean | null;
  readonly jobTitle: string | null;
  readonly department: string | null;
  readonly officeLocation: string | null;
  readonly mail: string | null;
  readonly createdDateTime: string | null;
}
