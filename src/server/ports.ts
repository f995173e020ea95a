// What the server needs from the layers below it, as small interfaces: the LINQ compiler, the
// alert store and the responder. Adapters (./adapters) implement them over those modules, so a
// module that is not there yet (or not configured) leaves its routes answering 503, nothing more.
import type { SqlValue } from '../store/store.js';

export interface QueryColumn {
  readonly name: string;
  readonly type: string;
  /**
   * `query`: a column the query selects, creates or groups by; `table`: a column of the table the
   * answer carries after those (a compact view may hide it; the answer always holds it).
   */
  readonly origin?: 'query' | 'table';
}

export interface QueryRun {
  readonly columns: readonly QueryColumn[];
  chunks(): AsyncIterable<readonly (readonly SqlValue[])[]>;
}

export interface FunctionInfo {
  readonly name: string;
  /** filter, value, time, aggregate… as the compiler's table groups them. */
  readonly kind: string;
  readonly signature?: string;
  readonly doc?: string;
}

export interface TimeRange {
  readonly from: Date;
  readonly to: Date;
}

export interface QueryEngine {
  /** Compiles and runs; throws the compiler's positioned error (an M365HuntError) on a bad query. */
  run(text: string, range: TimeRange): Promise<QueryRun>;
  /** Compiles only (against the store's tables and lookups); throws as `run` does. */
  check(text: string): Promise<void>;
  functions(): readonly FunctionInfo[];
  /** Reads `now-2d`, `7d`, ISO times…; throws a clear M365HuntError otherwise. */
  parseTime(spec: string, now: Date, what: string): Date;
  /** Quotes a value as a LINQ string literal (for the queries the server builds). */
  quote(value: string): string;
}

export type AlertStatus = 'new' | 'acknowledged' | 'closed';
export const ALERT_STATUSES: readonly AlertStatus[] = ['new', 'acknowledged', 'closed'];

export interface AlertEntities {
  readonly user?: readonly string[];
  readonly ip?: readonly string[];
  readonly [kind: string]: readonly string[] | undefined;
}

export type Classification =
  'true-positive' | 'benign-positive' | 'false-positive' | 'undetermined';

/** An alert as the triage queue lists it. */
export interface AlertSummary {
  readonly id: string;
  readonly rule: string;
  readonly title: string;
  readonly severity: string;
  readonly status: AlertStatus;
  /** When the alert was raised, and when it last changed (triage, more events). */
  readonly created: string;
  readonly updated?: string;
  /** Event time of its first and last matching records: when it happened. */
  readonly firstSeen?: string;
  readonly lastSeen?: string;
  readonly entities: AlertEntities;
  /** Events grouped into this alert. */
  readonly count?: number;
  readonly assignee?: string | null;
  readonly classification?: Classification | null;
  readonly comments?: number;
  /** The response its rule suggests (disable-user, …), when any. */
  readonly suggested?: string | null;
  readonly tenant?: string;
}

export interface AlertDetail extends AlertSummary {
  readonly description?: string;
  readonly techniques?: readonly string[];
  readonly query?: string;
  readonly evidence: ReadonlyArray<Readonly<Record<string, unknown>>>;
  readonly history?: ReadonlyArray<Readonly<Record<string, unknown>>>;
  readonly closeReason?: string;
  readonly commentList?: ReadonlyArray<{ at: string; by: string; text: string }>;
  /** Searches into the alert's records and their surroundings. */
  readonly hunts?: readonly AlertHunt[];
  /** The response the rule suggests, e.g. { action: 'disable-user', user: 'x@y' }. */
  readonly suggestedResponse?: Readonly<Record<string, unknown>>;
}

export interface AlertHunt {
  readonly label: string;
  readonly query: string;
  readonly from: string;
  readonly to: string;
}

export interface AlertFilter {
  readonly status?: AlertStatus;
  readonly severity?: string;
  readonly rule?: string;
  readonly user?: string;
  readonly limit: number;
}

/** A triage step, as the routes pass it on (see src/alerts/store/alert-store.ts). */
export type TriageStep =
  | { readonly kind: 'acknowledged' }
  | {
      readonly kind: 'closed';
      readonly reason: string;
      readonly classification: Classification;
    }
  | { readonly kind: 'reopened'; readonly reason?: string }
  | { readonly kind: 'assigned'; readonly assignee: string | null }
  | { readonly kind: 'commented'; readonly text: string };

export interface TriageAnswer {
  readonly changed: readonly AlertSummary[];
  readonly refused: ReadonlyArray<{ id: string; reason: string }>;
}

export interface AlertsPort {
  list(filter: AlertFilter): Promise<AlertSummary[]>;
  get(id: string): Promise<AlertDetail | undefined>;
  ack(id: string, by: string): Promise<AlertDetail>;
  close(
    id: string,
    by: string,
    reason: string,
    classification?: Classification,
  ): Promise<AlertDetail>;
  /** One step on one alert: the alert after it (throws when it cannot apply). */
  triage?(id: string, step: TriageStep, by: string): Promise<AlertDetail>;
  /** One step on many alerts in one commit: those changed, and those refused with why. */
  triageMany?(ids: readonly string[], step: TriageStep, by: string): Promise<TriageAnswer>;
  counts(): Promise<Array<{ status: string; severity: string; count: number }>>;
}

export interface ActionRequest {
  readonly action: 'disable-user' | 'enable-user';
  readonly user: string;
  readonly revokeSessions: boolean;
  readonly removeSharing: boolean;
  /** How far back to look for sharing to remove, e.g. `7d`. */
  readonly since?: string;
  readonly dryRun: boolean;
  readonly alertId?: string;
  /** Why, for the action log. */
  readonly reason?: string;
}

export type ActionAnswer = Readonly<Record<string, unknown>>;

export interface RespondPort {
  list(limit: number): Promise<ReadonlyArray<Readonly<Record<string, unknown>>>>;
  get(id: string): Promise<Readonly<Record<string, unknown>> | undefined>;
  /** A dry run answers what would change; otherwise the action is proposed, approved by `by` and run. */
  submit(request: ActionRequest, by: string): Promise<Readonly<Record<string, unknown>>>;
  // The approval workflow (optional, so that a port without it leaves those routes answering 503):
  /** An analyst's proposal: recorded with its dry run, awaiting a responder's approval. */
  propose?(request: Omit<ActionRequest, 'dryRun'>, by: string): Promise<ActionAnswer>;
  /** A responder approves a proposal: it runs (fresh dry run, changes, checks). */
  approve?(id: string, by: string): Promise<ActionAnswer>;
  reject?(id: string, by: string, reason: string): Promise<ActionAnswer>;
  /** Re-enables the account a disable-user action disabled. */
  undo?(id: string, by: string, reason?: string): Promise<ActionAnswer>;
  /** Stops background work (proposals from alerts) when the server stops. */
  close?(): Promise<void>;
  /** Four eyes: a proposal needs a second person's approval (no direct run from the server). */
  readonly fourEyes?: boolean;
  /** The account as the directory shows it now, and the actions taken on it. */
  account?(upn: string): Promise<AccountAnswer>;
}

export interface AccountAnswer {
  /** State, sessions and job facts from Graph; null when Graph could not be asked (see error). */
  readonly directory: Readonly<Record<string, unknown>> | null;
  readonly error?: string;
  /** The action log's rows for this account, newest first. */
  readonly actions: ReadonlyArray<Readonly<Record<string, unknown>>>;
}
