// Talks to the server: JSON calls with the session's CSRF token on every write, and query answers
// read line by line as they stream (NDJSON), so the grid fills while the rest arrives.
import type { Cell, Column, ErrorBody } from './types';

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

export async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: headers(method, body !== undefined),
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    signal,
  });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

export const get = <T>(path: string, signal?: AbortSignal) =>
  call<T>('GET', path, undefined, signal);

export interface QueryRequest {
  readonly query: string;
  readonly from: string;
  readonly to: string;
  readonly limit?: number;
  readonly origin?: 'search' | 'dashboard' | 'user';
}

export interface QueryHandlers {
  columns(columns: readonly Column[], range: { from: string; to: string }): void;
  rows(rows: Cell[][]): void;
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
    const message = JSON.parse(line) as {
      columns?: Column[];
      from?: string;
      to?: string;
      rows?: Cell[][] | number;
      done?: boolean;
      truncated?: boolean;
      elapsedMs?: number;
      error?: string;
    };
    if (message.error) throw new ApiError(500, { error: message.error });
    if (message.columns)
      handlers.columns(message.columns, { from: message.from ?? '', to: message.to ?? '' });
    else if (message.done) {
      end = {
        rows: Number(message.rows ?? 0),
        truncated: !!message.truncated,
        elapsedMs: message.elapsedMs ?? 0,
      };
    } else if (Array.isArray(message.rows)) handlers.rows(message.rows);
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
