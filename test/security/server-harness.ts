// The security suite's server: the real server on 127.0.0.1 (OS-chosen port) over a DuckDB store,
// with a configuration that holds canary secrets (a client secret, an SMTP password, a webhook
// token), one account per role with a session and an API token each, credentials that must not
// work (revoked, disabled, deleted, expired, forged), and a web root with a canary file beside it.
// Requests go through node:http so that paths are sent exactly as written (fetch would resolve
// `..`), and every answer (status line, headers, body) and every log line is kept for the grep.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { registerLinqFunctions } from '../../src/linq/index.js';
import { Accounts } from '../../src/server/auth/accounts.js';
import { Sessions } from '../../src/server/auth/sessions.js';
import { Tokens } from '../../src/server/auth/tokens.js';
import { startServer, type RunningServer } from '../../src/app/runtime.js';
import { ROLES, type Role } from '../../src/server/roles.js';
import { DEFAULT_SETTINGS, type ServerSettings } from '../../src/server/settings.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { setLogSink } from '../../src/util/log.js';

const canary = (what: string) => `${what}-${randomBytes(12).toString('hex')}`;

/** Secrets the test configures; none may appear in any answer or log line. */
export interface Canaries {
  readonly clientSecret: string;
  readonly smtpPassword: string;
  readonly webhookToken: string;
  /** Content of a file beside the web root: path traversal would serve it. */
  readonly outsideFile: string;
  readonly passwords: Record<Role, string>;
}

export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

export interface RequestOptions {
  readonly headers?: Record<string, string | string[]>;
  /** A string is sent as is; anything else as JSON. */
  readonly body?: unknown;
  /** Send the body chunked (no Content-Length). */
  readonly chunked?: boolean;
}

/** How a request proves who it is. */
export interface Credential {
  readonly headers: Record<string, string>;
  /** For cookie sessions: the CSRF token a write must echo. */
  readonly csrf?: string;
}

export interface SecureServer {
  readonly server: RunningServer;
  readonly store: Store;
  readonly port: number;
  readonly dir: string;
  readonly canaries: Canaries;
  readonly tokens: Record<Role, string>;
  /** Session cookies (name=value) and their CSRF tokens, one per role. */
  readonly sessions: Record<Role, Credential>;
  /** Every answer: status, headers and body, as text. */
  readonly answers: string[];
  readonly logs: string[];
  /** Requests made through `send`. */
  requests: number;
  send(method: string, path: string, options?: RequestOptions): Promise<Answer>;
  /** Signs in; the session cookie and CSRF token. */
  signIn(user: string, password: string, headers?: Record<string, string>): Promise<Credential>;
  close(): Promise<void>;
}

