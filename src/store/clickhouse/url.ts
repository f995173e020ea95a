// Store URLs of the ClickHouse store:
//   chdb:DIR[?database=NAME&retention_days=N]
//   clickhouse://[user[:password]@]host[:port][/database][?cluster=NAME&retention_days=N&leases=auto|keeper|local]
//   clickhouses://…   (HTTPS)
// The password is better given in M365HUNT_CLICKHOUSE_PASSWORD (or CLICKHOUSE_PASSWORD) than in
// the URL; either way it never appears in `location`, messages or logs.
import { M365HuntError } from '../../util/errors.js';
import type { HttpTarget } from './http-executor.js';
import { DATABASE_NAME } from './types.js';

export const DEFAULT_DATABASE = 'm365hunt';

/** How the tables are laid out and the leases taken; from the URL's query parameters. */
export interface LayoutOptions {
  /** Cluster name from the server's `remote_servers`: Replicated tables behind Distributed ones. */
  readonly cluster?: string;
  /** Rows older than this many days (by eventdate) are dropped; 0 removes a TTL set before. */
  readonly retentionDays?: number;
  /** `keeper`: leases in a KeeperMap table; `local`: in a table of the store; `auto`: keeper if available. */
  readonly leases: 'auto' | 'keeper' | 'local';
}

export interface ChdbLocation {
  readonly kind: 'chdb';
  readonly dir: string;
  readonly database: string;
  readonly layout: LayoutOptions;
  readonly display: string;
}

export interface ServerLocation {
  readonly kind: 'server';
  readonly target: HttpTarget;
  readonly layout: LayoutOptions;
  readonly display: string;
}

const COMMON_PARAMS = ['retention_days'];
const CHDB_PARAMS = [...COMMON_PARAMS, 'database'];
const SERVER_PARAMS = [...COMMON_PARAMS, 'cluster', 'leases', 'timeout_ms'];

function bad(url: string, problem: string, hint?: string): M365HuntError {
  return new M365HuntError(`The store URL ${url} ${problem}`, {
    hint:
      hint ??
      'Use chdb:DIR[?database=NAME] or clickhouse://host:port/database[?cluster=NAME&retention_days=N].',
  });
}

function checkParams(display: string, params: URLSearchParams, allowed: readonly string[]): void {
  for (const key of params.keys()) {
    if (!allowed.includes(key)) {
      throw bad(display, `has an unknown parameter "${key}".`, `Known: ${allowed.join(', ')}.`);
    }
  }
}

function retention(display: string, params: URLSearchParams): number | undefined {
  const text = params.get('retention_days');
  if (text === null) return undefined;
  const days = Number(text);
  if (!Number.isInteger(days) || days < 0) {
    throw bad(display, `has retention_days=${text}: give a whole number of days (0 = keep all).`);
  }
  return days;
}

function database(display: string, name: string): string {
  if (!DATABASE_NAME.test(name)) {
    throw bad(display, `names the database "${name}": use letters, digits and _ only.`);
  }
  return name;
}

/** `chdb:` URLs: the text after `chdb:`. */
export function parseChdbLocation(location: string): ChdbLocation {
  const q = location.indexOf('?');
  const dir = q < 0 ? location : location.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : location.slice(q + 1));
  const display = `chdb:${location}`;
  if (dir.trim() === '') throw bad(display, 'names no directory.');
  checkParams(display, params, CHDB_PARAMS);
  return {
    kind: 'chdb',
    dir,
    database: database(display, params.get('database') ?? DEFAULT_DATABASE),
    layout: { retentionDays: retention(display, params), leases: 'local' },
    display,
  };
}

/** `clickhouse://` and `clickhouses://` URLs, whole. */
export function parseServerUrl(
  url: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ServerLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad(url.replace(/:[^:@/]*@/, ':***@'), 'is not a valid URL.');
  }
  const secure = parsed.protocol === 'clickhouses:';
  if (!secure && parsed.protocol !== 'clickhouse:') throw bad(url, 'is not a ClickHouse URL.');
  const port = parsed.port || (secure ? '8443' : '8123');
  const username = decodeURIComponent(parsed.username) || env.CLICKHOUSE_USER || 'default';
  const password =
    decodeURIComponent(parsed.password) ||
    env.M365HUNT_CLICKHOUSE_PASSWORD ||
    env.CLICKHOUSE_PASSWORD ||
    '';
  const dbName = decodeURIComponent(parsed.pathname.replace(/^\/+|\/+$/g, '')) || DEFAULT_DATABASE;
  const params = parsed.searchParams;
  const query = params.toString();
  const display = `${parsed.protocol}//${parsed.username ? `${decodeURIComponent(parsed.username)}@` : ''}${parsed.hostname}:${port}/${dbName}${query ? `?${query}` : ''}`;
  if (!parsed.hostname) throw bad(display, 'names no host.');
  checkParams(display, params, SERVER_PARAMS);
  const cluster = params.get('cluster') ?? undefined;
  if (cluster !== undefined && !/^[A-Za-z0-9_.-]+$/.test(cluster)) {
    throw bad(display, `names the cluster "${cluster}": use letters, digits, ., - and _ only.`);
  }
  const leases = params.get('leases') ?? 'auto';
  if (leases !== 'auto' && leases !== 'keeper' && leases !== 'local') {
    throw bad(display, `has leases=${leases}: use auto, keeper or local.`);
  }
  const timeout = params.get('timeout_ms');
  const requestTimeoutMs = timeout === null ? undefined : Number(timeout);
  if (requestTimeoutMs !== undefined && !(requestTimeoutMs > 0)) {
    throw bad(display, `has timeout_ms=${timeout}: give milliseconds.`);
  }
  // An IPv6 host keeps its brackets in the URL.
  const host = parsed.hostname;
  return {
    kind: 'server',
    target: {
      url: `${secure ? 'https' : 'http'}://${host}:${port}`,
      username,
      password,
      database: database(display, dbName),
      requestTimeoutMs,
    },
    layout: { cluster, retentionDays: retention(display, params), leases },
    display,
  };
}
