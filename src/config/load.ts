// Loads and resolves the configuration file: syntax, shape, secrets, certificates, clouds and
// endpoints. Every problem names its file position; secrets are wrapped so they cannot be printed.
import { createHash, X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  isContentType,
  SERVICE_CONTENT_TYPES,
  type ContentType,
} from '../records/content-types.js';
import { CLOUDS } from './clouds.js';
import { parseDuration } from '../util/duration.js';
import { M365HuntError } from '../util/errors.js';
import { closest } from '../util/suggest.js';
import { parseJsonc, positionOf, type ParsedJsonc } from './parse-jsonc.js';
import { configSchema, instanceSchema, type RawInstance } from './schema.js';
import { Secret } from './secret.js';
import type { CloudName } from './types.js';

export type Credential =
  | { readonly kind: 'secret'; readonly secret: Secret; readonly expires?: Date }
  | {
      readonly kind: 'certificate';
      readonly certificatePem: string;
      readonly privateKeyPem: Secret;
      /** Hex SHA-1 and SHA-256 thumbprints of the certificate (MSAL sends them as x5t / x5t#S256). */
      readonly thumbprintSha1: string;
      readonly thumbprintSha256: string;
      readonly notAfter: Date;
    };

/** Microsoft Graph sources of issue 8, turned on by `services` keys. */
export type GraphService = 'entra_id' | 'reports' | 'message_trace';
const GRAPH_SERVICES: readonly GraphService[] = ['entra_id', 'reports', 'message_trace'];

export interface CollectorInstance {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly tenantId: string;
  readonly clientId: string;
  readonly credential: Credential;
  readonly contentTypes: readonly ContentType[];
  readonly graphServices: Readonly<Partial<Record<GraphService, Record<string, unknown>>>>;
  readonly cloud: CloudName;
  /** Base URLs actually used (the cloud's, or the overrides). */
  readonly endpoints: { readonly login: string; readonly manage: string; readonly graph: string };
  /** Token audiences: always the cloud's own hosts, even when requests go to an override. */
  readonly audiences: { readonly manage: string; readonly graph: string };
  readonly publisherId: string;
  readonly backfillMs: number;
  readonly pollIntervalMs: number;
  readonly overlapMs: number;
  readonly concurrency: number;
  readonly requestsPerMinute: number;
}

export interface ResolvedConfig {
  readonly file: string;
  readonly instances: readonly CollectorInstance[];
  readonly store: { readonly url?: string; readonly memoryLimit?: string };
  readonly alerts: Readonly<Record<string, unknown>>;
  readonly server: Readonly<Record<string, unknown>>;
  readonly respond: Readonly<Record<string, unknown>>;
  /** Problems that do not stop collection (unknown service keys, a secret close to expiry). */
  readonly warnings: readonly string[];
}

const SEVEN_DAYS = 7 * 86_400_000;
/** Margin kept from the API's 7-day limit, so clock differences never make a window too old. */
export const RETENTION_MARGIN_MS = 10 * 60_000;
const SECRET_EXPIRY_WARNING_MS = 30 * 86_400_000;

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): ResolvedConfig {
  const path = resolve(file);
  if (!existsSync(path)) {
    throw new M365HuntError(`The configuration file ${file} does not exist.`, {
      hint: 'Create a starting configuration with `npx m365hunt init`.',
    });
  }
  return resolveConfig(readFileSync(path, 'utf8'), path, env);
}

