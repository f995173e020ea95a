// The configuration's `alerts` section: which packs run for which tenant, rule overrides (enable,
// severity, tunables) without copying a rule, the engine's timing, and notification targets whose
// secrets (webhook URLs carry tokens, SMTP passwords) come from the environment or a file.
// Problems name their position in the configuration file, as the rest of the config does.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import type { ResolvedConfig } from '../config/load.js';
import { parseJsonc, positionOf } from '../config/parse-jsonc.js';
import { Secret } from '../config/secret.js';
import { parseDuration } from '../util/duration.js';
import { M365HuntError } from '../util/errors.js';
import { SEVERITIES, type Severity } from './rules/schema.js';

const duration = (what: string) =>
  z.string().refine((v) => parseDuration(v) !== undefined, {
    message: `${what} must be a duration such as 30s, 5m or 1h`,
  });

const ruleOverride = z
  .object({
    enabled: z.boolean().optional(),
    severity: z.enum(SEVERITIES).optional(),
    tuning: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const tenantSection = z
  .object({
    enabled: z.boolean().optional(),
    packs: z.array(z.string()).optional(),
    rules: z.record(z.string(), ruleOverride).optional(),
  })
  .strict();

/** A secret given inline (warned about), by environment variable, or by file. */
const secretFields = (name: string) => ({
  [name]: z.string().min(1).optional(),
  [`${name}_env`]: z.string().min(1).optional(),
  [`${name}_file`]: z.string().min(1).optional(),
});

const filters = {
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/)
    .optional(),
  min_severity: z.enum(SEVERITIES).optional(),
  packs: z.array(z.string()).optional(),
  rules: z.array(z.string()).optional(),
  tenants: z.array(z.string()).optional(),
};

const httpTarget = (type: 'webhook' | 'slack' | 'teams') =>
  z
    .object({
      type: z.literal(type),
      ...filters,
      ...secretFields('url'),
      /** Extra headers; values from the environment (an API key), never printed. */
      headers_env: z.record(z.string(), z.string()).optional(),
      timeout: duration('timeout').optional(),
    })
    .strict();

const emailTarget = z
  .object({
    type: z.literal('email'),
    ...filters,
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
    secure: z.boolean().default(false),
    /** Refuse servers without STARTTLS (when not `secure`). */
    require_tls: z.boolean().default(false),
    user: z.string().optional(),
    ...secretFields('password'),
    from: z.string().min(3),
    to: z.array(z.string().min(3)).min(1),
    timeout: duration('timeout').optional(),
  })
  .strict();

const targetSchema = z.discriminatedUnion('type', [
  httpTarget('webhook'),
  httpTarget('slack'),
  httpTarget('teams'),
  emailTarget,
]);

export const alertsConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Packs enabled for every tenant (default: all). */
    packs: z.array(z.string()).optional(),
    /** More folders of packs (each holds pack folders), relative to the configuration file. */
    packs_dirs: z.array(z.string()).default([]),
    rules: z.record(z.string(), ruleOverride).default({}),
    /** Per tenant (by its name in the config, or its tenant id): packs and rule overrides. */
    tenants: z.record(z.string(), tenantSection).default({}),
    engine: z
      .object({
        /** Wait this long after a commit before evaluating (commits in a burst share one run). */
        debounce: duration('debounce').default('20s'),
        /** Evaluate at least this often, even without new data (inactivity rules need it). */
        interval: duration('interval').default('1m'),
        /** Largest ingest range evaluated in one step (backfills are cut into steps). */
        chunk: z.number().int().min(1000).default(500_000),
      })
      .strict()
      .default({ debounce: '20s', interval: '1m', chunk: 500_000 }),
    notify: z.array(targetSchema).default([]),
    notify_retry: z
      .object({
        /** Attempts before a notification is given up (and recorded as failed). */
        attempts: z.number().int().min(1).max(50).default(12),
        /** First retry delay; each retry doubles it, up to `max_delay`. */
        delay: duration('delay').default('30s'),
        max_delay: duration('max_delay').default('1h'),
      })
      .strict()
      .default({ attempts: 12, delay: '30s', max_delay: '1h' }),
  })
  .strict();

export type RawAlertsConfig = z.infer<typeof alertsConfigSchema>;
export type RuleOverride = z.infer<typeof ruleOverride>;

