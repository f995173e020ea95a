// Every endpoint the web app calls, by "METHOD /path": the body it sends and the answer it gets.
// The web app's `api()` (web/src/lib/api.ts) takes a key of this map, so a call's path parameters,
// body and answer are checked by the compiler; the server's ports and src/server/contract.ts hold
// the server to the same types. Query answers stream: see `QueryLine` (src/contracts/query.ts).
import type { Account, TokenInfo } from './accounts.js';
import type {
  AlertDetail,
  AlertSummary,
  BulkTriageRequest,
  Classification,
  TriageAnswer,
} from './alerts.js';
import type { Dashboard, Panel } from './dashboards.js';
import type { LookupDoc, LookupShown, LookupVersion } from './lookups.js';
import type { Catalog, SavedQuery } from './query.js';
import type { ActionDetail, Action, Plan } from './respond.js';
import type { Me, Role } from './roles.js';
import type { Status } from './status.js';
import type { UserPage } from './users.js';

/** An endpoint: the JSON body it takes (none when absent) and the JSON answer it gives. */
interface Endpoint<Answer, Body = undefined> {
  readonly body: Body;
  readonly answer: Answer;
}

/** A response to carry out: a dry run (`dryRun: true`) answers its plan, otherwise the action. */
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

export interface ApiRoutes {
  'POST /api/auth/login': Endpoint<Me, { username: string; password: string }>;
  'POST /api/auth/logout': Endpoint<{ ok: true }>;
  'GET /api/auth/me': Endpoint<Me>;

  'GET /api/catalog': Endpoint<Catalog>;
  'POST /api/query/check': Endpoint<{ ok: true }, { query: string }>;
  'GET /api/saved-queries': Endpoint<SavedQuery[]>;
  'PUT /api/saved-queries/:id': Endpoint<
    SavedQuery,
    { name: string; query: string; from?: string; to?: string }
  >;
  'DELETE /api/saved-queries/:id': Endpoint<{ deleted: boolean }>;

  'GET /api/dashboards': Endpoint<Dashboard[]>;
  'PUT /api/dashboards/:id': Endpoint<
    Dashboard,
    { title: string; description: string; range: string; panels: readonly Panel[] }
  >;
  'DELETE /api/dashboards/:id': Endpoint<{ deleted: boolean; builtin: boolean }>;

  'GET /api/alerts': Endpoint<AlertSummary[]>;
  'GET /api/alerts/assignees': Endpoint<string[]>;
  'GET /api/alerts/:id': Endpoint<AlertDetail>;
  'POST /api/alerts/:id/ack': Endpoint<AlertDetail>;
  'POST /api/alerts/:id/close': Endpoint<
    AlertDetail,
    { reason: string; classification?: Classification }
  >;
  'POST /api/alerts/:id/reopen': Endpoint<AlertDetail, { reason?: string }>;
  'POST /api/alerts/:id/assign': Endpoint<AlertDetail, { assignee: string | null }>;
  'POST /api/alerts/:id/comment': Endpoint<AlertDetail, { text: string }>;
  'POST /api/alerts/triage': Endpoint<TriageAnswer, BulkTriageRequest>;

  'GET /api/users/:upn': Endpoint<UserPage>;
  'GET /api/status': Endpoint<Status>;

  'GET /api/actions': Endpoint<Action[]>;
  'GET /api/actions/:id': Endpoint<ActionDetail>;
  'POST /api/actions': Endpoint<Plan | ActionDetail, ActionRequest>;
  'POST /api/actions/propose': Endpoint<ActionDetail, Omit<ActionRequest, 'dryRun'>>;
  'POST /api/actions/:id/approve': Endpoint<ActionDetail, Record<string, never> | undefined>;
  'POST /api/actions/:id/reject': Endpoint<ActionDetail, { reason: string }>;
  'POST /api/actions/:id/undo': Endpoint<ActionDetail, { reason?: string }>;

  'GET /api/accounts': Endpoint<Account[]>;
  'POST /api/accounts': Endpoint<Account, { name: string; role: Role; password: string }>;
  'PATCH /api/accounts/:name': Endpoint<
    Account,
    { role?: Role; password?: string; disabled?: boolean }
  >;
  'DELETE /api/accounts/:name': Endpoint<{ deleted: true }>;
  'GET /api/tokens': Endpoint<TokenInfo[]>;
  'POST /api/tokens': Endpoint<TokenInfo, { name: string; role?: Role }>;
  'DELETE /api/tokens/:id': Endpoint<{ deleted: true }>;

  'GET /api/lookups': Endpoint<LookupDoc[]>;
  'GET /api/lookups/:name': Endpoint<LookupShown>;
  'POST /api/lookups/:name': Endpoint<
    LookupVersion,
    { csv: string; key?: string; source?: string }
  >;
  'PUT /api/lookups/:name/current': Endpoint<LookupDoc, { version: number }>;
  'DELETE /api/lookups/:name': Endpoint<{ deleted: boolean }>;
}

export type ApiRoute = keyof ApiRoutes;
export type ApiAnswer<R extends ApiRoute> = ApiRoutes[R]['answer'];
export type ApiBody<R extends ApiRoute> = ApiRoutes[R]['body'];

type PathOf<R extends string> = R extends `${string} ${infer P}` ? P : never;
type ParamsIn<P extends string> = P extends `${string}:${infer K}/${infer Rest}`
  ? K | ParamsIn<`/${Rest}`>
  : P extends `${string}:${infer K}`
    ? K
    : never;

/** The `:name` parameters of a route's path. */
export type ApiParams<R extends ApiRoute> = ParamsIn<PathOf<R>>;
