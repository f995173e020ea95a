// `m365hunt query --server URL`: the same hunt through a running server's API (POST /api/query,
// NDJSON), for when `serve` or `demo` holds the store (DuckDB lets one process open a file for
// writing, and no other process may open it meanwhile, not even to read). The answer streams
// line by line into the same writer the local query uses, so the output is the same.
import type { ResultSource } from '../linq/format.js';
import type { SqlValue } from '../store/store.js';
import { M365HuntError } from '../util/errors.js';

export interface RemoteQuery {
  readonly server: string;
  readonly token: string;
  readonly query: string;
  readonly from: string;
  readonly to: string;
  readonly limit?: number;
}

interface AnswerLine {
  columns?: Array<{ name: string; type: string; origin?: 'query' | 'table' }>;
  rows?: SqlValue[][] | number;
  done?: boolean;
  truncated?: boolean;
  error?: string;
}

/** The server's base URL, checked: http(s) only, no path beyond `/`. */
export function serverUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new M365HuntError(`--server ${text} is not a URL.`, {
      hint: 'Give the address `serve` or `demo` printed, e.g. --server http://127.0.0.1:8080',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new M365HuntError(`--server ${text} is not an http or https address.`);
  return url;
}

/** Engine type names (TIMESTAMP WITH TIME ZONE, DateTime64(3)) as the writer's types. */
function writerType(type: string): string {
  return /timestamp|datetime/i.test(type) ? 'timestamp' : type;
}

/**
 * Runs a query on a server and returns its answer as a stream of rows. Throws the server's own
 * error (with the query position, when the compiler gave one) before any row is written.
 */
export async function remoteQuery(
  request: RemoteQuery,
  onTruncated?: () => void,
): Promise<ResultSource> {
  const url = new URL('/api/query', serverUrl(request.server));
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${request.token}`,
        'content-type': 'application/json',
        accept: 'application/x-ndjson',
      },
      body: JSON.stringify({
        query: request.query,
        from: request.from,
        to: request.to,
        format: 'ndjson',
        origin: 'script',
        ...(request.limit !== undefined ? { limit: request.limit } : {}),
      }),
    });
  } catch (error) {
    throw new M365HuntError(`The server ${url.origin} does not answer.`, {
      hint: 'Is `m365hunt serve` (or `demo`) running there?',
      cause: error,
    });
  }
  if (!response.ok || !response.body) {
    let body: { error?: string; hint?: string; position?: { line?: number; column?: number } } = {};
    try {
      body = (await response.json()) as typeof body;
    } catch {
      // not JSON: the status says enough
    }
    const why =
      response.status === 401
        ? 'the token was refused'
        : response.status === 403
          ? 'the token may not run queries'
          : (body.error ?? `${response.status} ${response.statusText}`);
    const at = body.position?.line
      ? ` (line ${body.position.line}, column ${body.position.column ?? 1})`
      : '';
    throw new M365HuntError(`The server answered: ${why}${at}.`, {
      ...(response.status === 401
        ? {
            hint: 'Make a token in the app (Settings, API tokens) or with `m365hunt users token`, and pass it in M365HUNT_TOKEN or --token.',
          }
        : body.hint
          ? { hint: body.hint }
          : {}),
    });
  }
  const lines = readLines(response.body);
  const first = await lines.next();
  const head = first.done ? undefined : (JSON.parse(first.value) as AnswerLine);
  if (head?.error) throw new M365HuntError(`The query failed on the server: ${head.error}`);
  if (!head?.columns) throw new M365HuntError('The server sent an answer without columns.');
  const columns = head.columns.map((c) => ({
    name: c.name,
    type: writerType(c.type),
    ...(c.origin ? { origin: c.origin } : {}),
  }));
  return {
    columns,
    async *chunks() {
      let done = false;
      for await (const text of lines) {
        const line = JSON.parse(text) as AnswerLine;
        if (line.error) throw new M365HuntError(`The query failed on the server: ${line.error}`);
        if (line.done) {
          done = true;
          if (line.truncated) onTruncated?.();
        } else if (Array.isArray(line.rows)) yield line.rows;
      }
      if (!done)
        throw new M365HuntError('The answer stopped before its end (server stopped or lost).');
    },
  };
}

async function* readLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.trim()) yield line;
      newline = buffer.indexOf('\n');
    }
  }
  buffer += decoder.decode();
  if (buffer.trim()) yield buffer;
}
