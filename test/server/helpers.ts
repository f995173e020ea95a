// A real server on 127.0.0.1 (OS-chosen port) over a DuckDB store holding the seed fixtures, with
// one account per role, API tokens for each, and a small client that keeps a cookie and CSRF token.
import { join } from 'node:path';
import { registerLinqFunctions } from '../../src/linq/index.js';
import { Accounts } from '../../src/server/auth/accounts.js';
import { Tokens } from '../../src/server/auth/tokens.js';
import type { AlertsPort, RespondPort } from '../../src/server/ports.js';
import { startServer, type RunningServer } from '../../src/app/runtime.js';
import { DEFAULT_SETTINGS, type ServerSettings } from '../../src/server/settings.js';
import { ROLES, type Role } from '../../src/server/roles.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { setLogSink } from '../../src/util/log.js';
import { ingestNdjsonFile } from '../helpers/stores.js';
import { SEED_FILES } from '../linq/helpers/fixtures.js';

export const PASSWORDS: Record<Role, string> = {
  viewer: 'viewer-password-1234',
  analyst: 'analyst-password-1234',
  responder: 'responder-password-1234',
  admin: 'admin-password-1234',
};

export interface TestServer {
  readonly server: RunningServer;
  readonly store: Store;
  readonly url: string;
  readonly tokens: Record<Role, string>;
  /** Every answer body seen, to check that no secret ever leaves the server. */
  readonly bodies: string[];
  /** Every log line written while the server ran. */
  readonly logs: string[];
  close(): Promise<void>;
}

export async function startTestServer(
  dir: string,
  options: {
    settings?: Partial<ServerSettings>;
    alerts?: AlertsPort;
    respond?: RespondPort;
    seed?: boolean;
    web?: boolean;
  } = {},
): Promise<TestServer> {
  const logs: string[] = [];
  const restore = setLogSink((line) => logs.push(line));
  const store = await openStore(join(dir, `server-${process.pid}-${Date.now()}.duckdb`), {
    duckdb: { onConnect: registerLinqFunctions },
  });
  if (options.seed !== false) {
    for (const { file, hostchain } of SEED_FILES)
      await ingestNdjsonFile(store, file, { hostchain, client: 'contoso' });
  }
  const accounts = new Accounts(store);
  const tokenStore = new Tokens(store);
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    await accounts.create(role, role, PASSWORDS[role]);
    tokens[role] = (await tokenStore.create(role, `${role} test`, role)).token;
  }
  const server = await startServer({
    store,
    settings: { ...DEFAULT_SETTINGS, ...options.settings },
    host: '127.0.0.1',
    port: 0,
    alerts: options.alerts,
    respond: options.respond,
    webRoot: options.web ? undefined : null,
  });
  return {
    server,
    store,
    url: server.url,
    tokens,
    bodies: [],
    logs,
    async close() {
      await server.close();
      await store.close();
      restore();
    },
  };
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

/** A client: bearer token, or a cookie session with its CSRF token. */
export class Client {
  cookie: string | undefined;
  csrf: string | undefined;

  constructor(
    private readonly t: TestServer,
    private readonly bearer?: string,
  ) {}

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const h: Record<string, string> = { ...headers };
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET' && !('x-csrf-token' in h)) h['x-csrf-token'] = this.csrf;
    if (body !== undefined && !('content-type' in h)) h['content-type'] = 'application/json';
    const response = await fetch(`${this.t.url}${path}`, {
      method,
      headers: h,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    this.t.bodies.push(text);
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    return {
      status: response.status,
      headers: response.headers,
      text,
      json: <T>() => JSON.parse(text) as T,
    };
  }

  async login(user: string, password: string): Promise<Answer> {
    const answer = await this.request('POST', '/api/auth/login', { username: user, password });
    if (answer.status === 200) this.csrf = answer.json<{ csrf: string }>().csrf;
    return answer;
  }
}

/** NDJSON lines of a query answer. */
export function ndjson(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Rows of an NDJSON query answer, and its closing line. */
export function answerRows(text: string): {
  columns: string[];
  rows: unknown[][];
  done: Record<string, unknown> | undefined;
} {
  const lines = ndjson(text);
  const columns = ((lines[0]?.columns ?? []) as Array<{ name: string }>).map((c) => c.name);
  const rows = lines.flatMap((l) => (Array.isArray(l.rows) ? (l.rows as unknown[][]) : []));
  return { columns, rows, done: lines.find((l) => l.done === true) };
}

export const SEED_FROM = '2026-03-01T00:00:00Z';
export const SEED_TO = '2026-03-03T00:00:00Z';
