// The Graph subset's routes and JSON batching. Paths are matched on the raw (percent-encoded)
// path so that UPNs with #EXT# (sent as %23EXT%23) and `root:/path:` addressing work as on Graph.
import type { Simulator } from '../simulator.js';
import { type GraphHandler, type GraphRequest, fail, ok, tooManyRequests } from './context.js';
import {
  deletePermission,
  getDrive,
  getDriveItem,
  getDriveItemByPath,
  getPermission,
  getSite,
  getSiteByPath,
  getSiteDrives,
  getUserDrive,
  getUserDriveItem,
  getUserDriveItemByPath,
  listPermissions,
} from './drives.js';
import { GRAPH, type GraphAnswer } from './errors.js';
import { listDirectoryAudits, listMessageTraces, listSignIns } from './log-api.js';
import { getReport } from './reports.js';
import { getUser, patchUser, revokeSessions } from './users.js';

const USER = "([^/()]+|\\('(?:[^']|'')*'\\))";

const ROUTES: Array<[string, RegExp, GraphHandler]> = [
  ['GET', new RegExp(`^/users/${USER}$`), getUser],
  ['GET', new RegExp(`^/users${USER.replace('[^/()]+|', '')}$`), getUser],
  ['PATCH', new RegExp(`^/users/${USER}$`), patchUser],
  ['PATCH', new RegExp(`^/users${USER.replace('[^/()]+|', '')}$`), patchUser],
  ['POST', new RegExp(`^/users/${USER}/revokeSignInSessions$`), revokeSessions],
  [
    'POST',
    new RegExp(`^/users${USER.replace('[^/()]+|', '')}/revokeSignInSessions$`),
    revokeSessions,
  ],
  ['GET', new RegExp(`^/users/${USER}/drive$`), getUserDrive],
  ['GET', new RegExp(`^/users/${USER}/drive/root(?::(.*))?$`), getUserDriveItemByPath],
  ['GET', new RegExp(`^/users/${USER}/drive/items/([^/]+)$`), getUserDriveItem],
  ['GET', /^\/sites\/([^/:]+):(\/.*)$/, getSiteByPath],
  ['GET', /^\/sites\/([^/]+)\/drives$/, getSiteDrives],
  ['GET', /^\/sites\/([^/]+)$/, getSite],
  ['GET', /^\/drives\/([^/]+)$/, getDrive],
  ['GET', /^\/drives\/([^/]+)\/root(?::(.*))?$/, getDriveItemByPath],
  ['GET', /^\/drives\/([^/]+)\/items\/([^/]+)$/, getDriveItem],
  ['GET', /^\/drives\/([^/]+)\/items\/([^/]+)\/permissions$/, listPermissions],
  ['GET', /^\/drives\/([^/]+)\/items\/([^/]+)\/permissions\/([^/]+)$/, getPermission],
  ['DELETE', /^\/drives\/([^/]+)\/items\/([^/]+)\/permissions\/([^/]+)$/, deletePermission],
  // Graph sources (issue 8): sign-in logs, directory audits, message trace, usage reports.
  ['GET', /^\/auditLogs\/signIns$/, listSignIns],
  ['GET', /^\/auditLogs\/directoryAudits$/, listDirectoryAudits],
  ['GET', /^\/admin\/exchange\/tracing\/messageTraces$/, listMessageTraces],
  ['GET', /^\/reports\/([A-Za-z0-9]+)\(([^)]*)\)$/, getReport],
];

/** `(`, `)` and `'` may arrive percent-encoded; everything else stays encoded for the handlers. */
function normalise(path: string): string {
  return path.replace(/%28/gi, '(').replace(/%29/gi, ')').replace(/%27/gi, "'");
}

