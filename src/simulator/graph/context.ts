// What a Graph handler receives, and the permission checks of docs/microsoft-apis.md,
// "Permissions".
import type { Simulator } from '../simulator.js';
import { GRAPH, type GraphAnswer, graphError } from './errors.js';

export interface GraphRequest {
  method: string;
  /** `v1.0`, or `beta` (served for the sign-in logs' signInEventTypes, see log-api.ts). */
  version: 'v1.0' | 'beta';
  /** Raw (percent-encoded) path after /v1.0 or /beta, e.g. `/users/ana%40contoso.com`. */
  path: string;
  query: URLSearchParams;
  body: unknown;
  /** Origin for @odata.context and webUrl-style links. */
  origin: string;
  roles: string[];
  appId: string;
  now: number;
  clientRequestId: string | undefined;
  headers: Record<string, string>;
}

export type GraphHandler = (sim: Simulator, req: GraphRequest, params: string[]) => GraphAnswer;

export function ok(body: unknown, status = 200, headers: Record<string, string> = {}): GraphAnswer {
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body };
}

export function fail(
  req: GraphRequest,
  e: { status: number; code: string; message: string },
  headers: Record<string, string> = {},
): GraphAnswer {
  return graphError(e.status, e.code, e.message, req.now, req.clientRequestId, headers);
}

/** Graph's 429 answer; `retryAfter` seconds in a Retry-After header, or none when null. */
export function tooManyRequests(req: GraphRequest, retryAfter: number | null): GraphAnswer {
  return fail(
    req,
    { status: 429, code: 'TooManyRequests', message: 'Too many requests, please try again later.' },
    retryAfter === null ? {} : { 'Retry-After': String(retryAfter) },
  );
}

/** Application permissions that allow each kind of call (least privileged first). */
export const NEEDS = {
  readUser: [
    ['User.Read.All'],
    ['User.ReadWrite.All'],
    ['Directory.Read.All'],
    ['Directory.ReadWrite.All'],
  ],
  enableDisable: [
    ['User.EnableDisableAccount.All', 'User.Read.All'],
    ['User.ReadWrite.All'],
    ['Directory.ReadWrite.All'],
  ],
  revoke: [['User.RevokeSessions.All'], ['User.ReadWrite.All'], ['Directory.ReadWrite.All']],
  readFiles: [
    ['Files.Read.All'],
    ['Files.ReadWrite.All'],
    ['Sites.Read.All'],
    ['Sites.ReadWrite.All'],
  ],
  writeFiles: [['Files.ReadWrite.All'], ['Sites.ReadWrite.All']],
} as const;

/** null when one of the alternatives is fully granted; else the 403 to answer. */
export function requireRoles(
  req: GraphRequest,
  alternatives: ReadonlyArray<readonly string[]>,
  kind: 'directory' | 'files',
): GraphAnswer | null {
  if (alternatives.some((set) => set.every((r) => req.roles.includes(r)))) return null;
  const needed = (alternatives[0] ?? []).join(' + ');
  const e =
    kind === 'directory' ? GRAPH.directoryDenied() : GRAPH.filesDenied(req.roles.length === 0);
  // The simulator names what is missing in a header; Graph's own message does not.
  return fail(req, e, { 'x-m365hunt-required-roles': needed });
}