interface TargetBase {
  readonly name: string;
  readonly minSeverity: Severity;
  readonly packs?: readonly string[];
  readonly rules?: readonly string[];
  readonly tenants?: readonly string[];
  readonly timeoutMs: number;
}

export type NotifyTarget =
  | (TargetBase & {
      readonly type: 'webhook' | 'slack' | 'teams';
      readonly url: Secret;
      readonly headers: ReadonlyMap<string, Secret>;
    })
  | (TargetBase & {
      readonly type: 'email';
      readonly host: string;
      readonly port: number;
      readonly secure: boolean;
      readonly requireTls: boolean;
      readonly user?: string;
      readonly password?: Secret;
      readonly from: string;
      readonly to: readonly string[];
    });

export interface TenantAlerts {
  /** The tenant's label (the `client` column), matched against the rows. */
  readonly client: string;
  readonly tenantId: string;
  readonly enabled: boolean;
  readonly packs?: readonly string[];
  readonly rules: Readonly<Record<string, RuleOverride>>;
}

export interface AlertsConfig {
  readonly enabled: boolean;
  readonly packs?: readonly string[];
  readonly packsDirs: readonly string[];
  readonly rules: Readonly<Record<string, RuleOverride>>;
  /** Tenants with settings of their own; every other tenant gets the defaults. */
  readonly tenants: readonly TenantAlerts[];
  /** Client label → tenant id, for every configured collector instance. */
  readonly tenantIds: ReadonlyMap<string, string>;
  readonly engine: {
    readonly debounceMs: number;
    readonly intervalMs: number;
    readonly chunk: number;
  };
  readonly notify: readonly NotifyTarget[];
  readonly retry: {
    readonly attempts: number;
    readonly delayMs: number;
    readonly maxDelayMs: number;
  };
  readonly warnings: readonly string[];
}

/** The defaults: every bundled pack for every tenant, no notification. */
export function defaultAlertsConfig(tenantIds = new Map<string, string>()): AlertsConfig {
  return resolveSection(alertsConfigSchema.parse({}), tenantIds, undefined, process.env);
}

/** Resolves the `alerts` section of a loaded configuration (or the defaults when absent). */
export function alertsConfigFrom(
  config: ResolvedConfig | undefined,
  env: NodeJS.ProcessEnv = process.env,
): AlertsConfig {
  const tenantIds = new Map<string, string>();
  for (const i of config?.instances ?? []) tenantIds.set(i.name, i.tenantId);
  if (!config) return defaultAlertsConfig(tenantIds);
  const result = alertsConfigSchema.safeParse(config.alerts);
  if (!result.success) {
    const parsed = tryParse(config.file);
    const lines = result.error.issues.map((issue) => {
      const path = [
        'alerts',
        ...issue.path.filter((p): p is string | number => typeof p !== 'symbol'),
      ];
      const pos = parsed ? positionOf(parsed, path) : undefined;
      return `${pos ? `${pos.line}:${pos.column} ` : ''}${path.join('.')}: ${issue.message}`;
    });
    const first = result.error.issues[0];
    const pos =
      parsed && first
        ? positionOf(parsed, [
            'alerts',
            ...first.path.filter((p): p is string | number => typeof p !== 'symbol'),
          ])
        : undefined;
    throw new M365HuntError(`The alerts configuration is not valid:\n  ${lines.join('\n  ')}`, {
      position: { source: config.file, ...pos },
    });
  }
  return resolveSection(result.data, tenantIds, config.file, env);
}

function tryParse(file: string) {
  try {
    return parseJsonc(readFileSync(file, 'utf8'), file);
  } catch {
    return undefined;
  }
}