export async function startSecureServer(
  dir: string,
  options: { settings?: Partial<ServerSettings> } = {},
): Promise<SecureServer> {
  const logs: string[] = [];
  const restore = setLogSink((line) => logs.push(line));
  const canaries: Canaries = {
    clientSecret: canary('client-secret'),
    smtpPassword: canary('smtp-password'),
    webhookToken: canary('webhook-token'),
    outsideFile: canary('outside-web-root'),
    passwords: {
      viewer: canary('viewer-pw'),
      analyst: canary('analyst-pw'),
      responder: canary('responder-pw'),
      admin: canary('admin-pw'),
    },
  };

  // The web root, and a canary file next to it (and one level up).
  const web = join(dir, 'web');
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>m365hunt</title>');
  writeFileSync(join(web, 'assets', 'app-1234.js'), 'console.log("app")');
  writeFileSync(join(dir, 'secret.txt'), canaries.outsideFile);
  writeFileSync(join(dir, 'web-secret.txt'), canaries.outsideFile);

  const configFile = join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      inputs: {
        office365: {
          id: '10001',
          name: 'Contoso',
          credentials: {
            tenant_id: '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
            client_id: '1b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
            client_secret: canaries.clientSecret,
          },
          services: { general_audit: {} },
          // Nothing listens there: nothing may leave the machine.
          endpoints: {
            login: 'http://127.0.0.1:9',
            manage: 'http://127.0.0.1:9',
            graph: 'http://127.0.0.1:9',
          },
        },
      },
      store: { db: join(dir, 'store.duckdb') },
      alerts: {
        targets: [
          {
            type: 'webhook',
            name: 'hook',
            url: `http://127.0.0.1:9/hook?token=${canaries.webhookToken}`,
          },
          {
            type: 'email',
            name: 'mail',
            host: '127.0.0.1',
            port: 9,
            user: 'soc',
            password: canaries.smtpPassword,
            from: 'soc@contoso.example',
            to: ['soc@contoso.example'],
          },
        ],
      },
    }),
  );
  const config = loadConfig(configFile);

  const store = await openStore(join(dir, 'store.duckdb'), {
    duckdb: { onConnect: registerLinqFunctions },
  });
  const accounts = new Accounts(store);
  const tokenStore = new Tokens(store);
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    await accounts.create(role, role, canaries.passwords[role]);
    tokens[role] = (await tokenStore.create(role, `${role} test`, role)).token;
  }
  const settings: ServerSettings = { ...DEFAULT_SETTINGS, collect: false, ...options.settings };
  const server = await startServer({
    store,
    config,
    settings,
    host: '127.0.0.1',
    port: 0,
    collect: false,
    webRoot: web,
  });

  const answers: string[] = [];
  const self: SecureServer = {
    server,
    store,
    port: server.port,
    dir,
    canaries,
    tokens,
    sessions: {} as Record<Role, Credential>,
    answers,
    logs,
    requests: 0,
    async send(method, path, opts = {}) {
      self.requests++;
      const answer = await rawRequest(server.port, method, path, opts);
      answers.push(
        `${answer.status}\n${JSON.stringify(answer.headers)}\n${answer.text}`.replace(
          // The cookie a sign-in sets is the one place a session id may appear.
          /"set-cookie":\[[^\]]*\]/g,
          '"set-cookie":"(sign-in)"',
        ),
      );
      return answer;
    },
    async signIn(user, password, headers = {}) {
      const answer = await self.send('POST', '/api/auth/login', {
        body: { username: user, password },
        headers,
      });
      if (answer.status !== 200) throw new Error(`sign-in of ${user}: ${answer.text}`);
      const cookie = String(answer.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
      return { headers: { cookie }, csrf: answer.json<{ csrf: string }>().csrf };
    },
    async close() {
      await server.close();
      await store.close();
      restore();
    },
  };
  for (const role of ROLES) self.sessions[role] = await self.signIn(role, canaries.passwords[role]);
  return self;
}

/** One request over a fresh connection, the path sent byte for byte. */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Answer> {
  const headers: Record<string, string | string[]> = { ...options.headers };
  let body: Buffer | undefined;
  if (options.body !== undefined) {
    body = Buffer.from(
      typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    );
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['content-type'] = 'application/json';
    if (!options.chunked) headers['content-length'] = String(body.length);
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: <T>() => JSON.parse(text) as T,
          });
        });
      },
    );
    req.on('error', reject);
    if (body && options.chunked) {
      // Several chunks, so that a limit cannot rely on one read.
      const step = 64 * 1024;
      for (let i = 0; i < body.length; i += step) req.write(body.subarray(i, i + step));
      req.end();
    } else req.end(body);
  });
}

/** Everything secret the server was given or handed out, for the grep over answers and logs. */
export function secretsOf(t: SecureServer, extra: readonly string[] = []): string[] {
  const tokenSecret = (token: string) => token.slice('m365h_'.length + 13);
  return [
    t.canaries.clientSecret,
    t.canaries.smtpPassword,
    t.canaries.webhookToken,
    t.canaries.outsideFile,
    ...Object.values(t.canaries.passwords),
    ...Object.values(t.tokens).map(tokenSecret),
    ...Object.values(t.sessions).map((s) => s.headers.cookie!.split('=')[1]!),
    ...extra,
  ];
}

/** The secrets found in any answer or log line (should be none), and the volume searched. */
export function leaks(
  t: SecureServer,
  extra: readonly string[] = [],
): { found: string[]; bytes: number } {
  const all = [...t.answers, ...t.logs].join('\n');
  const found = secretsOf(t, extra).filter((s) => all.includes(s));
  if (all.includes('scrypt$')) found.push('a password hash (scrypt$)');
  if (/at \S+ \(.*\.[jt]s:\d+:\d+\)/.test(all)) found.push('a stack trace');
  return { found, bytes: Buffer.byteLength(all) };
}

/** A session whose idle time ran out: made with a clock ten days back, then read by the server. */
export async function expiredSession(t: SecureServer, user: string): Promise<Credential> {
  const past = new Sessions(
    t.store,
    { idleMs: t.server.deps.settings.session_idle, maxMs: t.server.deps.settings.session_max },
    () => Date.now() - 10 * 86_400_000,
  );
  const { id, session } = await past.create(user);
  return { headers: { cookie: `m365hunt_session=${id}` }, csrf: session.csrf };
}