export function dispatch(sim: Simulator, req: GraphRequest): GraphAnswer {
  const path = normalise(req.path);
  let methodMismatch = false;
  for (const [method, pattern, handler] of ROUTES) {
    const m = pattern.exec(path);
    if (!m) continue;
    if (method !== req.method) {
      methodMismatch = true;
      continue;
    }
    sim.counters.inc(
      `graph.${req.method}.${pattern.source.split('/')[1]?.replace(/[^a-z]/gi, '') ?? 'x'}`,
    );
    return handler(
      sim,
      req,
      m.slice(1).map((x) => x ?? ''),
    );
  }
  if (methodMismatch) {
    return fail(req, {
      status: 405,
      code: 'Request_BadRequest',
      message: `The ${req.method} method is not supported here.`,
    });
  }
  return fail(req, GRAPH.noRoute(req.method, path));
}

interface BatchStep {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

/**
 * POST /$batch (docs/microsoft-apis.md, "Throttling, batching, paging"): up to 20 steps with unique
 * ids, relative urls, Content-Type when a body is present, dependsOn honoured (a failed dependency
 * answers 424); each step is throttled on its own; the outer answer is 200.
 */
export function batch(
  sim: Simulator,
  req: GraphRequest,
  throttled: () => number | null,
): GraphAnswer {
  const steps = (req.body as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(steps))
    return fail(req, { status: 400, code: 'BadRequest', message: 'Invalid batch payload format.' });
  if (steps.length > 20) {
    return fail(req, {
      status: 400,
      code: 'BadRequest',
      message: 'Number of batch request steps exceeds the maximum of 20.',
    });
  }
  const list = steps as BatchStep[];
  const ids = new Set<string>();
  for (const s of list) {
    if (
      !s ||
      typeof s.id !== 'string' ||
      typeof s.method !== 'string' ||
      typeof s.url !== 'string'
    ) {
      return fail(req, {
        status: 400,
        code: 'BadRequest',
        message: 'Each batch request needs id, method and url.',
      });
    }
    if (ids.has(s.id))
      return fail(req, {
        status: 400,
        code: 'BadRequest',
        message: `Batch request id '${s.id}' is not unique.`,
      });
    ids.add(s.id);
  }
  const done = new Map<string, number>();
  const responses: Array<{
    id: string;
    status: number;
    headers: Record<string, string>;
    body: unknown;
  }> = [];
  let progress = true;
  while (done.size < list.length && progress) {
    progress = false;
    for (const s of list) {
      if (done.has(s.id)) continue;
      const deps = s.dependsOn ?? [];
      if (deps.some((d) => !done.has(d) && ids.has(d))) continue;
      progress = true;
      let answer: GraphAnswer;
      if (deps.some((d) => (done.get(d) ?? 200) >= 400 || !ids.has(d))) {
        answer = fail(req, {
          status: 424,
          code: 'FailedDependency',
          message: 'The dependent request failed.',
        });
      } else if (
        s.body !== undefined &&
        !Object.keys(s.headers ?? {}).some((h) => h.toLowerCase() === 'content-type')
      ) {
        answer = fail(req, {
          status: 400,
          code: 'BadRequest',
          message: 'Write request id : ' + s.id + ' does not contain Content-Type header or body.',
        });
      } else {
        const retry = throttled();
        if (retry !== null) {
          answer = tooManyRequests(req, retry > 0 ? retry : null);
        } else {
          const url = new URL(s.url.startsWith('/') ? s.url : `/${s.url}`, 'http://graph.invalid');
          answer = dispatch(sim, {
            ...req,
            method: s.method.toUpperCase(),
            path: url.pathname.replace(/^\/(?:v1\.0|beta)/, ''),
            query: url.searchParams,
            body: s.body,
          });
        }
      }
      done.set(s.id, answer.status);
      const { 'Content-Type': contentType, ...rest } = answer.headers;
      responses.push({
        id: s.id,
        status: answer.status,
        headers:
          answer.body === null
            ? rest
            : { ...rest, 'Content-Type': contentType ?? 'application/json' },
        body: answer.body,
      });
    }
  }
  return ok({ responses });
}