function resolveSection(
  raw: RawAlertsConfig,
  tenantIds: ReadonlyMap<string, string>,
  file: string | undefined,
  env: NodeJS.ProcessEnv,
): AlertsConfig {
  const warnings: string[] = [];
  const base = file ? dirname(file) : process.cwd();
  const positioned = (path: ReadonlyArray<string | number>, message: string, hint?: string) => {
    const parsed = file ? tryParse(file) : undefined;
    const pos = parsed ? positionOf(parsed, ['alerts', ...path]) : undefined;
    return new M365HuntError(`alerts.${path.join('.')}: ${message}`, {
      position: file ? { source: file, ...pos } : undefined,
      hint,
    });
  };
  const tenants: TenantAlerts[] = Object.entries(raw.tenants).map(([name, section]) => {
    let client = name;
    let tenantId = tenantIds.get(name);
    if (!tenantId) {
      // Also accept the tenant id: find the instance label that carries it.
      const byId = [...tenantIds].find(([, id]) => id === name.toLowerCase());
      if (byId) [client, tenantId] = byId;
    }
    if (!tenantId && tenantIds.size > 0) {
      throw positioned(
        ['tenants', name],
        `no collector instance is named ${name} or has that tenant id`,
        `Known: ${[...tenantIds.keys()].join(', ')}`,
      );
    }
    return {
      client,
      tenantId: tenantId ?? name,
      enabled: section.enabled ?? true,
      packs: section.packs,
      rules: section.rules ?? {},
    };
  });
  const secret = (
    target: Record<string, unknown>,
    field: string,
    at: ReadonlyArray<string | number>,
    required: boolean,
  ): Secret | undefined => {
    const inline = target[field] as string | undefined;
    const envName = target[`${field}_env`] as string | undefined;
    const fileName = target[`${field}_file`] as string | undefined;
    const given = [inline, envName, fileName].filter((v) => v !== undefined).length;
    if (given > 1) throw positioned(at, `give only one of ${field}, ${field}_env, ${field}_file`);
    if (given === 0) {
      if (required) {
        throw positioned(
          at,
          `${field}_env or ${field}_file is required`,
          'Keep tokens out of the configuration: name an environment variable or a file.',
        );
      }
      return undefined;
    }
    if (inline !== undefined) {
      warnings.push(
        `alerts.${at.join('.')}.${field}: the secret sits in the configuration file; prefer ${field}_env or ${field}_file.`,
      );
      return new Secret(inline);
    }
    if (envName !== undefined) {
      const value = env[envName];
      if (value === undefined || value === '') {
        throw positioned([...at, `${field}_env`], `the environment variable ${envName} is not set`);
      }
      return new Secret(value);
    }
    const path = resolve(base, fileName!);
    let value: string;
    try {
      value = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch {
      throw positioned([...at, `${field}_file`], `cannot read the secret file ${path}`);
    }
    if (value === '')
      throw positioned([...at, `${field}_file`], `the secret file ${path} is empty`);
    return new Secret(value);
  };
  const names = new Set<string>();
  const notify: NotifyTarget[] = raw.notify.map((t, i) => {
    const at = ['notify', i];
    const name = t.name ?? `${t.type}-${i + 1}`;
    if (names.has(name)) throw positioned([...at, 'name'], `the target name ${name} is used twice`);
    names.add(name);
    const common: TargetBase = {
      name,
      minSeverity: t.min_severity ?? 'low',
      packs: t.packs,
      rules: t.rules,
      tenants: t.tenants,
      timeoutMs: parseDuration(t.timeout ?? '15s')!,
    };
    if (t.type === 'email') {
      const password = secret(t, 'password', at, false);
      if (password && !t.user) throw positioned(at, 'a password needs a user');
      return {
        ...common,
        type: 'email',
        host: t.host,
        port: t.port,
        secure: t.secure,
        requireTls: t.require_tls,
        user: t.user,
        password,
        from: t.from,
        to: t.to,
      };
    }
    const url = secret(t, 'url', at, true)!;
    if (!/^https?:\/\/[^/\s]+/.test(url.reveal())) {
      throw positioned(at, 'the URL must start with https:// (or http:// for a local receiver)');
    }
    const headers = new Map<string, Secret>();
    for (const [header, envName] of Object.entries(t.headers_env ?? {})) {
      const value = env[envName];
      if (value === undefined) {
        throw positioned(
          [...at, 'headers_env', header],
          `the environment variable ${envName} is not set`,
        );
      }
      headers.set(header, new Secret(value));
    }
    return { ...common, type: t.type, url, headers };
  });
  return {
    enabled: raw.enabled,
    packs: raw.packs,
    packsDirs: raw.packs_dirs.map((d) => resolve(base, d)),
    rules: raw.rules,
    tenants,
    tenantIds,
    engine: {
      debounceMs: parseDuration(raw.engine.debounce)!,
      intervalMs: parseDuration(raw.engine.interval)!,
      chunk: raw.engine.chunk,
    },
    notify,
    retry: {
      attempts: raw.notify_retry.attempts,
      delayMs: parseDuration(raw.notify_retry.delay)!,
      maxDelayMs: parseDuration(raw.notify_retry.max_delay)!,
    },
    warnings,
  };
}
