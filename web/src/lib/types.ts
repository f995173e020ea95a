// The shapes the API answers with (see src/server/routes), as the app reads them.

export type Role = 'viewer' | 'analyst' | 'responder' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'analyst', 'responder', 'admin'];
export const atLeast = (role: Role, minimum: Role) => ROLES.indexOf(role) >= ROLES.indexOf(minimum);

export interface Me {
  readonly user: string;
  readonly role: Role;
  readonly csrf: string | null;
}

export type Cell = string | number | boolean | null | Cell[] | { [key: string]: Cell };

export interface Column {
  readonly name: string;
  readonly type: string;
}

export interface Catalog {
  readonly tables: ReadonlyArray<{ name: string; description: string }>;
  readonly fields: ReadonlyArray<{ name: string; type: string; doc: string }>;
  readonly functions: ReadonlyArray<{
    name: string;
    kind: string;
    signature?: string;
    doc?: string;
  }>;
}

export interface ErrorBody {
  readonly error: string;
  readonly hint?: string;
  readonly position?: { line?: number; column?: number; length?: number; source?: string };
  readonly problems?: ReadonlyArray<{ field: string; message: string }>;
}

export interface SavedQuery {
  readonly id: string;
  readonly name: string;
  readonly query: string;
  readonly from: string;
  readonly to: string;
  readonly owner: string;
  readonly updated: string;
}

export interface Panel {
  readonly id: string;
  readonly title: string;
  readonly kind: 'timeseries' | 'bar' | 'table' | 'status' | 'alerts';
  readonly query?: string;
  readonly label?: string;
  readonly value?: string;
  readonly series?: string;
  readonly rule?: string;
  readonly description: string;
}

export interface Dashboard {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly range: string;
  readonly panels: readonly Panel[];
  /** Shipped with m365hunt (it can be reset), and changed by the team. */
  readonly builtin?: boolean;
  readonly edited?: boolean;
}

export type AlertStatus = 'new' | 'acknowledged' | 'closed';

export type Classification =
  'true-positive' | 'benign-positive' | 'false-positive' | 'undetermined';
export const CLASSIFICATIONS: ReadonlyArray<{
  value: Classification;
  label: string;
  hint: string;
}> = [
  { value: 'true-positive', label: 'True positive', hint: 'malicious or unwanted activity' },
  { value: 'benign-positive', label: 'Benign positive', hint: 'suspicious, but expected here' },
  { value: 'false-positive', label: 'False positive', hint: 'the rule or the data was wrong' },
  { value: 'undetermined', label: 'Undetermined', hint: 'not enough to tell' },
];

export interface AlertSummary {
  readonly id: string;
  readonly rule: string;
  readonly title: string;
  readonly severity: string;
  readonly status: AlertStatus;
  readonly created: string;
  readonly updated?: string;
  readonly firstSeen?: string;
  readonly lastSeen?: string;
  readonly entities: Readonly<Record<string, readonly string[] | undefined>>;
  readonly count?: number;
  readonly assignee?: string | null;
  readonly classification?: Classification | null;
  readonly comments?: number;
  readonly suggested?: string | null;
  readonly tenant?: string;
}

export interface AlertHunt {
  readonly label: string;
  readonly query: string;
  readonly from: string;
  readonly to: string;
}

export interface AlertHistoryItem {
  readonly event: string;
  readonly at: string;
  readonly by: string;
  readonly reason?: string;
  readonly classification?: Classification;
  readonly assignee?: string | null;
  readonly comment?: string;
}

export interface AlertDetail extends AlertSummary {
  readonly description?: string;
  readonly techniques?: readonly string[];
  readonly evidence: ReadonlyArray<Readonly<Record<string, Cell>>>;
  readonly history?: readonly AlertHistoryItem[];
  readonly closeReason?: string;
  readonly commentList?: ReadonlyArray<{ at: string; by: string; text: string }>;
  readonly hunts?: readonly AlertHunt[];
  readonly suggestedResponse?: { action?: string; user?: string; note?: string };
}

export interface TriageAnswer {
  readonly changed: readonly AlertSummary[];
  readonly refused: ReadonlyArray<{ id: string; reason: string }>;
}

export interface StatusRow {
  readonly tenant: string;
  readonly stream: string;
  readonly listedThrough: string | null;
  readonly lagMs: number | null;
  readonly records: number;
  readonly skipped: number;
  readonly quarantined: number;
  readonly lastError: string | null;
  readonly lastErrorAt: string | null;
  readonly lastSuccessAt: string | null;
  readonly warning: string | null;
}

export interface Status {
  readonly location: string;
  readonly collecting: boolean;
  readonly streams: readonly StatusRow[];
  readonly skipped: ReadonlyArray<{
    tenant: string;
    stream: string;
    contentId: string;
    error: string | null;
  }>;
  readonly quarantined: ReadonlyArray<{ at: string; origin: string; reason: string }>;
  readonly warnings: readonly string[];
}

export interface Section {
  readonly id: string;
  readonly title: string;
  readonly query: string;
  readonly columns: readonly Column[];
  readonly rows: Cell[][];
  readonly truncated: boolean;
}

export interface UserPage {
  readonly user: string;
  readonly from: string;
  readonly to: string;
  readonly alerts: AlertSummary[] | null;
  readonly sections: readonly Section[];
  readonly respond: boolean;
  readonly fourEyes: boolean;
  readonly account: {
    readonly directory: DirectoryFacts | null;
    readonly error?: string;
    readonly actions: readonly Action[];
  } | null;
}

export type Action = Readonly<Record<string, Cell>>;

export interface Account {
  readonly name: string;
  readonly role: Role;
  readonly disabled: boolean;
  readonly created: string;
}

export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly user: string;
  readonly role: Role;
  readonly created: string;
  readonly lastUsed: string | null;
  readonly token?: string;
}

/** A dry run of a response (src/respond/model.ts Plan, as the API gives it). */
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