export function resolveConfig(
  text: string,
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedConfig {
  const parsed = parseJsonc(text, path);
  const result = configSchema.safeParse(parsed.value);
  if (!result.success) throw shapeError(parsed, path, result.error.issues);
  const raw = result.data;
  const warnings: string[] = [];
  const office365 = raw.inputs.office365;
  const base = Array.isArray(office365) ? ['inputs', 'office365'] : null;
  const rawList: unknown[] = Array.isArray(office365) ? office365 : [office365];
  if (rawList.length === 0) {
    throw positioned(parsed, path, ['inputs', 'office365'], 'no collector instance is configured');
  }
  const issues: ShapeIssue[] = [];
  const list: RawInstance[] = [];
  rawList.forEach((item, index) => {
    const checked = instanceSchema.safeParse(item);
    const prefix = base ? [...base, index] : ['inputs', 'office365'];
    if (checked.success) list.push(checked.data);
    else
      for (const issue of checked.error.issues)
        issues.push({ ...issue, path: [...prefix, ...issue.path] });
  });
  if (issues.length > 0) throw shapeError(parsed, path, issues);
  const instances = list.map((instance, index) => {
    const at = base ? [...base, index] : ['inputs', 'office365'];
    return resolveInstance(instance, at, parsed, path, dirname(path), env, warnings);
  });
  const ids = new Set<string>();
  instances.forEach((instance, index) => {
    if (ids.has(instance.id)) {
      const at = base ? [...base, index, 'id'] : ['inputs', 'office365', 'id'];
      throw positioned(
        parsed,
        path,
        at,
        `collector id ${instance.id} is used twice`,
        'Give each collector instance its own five-digit id.',
      );
    }
    ids.add(instance.id);
  });
  const storeUrl =
    raw.store?.url ?? (raw.store?.db ? resolve(dirname(path), raw.store.db) : undefined);
  return {
    file: path,
    instances,
    store: { url: storeUrl, memoryLimit: raw.store?.memory_limit },
    alerts: raw.alerts ?? {},
    server: raw.server ?? {},
    respond: raw.respond ?? {},
    warnings,
  };
}

function positioned(
  parsed: ParsedJsonc,
  path: string,
  at: ReadonlyArray<string | number>,
  message: string,
  hint?: string,
): M365HuntError {
  const position = positionOf(parsed, at);
  return new M365HuntError(`${at.join('.')}: ${message}`, {
    position: { source: path, ...position },
    hint,
  });
}

interface ShapeIssue {
  readonly code: string;
  readonly path: PropertyKey[];
  readonly message: string;
  readonly keys?: string[];
}

const KNOWN_KEYS: Record<string, readonly string[]> = {
  top: ['inputs', 'store', 'alerts', 'server', 'respond'],
  instance: [
    'id',
    'enabled',
    'name',
    'credentials',
    'services',
    'cloud',
    'endpoints',
    'publisher_id',
    'backfill',
    'poll_interval',
    'overlap',
    'concurrency',
    'requests_per_minute',
  ],
  credentials: [
    'tenant_id',
    'client_id',
    'client_secret',
    'client_secret_env',
    'client_secret_file',
    'client_secret_expires',
    'certificate',
  ],
};

function shapeError(
  parsed: ParsedJsonc,
  path: string,
  issues: readonly ShapeIssue[],
): M365HuntError {
  const lines = issues.map((issue) => {
    const at = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const position = positionOf(parsed, at);
    const where = position ? `${position.line}:${position.column} ` : '';
    let message = issue.message;
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      const parentKey = at[at.length - 1];
      const known =
        at.length === 0
          ? KNOWN_KEYS.top
          : parentKey === 'credentials'
            ? KNOWN_KEYS.credentials
            : KNOWN_KEYS.instance;
      message = issue.keys
        .map((k) => {
          const suggestion = closest(k, known ?? []);
          return `unknown key "${k}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
        })
        .join('; ');
    }
    return `${where}${at.length ? `${at.join('.')}: ` : ''}${message}`;
  });
  const first = issues[0];
  const position = first
    ? positionOf(
        parsed,
        first.path.filter((p): p is string | number => typeof p !== 'symbol'),
      )
    : undefined;
  return new M365HuntError(`The configuration is not valid:\n  ${lines.join('\n  ')}`, {
    position: { source: path, ...position },
  });
}

function resolveInstance(
  raw: RawInstance,
  at: ReadonlyArray<string | number>,
  parsed: ParsedJsonc,
  path: string,
  baseDir: string,
  env: NodeJS.ProcessEnv,
  warnings: string[],
): CollectorInstance {
  const contentTypes: ContentType[] = [];
  const graphServices: Partial<Record<GraphService, Record<string, unknown>>> = {};
  for (const [key, options] of Object.entries(raw.services)) {
    if (options.enabled === false) continue;
    const contentType = SERVICE_CONTENT_TYPES[key] ?? (isContentType(key) ? key : undefined);
    if (contentType) {
      if (!contentTypes.includes(contentType)) contentTypes.push(contentType);
    } else if ((GRAPH_SERVICES as readonly string[]).includes(key)) {
      graphServices[key as GraphService] = options;
    } else if (key !== 'uri_retry') {
      // The vendor's collector accepts more keys than we know; say so rather than fail.
      const suggestion = closest(key, [...Object.keys(SERVICE_CONTENT_TYPES), ...GRAPH_SERVICES]);
      warnings.push(
        `${[...at, 'services', key].join('.')}: unknown service "${key}" is ignored${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      );
    }
  }
  if (contentTypes.length === 0 && Object.keys(graphServices).length === 0) {
    throw positioned(
      parsed,
      path,
      [...at, 'services'],
      'no service is enabled',
      'Enable at least one of azure_active_directory, exchange, sharepoint, general_audit, dlp.',
    );
  }
  const credential = resolveCredential(raw, at, parsed, path, baseDir, env, warnings);
  const cloud = CLOUDS[raw.cloud];
  const strip = (u: string) => u.replace(/\/+$/, '');
  const backfill = raw.backfill ? parseDuration(raw.backfill)! : SEVEN_DAYS;
  if (backfill > SEVEN_DAYS) {
    throw positioned(
      parsed,
      path,
      [...at, 'backfill'],
      'the Management Activity API keeps 7 days: backfill can be at most 7d',
    );
  }
  return {
    id: raw.id,
    name: raw.name ?? raw.credentials.tenant_id,
    enabled: raw.enabled,
    tenantId: raw.credentials.tenant_id.toLowerCase(),
    clientId: raw.credentials.client_id.toLowerCase(),
    credential,
    contentTypes,
    graphServices,
    cloud: raw.cloud,
    endpoints: {
      login: strip(raw.endpoints?.login ?? cloud.login),
      manage: strip(raw.endpoints?.manage ?? cloud.manage),
      graph: strip(raw.endpoints?.graph ?? cloud.graph),
    },
    audiences: { manage: cloud.manage, graph: cloud.graph },
    publisherId: (raw.publisher_id ?? raw.credentials.tenant_id).toLowerCase(),
    backfillMs: Math.min(backfill, SEVEN_DAYS - RETENTION_MARGIN_MS),
    pollIntervalMs: raw.poll_interval ? parseDuration(raw.poll_interval)! : 3 * 60_000,
    overlapMs: raw.overlap ? parseDuration(raw.overlap)! : 60 * 60_000,
    concurrency: raw.concurrency ?? 4,
    requestsPerMinute: raw.requests_per_minute ?? 2000,
  };
}

function resolveCredential(
  raw: RawInstance,
  at: ReadonlyArray<string | number>,
  parsed: ParsedJsonc,
  path: string,
  baseDir: string,
  env: NodeJS.ProcessEnv,
  warnings: string[],
): Credential {
  const c = raw.credentials;
  const cat = [...at, 'credentials'];
  const given = [
    c.client_secret !== undefined && 'client_secret',
    c.client_secret_env !== undefined && 'client_secret_env',
    c.client_secret_file !== undefined && 'client_secret_file',
    c.certificate !== undefined && 'certificate',
  ].filter((x): x is string => typeof x === 'string');
  if (given.length !== 1) {
    throw positioned(
      parsed,
      path,
      cat,
      given.length === 0
        ? 'no credential: give client_secret_env, client_secret_file, client_secret or certificate'
        : `give only one credential, not ${given.join(' and ')}`,
      'Prefer client_secret_env (an environment variable) or client_secret_file so that the secret never sits in the configuration.',
    );
  }
  if (c.certificate) {
    const certPath = resolve(baseDir, c.certificate.cert_file);
    const keyPath = resolve(baseDir, c.certificate.key_file);
    let certificatePem: string;
    let keyPem: string;
    try {
      certificatePem = readFileSync(certPath, 'utf8');
    } catch {
      throw positioned(
        parsed,
        path,
        [...cat, 'certificate', 'cert_file'],
        `cannot read ${certPath}`,
      );
    }
    try {
      keyPem = readFileSync(keyPath, 'utf8');
    } catch {
      throw positioned(parsed, path, [...cat, 'certificate', 'key_file'], `cannot read ${keyPath}`);
    }
    let x509: X509Certificate;
    try {
      x509 = new X509Certificate(certificatePem);
    } catch {
      throw positioned(
        parsed,
        path,
        [...cat, 'certificate', 'cert_file'],
        `${certPath} is not a PEM X.509 certificate`,
      );
    }
    const passphraseVar = c.certificate.key_passphrase_env;
    const passphrase = passphraseVar ? env[passphraseVar] : undefined;
    if (passphraseVar && passphrase === undefined) {
      throw positioned(
        parsed,
        path,
        [...cat, 'certificate', 'key_passphrase_env'],
        `the environment variable ${passphraseVar} is not set`,
      );
    }
    let privateKeyPem: string;
    try {
      // MSAL wants an unencrypted PKCS#8 PEM; decrypt once here.
      const key = createPrivateKey({ key: keyPem, passphrase });
      if (key.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
      privateKeyPem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
    } catch {
      throw positioned(
        parsed,
        path,
        [...cat, 'certificate', 'key_file'],
        `${keyPath} is not an RSA private key in PEM${passphraseVar ? ', or the passphrase is wrong' : ''}`,
        'Entra ID certificate credentials need an RSA key of at least 2048 bits.',
      );
    }
    const der = x509.raw;
    const notAfter = new Date(x509.validTo);
    if (notAfter.getTime() - Date.now() < SECRET_EXPIRY_WARNING_MS) {
      warnings.push(
        `${cat.join('.')}.certificate: the certificate expires on ${notAfter.toISOString().slice(0, 10)}; collection stops then.`,
      );
    }
    return {
      kind: 'certificate',
      certificatePem,
      privateKeyPem: new Secret(privateKeyPem),
      thumbprintSha1: createHash('sha1').update(der).digest('hex').toUpperCase(),
      thumbprintSha256: createHash('sha256').update(der).digest('hex').toUpperCase(),
      notAfter,
    };
  }
  let value: string | undefined;
  if (c.client_secret !== undefined) {
    if (/^<.*>$/.test(c.client_secret)) {
      throw positioned(
        parsed,
        path,
        [...cat, 'client_secret'],
        `replace the placeholder ${c.client_secret} with the secret's value`,
        'Better: put the secret in an environment variable and name it in client_secret_env.',
      );
    }
    value = c.client_secret;
    warnings.push(
      `${cat.join('.')}.client_secret: the secret sits in the configuration file; prefer client_secret_env or client_secret_file.`,
    );
  } else if (c.client_secret_env !== undefined) {
    value = env[c.client_secret_env];
    if (value === undefined || value === '') {
      throw positioned(
        parsed,
        path,
        [...cat, 'client_secret_env'],
        `the environment variable ${c.client_secret_env} is not set`,
      );
    }
  } else if (c.client_secret_file !== undefined) {
    const secretPath = resolve(baseDir, c.client_secret_file);
    try {
      value = readFileSync(secretPath, 'utf8').replace(/\r?\n$/, '');
    } catch {
      throw positioned(
        parsed,
        path,
        [...cat, 'client_secret_file'],
        `cannot read the secret file ${secretPath}`,
      );
    }
    if (value === '')
      throw positioned(
        parsed,
        path,
        [...cat, 'client_secret_file'],
        `the secret file ${secretPath} is empty`,
      );
  }
  const expires = c.client_secret_expires ? new Date(c.client_secret_expires) : undefined;
  if (expires) {
    const left = expires.getTime() - Date.now();
    if (left < 0) {
      warnings.push(
        `${cat.join('.')}: the client secret expired on ${expires.toISOString().slice(0, 10)}; collection fails until you add a new secret (Entra ID > App registrations > your app > Certificates & secrets > New client secret).`,
      );
    } else if (left < SECRET_EXPIRY_WARNING_MS) {
      warnings.push(
        `${cat.join('.')}: the client secret expires on ${expires.toISOString().slice(0, 10)} (in ${Math.ceil(left / 86_400_000)} days); collection stops then. Add a new secret before (Certificates & secrets > New client secret).`,
      );
    }
  }
  return { kind: 'secret', secret: new Secret(value!), expires };
}
