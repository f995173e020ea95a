// What the server needs from the layers below it, as small interfaces: the LINQ compiler, the
// alert store and the responder. Adapters (./adapters) implement them over those modules, so a
// module that is not there yet (or not configured) leaves its routes answering 503, nothing more.
import type {
  AlertDetail,
  AlertStatus,
  AlertSummary,
  Classification,
  TriageAnswer,
  TriageStep,
} from '../contracts/alerts.js';
import type { Action, ActionDetail, DirectoryFacts, Plan } from '../contracts/respond.js';
import type { ActionRequest } from '../contracts/routes.js';
import type { SqlValue } from '../store/store.js';

// The alert shapes the routes answer with are the API contract's (src/contracts/alerts.ts), the
// same types the web app reads.
export {
  ALERT_STATUSES,
  type AlertDetail,
  type AlertEntities,
  type AlertHunt,
  type AlertStatus,
  type AlertSummary,
  type Classification,
  type TriageAnswer,
  type TriageStep,
} from '../contracts/alerts.js';

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

export interface AlertFilter {
  readonly status?: AlertStatus;
  readonly severity?: string;
  readonly rule?: string;
  readonly user?: string;
  readonly limit: number;
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

export type { ActionRequest } from '../contracts/routes.js';

/** What an action step answers: the action whole, as `GET /api/actions/:id` gives it. */
export type ActionAnswer = ActionDetail;

export interface RespondPort {
  list(limit: number): Promise<readonly Action[]>;
  get(id: string): Promise<ActionDetail | undefined>;
  /** A dry run answers what would change; otherwise the action is proposed, approved by `by` and run. */
  submit(request: ActionRequest, by: string): Promise<Plan | ActionDetail>;
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
  readonly directory: DirectoryFacts | null;
  readonly error?: string;
  /** The action log's rows for this account, newest first. */
  readonly actions: readonly Action[];
}
