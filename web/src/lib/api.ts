// Talks to the server: JSON calls with the session's CSRF token on every write, and query answers
// read line by line as they stream (NDJSON), so the grid fills while the rest arrives. Every call
// names its endpoint as the API contract does (`'POST /api/alerts/:id/ack'`), so its parameters,
// body and answer are the contract's types (src/contracts/routes.ts), not a guess at each call.
import type { ApiAnswer, ApiBody, ApiParams, ApiRoute } from '../../../src/contracts/routes.js';
import type { Cell, Column, ErrorBody, ErrorCode, QueryLine, QueryRequest } from './types';

let csrf: string | null = null;

export function setCsrf(token: string | null): void {
  csrf = token;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.error);
    this.name = 'ApiError';
  }

  /** What kind of refusal this is: decide on this, never on the words of the message. */
  get code(): ErrorCode | undefined {
    return this.body.code;
  }
}

/** Called when any call finds the session gone (401), so the app shows the sign-in page. */
let onUnauthorized: () => void = () => undefined;
export function whenSignedOut(handler: () => void): void {
  onUnauthorized = handler;
}

async function failure(response: Response): Promise<ApiError> {
  let body: ErrorBody;
  try {
    body = (await response.json()) as ErrorBody;
  } catch {
    body = { error: `${response.status} ${response.statusText}` };
  }
  if (response.status === 401) onUnauthorized();
  return new ApiError(response.status, body);
}

function headers(method: string, json: boolean): Record<string, string> {
  const h: Record<string, string> = { accept: 'application/json' };
  if (json) h['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) h['x-csrf-token'] = csrf;
  return h;
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<unknown> {
  const response = await fetch(path, {
    method,
    headers: headers(method, body !== undefined),
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    signal,
  });
  if (!response.ok) throw await failure(response);
  return response.json();
}

/** What a call needs besides its endpoint: path parameters, query string, body, abort signal. */
export type CallOptions<R extends ApiRoute> = ([ApiParams<R>] extends [never]
  ? { readonly params?: undefined }
  : { readonly params: Readonly<Record<ApiParams<R>, string>> }) &
  (undefined extends ApiBody<R>
    ? { readonly body?: ApiBody<R> }
    : { readonly body: ApiBody<R> }) & {
    readonly query?: Readonly<Record<string, string | number | undefined>>;
    readonly signal?: AbortSignal;
  };

/** The URL of an endpoint: its `:name` parameters filled in (encoded), the query string added. */
export function apiPath<R extends ApiRoute>(route: R, options?: CallOptions<R>): string {
  const params = (options?.params ?? {}) as Readonly<Record<string, string>>;
  const path = route
    .slice(route.indexOf(' ') + 1)
    .replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(options?.query ?? {}))
    if (v !== undefined) query.set(k, String(v));
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}

/**
 * Calls an endpoint of the API contract: `api('GET /api/alerts/:id', { params: { id } })`. The
 * answer has the contract's type for that endpoint; a refusal rejects with an ApiError.
 */
export async function api<R extends ApiRoute>(
  route: R,
  ...[options]: Partial<CallOptions<R>> extends CallOptions<R>
    ? [CallOptions<R>?]
    : [CallOptions<R>]
): Promise<ApiAnswer<R>> {
  const method = route.slice(0, route.indexOf(' '));
  // The one place an answer is read as the contract's type: the server is held to the same types.
  return (await call(
    method,
    apiPath(route, options),
    options?.body,
    options?.signal,
  )) as ApiAnswer<R>;
}

export type { QueryRequest };

export interface QueryHandlers {
  columns(columns: readonly Column[], range: { from: string; to: string }): void;
  rows(rows: readonly Cell[][]): void;
}

export interface QueryEnd {
  readonly rows: number;
  readonly truncated: boolean;
  readonly elapsedMs: number;
}

/** Runs a query; rows arrive through the handlers in batches. Rejects with ApiError on a bad query. */
export async function streamQuery(
  request: QueryRequest,
  handlers: QueryHandlers,
  signal?: AbortSignal,
): Promise<QueryEnd> {
  const response = await fetch('/api/query', {
    method: 'POST',
    headers: headers('POST', true),
    body: JSON.stringify({ ...request, format: 'ndjson' }),
    credentials: 'same-origin',
    signal,
  });
  if (!response.ok || !response.body) throw await failure(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let end: QueryEnd | undefined;
  const handle = (line: string) => {
    if (!line.trim()) return;
    const message = JSON.parse(line) as QueryLine;
    if ('error' in message) throw new ApiError(500, { error: message.error, code: 'internal' });
    if ('columns' in message) handlers.columns(message.columns, message);
    else if ('done' in message) {
      end = { rows: message.rows, truncated: message.truncated, elapsedMs: message.elapsedMs };
    } else handlers.rows(message.rows);
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      handle(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf('\n');
    }
  }
  handle(buffer);
  if (!end)
    throw new ApiError(500, {
      error: 'the answer stopped before its end (server stopped or connection lost)',
    });
  return end;
}

/** Runs a query and gathers its (small) answer. */
export async function queryAll(
  request: QueryRequest,
  signal?: AbortSignal,
  /** The range the server read (relative times made absolute by its clock). */
  onRange?: (range: { from: string; to: string }) => void,
): Promise<{ columns: readonly Column[]; rows: Cell[][]; end: QueryEnd }> {
  let columns: readonly Column[] = [];
  const rows: Cell[][] = [];
  const end = await streamQuery(
    request,
    {
      columns: (c, range) => {
        columns = c;
        onRange?.(range);
      },
      rows: (r) => {
        rows.push(...r);
      },
    },
    signal,
  );
  return { columns, rows, end };
}

/** Downloads a query answer in CSV straight from the server (no row kept in the page). */
export async function downloadCsv(request: QueryRequest): Promise<void> {
  const response = await fetch('/api/query', {
    method: 'POST',
    headers: headers('POST', true),
    body: JSON.stringify({ ...request, format: 'csv' }),
    credentials: 'same-origin',
  });
  if (!response.ok) throw await failure(response);
  saveBlob(await response.blob(), 'm365hunt-query.csv');
}

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
