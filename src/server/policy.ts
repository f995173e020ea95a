// Every HTTP endpoint and the least role that may call it: the one table the routes register from
// (a route missing here cannot be registered), docs/server.md ("API") prints and the tests walk.
import type { Role } from './roles.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Endpoint {
  readonly method: Method;
  /** Hono path pattern. */
  readonly path: string;
  /** Least role; `public` needs no sign-in. */
  readonly role: Role | 'public';
  readonly summary: string;
}

export const ENDPOINTS: readonly Endpoint[] = [
  {
    method: 'GET',
    path: '/healthz',
    role: 'public',
    summary: 'liveness: 200 when the store answers',
  },
  { method: 'GET', path: '/metrics', role: 'viewer', summary: 'Prometheus metrics' },
  {
    method: 'POST',
    path: '/api/auth/login',
    role: 'public',
    summary: 'sign in with a local account',
  },
  { method: 'POST', path: '/api/auth/logout', role: 'viewer', summary: 'end the session' },
  {
    method: 'GET',
    path: '/api/auth/me',
    role: 'viewer',
    summary: 'who is signed in, role, CSRF token',
  },
  {
    method: 'GET',
    path: '/api/catalog',
    role: 'viewer',
    summary: 'tables, fields and functions for completion',
  },
  {
    method: 'POST',
    path: '/api/query/check',
    role: 'viewer',
    summary: 'compile a query; positioned errors',
  },
  {
    method: 'POST',
    path: '/api/query',
    role: 'viewer',
    summary: 'run a query; NDJSON or CSV, streamed',
  },
  { method: 'GET', path: '/api/saved-queries', role: 'viewer', summary: 'list saved queries' },
  {
    method: 'PUT',
    path: '/api/saved-queries/:id',
    role: 'analyst',
    summary: 'create or replace a saved query',
  },
  {
    method: 'DELETE',
    path: '/api/saved-queries/:id',
    role: 'analyst',
    summary: 'delete a saved query',
  },
  { method: 'GET', path: '/api/lookups', role: 'viewer', summary: 'lookup tables and versions' },
  {
    method: 'GET',
    path: '/api/lookups/:name',
    role: 'viewer',
    summary: "a lookup's versions and rows (?version=N; 1,000 rows)",
  },
  {
    method: 'POST',
    path: '/api/lookups/:name',
    role: 'analyst',
    summary: 'load a CSV as a new version: {csv, key?, source?}',
  },
  {
    method: 'PUT',
    path: '/api/lookups/:name/current',
    role: 'analyst',
    summary: 'choose the version queries read: {version}',
  },
  {
    method: 'DELETE',
    path: '/api/lookups/:name',
    role: 'analyst',
    summary: 'remove a lookup from queries',
  },
  {
    method: 'GET',
    path: '/api/dashboards',
    role: 'viewer',
    summary: "dashboards and their LINQ panels (built in, and the team's own)",
  },
  {
    method: 'PUT',
    path: '/api/dashboards/:id',
    role: 'analyst',
    summary: 'create or change a dashboard (panels added, reordered, removed)',
  },
  {
    method: 'DELETE',
    path: '/api/dashboards/:id',
    role: 'analyst',
    summary: "delete a dashboard of the team's, or reset a built-in one",
  },
  {
    method: 'GET',
    path: '/api/alerts',
    role: 'viewer',
    summary: 'list alerts (filter by status, severity, rule, user)',
  },
  {
    method: 'GET',
    path: '/api/alerts/:id',
    role: 'viewer',
    summary: 'one alert with evidence and entities',
  },
  {
    method: 'GET',
    path: '/api/alerts/assignees',
    role: 'viewer',
    summary: 'accounts alerts can be assigned to',
  },
  { method: 'POST', path: '/api/alerts/:id/ack', role: 'analyst', summary: 'acknowledge an alert' },
  {
    method: 'POST',
    path: '/api/alerts/:id/close',
    role: 'analyst',
    summary: 'close an alert with a classification and a reason',
  },
  { method: 'POST', path: '/api/alerts/:id/reopen', role: 'analyst', summary: 'reopen an alert' },
  {
    method: 'POST',
    path: '/api/alerts/:id/assign',
    role: 'analyst',
    summary: 'assign an alert to an account (or to nobody)',
  },
  {
    method: 'POST',
    path: '/api/alerts/:id/comment',
    role: 'analyst',
    summary: "add a comment to an alert's history",
  },
  {
    method: 'POST',
    path: '/api/alerts/triage',
    role: 'analyst',
    summary: 'one triage step on many alerts (bulk ack, close, assign, reopen)',
  },
  {
    method: 'GET',
    path: '/api/users/:upn',
    role: 'viewer',
    summary: "a user's timeline, alerts, sharing, sign-in addresses",
  },
  {
    method: 'GET',
    path: '/api/status',
    role: 'viewer',
    summary: 'collector health per tenant and stream',
  },
  { method: 'GET', path: '/api/actions', role: 'viewer', summary: 'the response action log' },
  {
    method: 'GET',
    path: '/api/actions/:id',
    role: 'viewer',
    summary: 'one response action with its steps',
  },
  {
    method: 'POST',
    path: '/api/actions',
    role: 'responder',
    summary: 'propose a response (dry run) or run it',
  },
  {
    method: 'POST',
    path: '/api/actions/propose',
    role: 'analyst',
    summary: "propose a response for a responder's approval (dry run recorded)",
  },
  {
    method: 'POST',
    path: '/api/actions/:id/approve',
    role: 'responder',
    summary: 'approve a proposed response and run it',
  },
  {
    method: 'POST',
    path: '/api/actions/:id/reject',
    role: 'responder',
    summary: 'reject a proposed response with a reason',
  },
  {
    method: 'POST',
    path: '/api/actions/:id/undo',
    role: 'responder',
    summary: 'undo a disable: enable the account again',
  },
  { method: 'GET', path: '/api/accounts', role: 'admin', summary: 'list local accounts' },
  { method: 'POST', path: '/api/accounts', role: 'admin', summary: 'create a local account' },
  {
    method: 'PATCH',
    path: '/api/accounts/:name',
    role: 'admin',
    summary: "change an account's role, password or state",
  },
  {
    method: 'DELETE',
    path: '/api/accounts/:name',
    role: 'admin',
    summary: 'delete a local account',
  },
  {
    method: 'GET',
    path: '/api/tokens',
    role: 'viewer',
    summary: 'API tokens (yours; every one for an admin)',
  },
  {
    method: 'POST',
    path: '/api/tokens',
    role: 'viewer',
    summary: 'create an API token (shown once)',
  },
  {
    method: 'DELETE',
    path: '/api/tokens/:id',
    role: 'viewer',
    summary: 'revoke an API token (yours; any for an admin)',
  },
];

export function endpoint(method: Method, path: string): Endpoint {
  const found = ENDPOINTS.find((e) => e.method === method && e.path === path);
  if (!found) throw new Error(`${method} ${path} is not in the endpoint policy table`);
  return found;
}
