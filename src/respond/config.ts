// The configuration's `respond` section, checked here with positioned errors (load.ts keeps it
// free-form so that each area owns its own section). Everything that acts without a person is off
// unless written down: auto-approval is per rule and empty by default.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { CollectorInstance, ResolvedConfig } from '../config/load.js';
import { parseJsonc, positionOf } from '../config/parse-jsonc.js';
import { parseDuration } from '../util/duration.js';
import { M365HuntError } from '../util/errors.js';

const duration = (what: string) =>
  z.string().refine((v) => parseDuration(v) !== undefined, {
    message: `${what} must be a duration such as 30m, 12h or 7d`,
  });

const respondSchema = z
  .object({
    /** Tenants that may be acted on (their name in the config, or their tenant id); default: all. */
    tenants: z.array(z.string().min(1)).optional(),
    /**
     * Rules whose suggested responses run without a person's approval: rule ids, or `pack/*`.
     * Empty by default: every action waits for a responder.
     */
    auto_approve: z.array(z.string().regex(/^[A-Za-z0-9_.-]+\/(\*|[A-Za-z0-9_.-]+)$/)).default([]),
    /** Turn the responses that rules suggest into proposals awaiting approval (the server does). */
    propose_from_alerts: z.boolean().default(true),
    /** How often the server looks for new alerts with a suggested response. */
    interval: duration('interval').default('1m'),
    /** The default period of sharing to remove, back from now. */
    since: duration('since').default('7d'),
    /** Accounts never acted on (break-glass administrators), by UPN. */
    protected_users: z.array(z.string().min(3)).default([]),
    /** Most drive items one action looks at (each costs a few Graph calls). */
    max_items: z.number().int().min(1).max(10_000).default(500),
    /**
     * Four eyes: whoever proposed an action may not approve it; a second person does. Off only
     * where one person runs everything (a lab, a demo for one).
     */
    four_eyes: z.boolean().default(true),
  })
  .strict();

type RawRespond = z.output<typeof respondSchema>;

export interface RespondConfig {
  readonly tenants: readonly string[] | null;
  readonly autoApprove: readonly string[];
  readonly proposeFromAlerts: boolean;
  readonly intervalMs: number;
  readonly since: string;
  readonly sinceMs: number;
  readonly protectedUsers: ReadonlySet<string>;
  readonly maxItems: number;
  readonly fourEyes: boolean;
}

function fromRaw(raw: RawRespond): RespondConfig {
  return {
    tenants: raw.tenants ?? null,
    autoApprove: raw.auto_approve,
    proposeFromAlerts: raw.propose_from_alerts,
    intervalMs: parseDuration(raw.interval)!,
    since: raw.since,
    sinceMs: parseDuration(raw.since)!,
    protectedUsers: new Set(raw.protected_users.map((u) => u.toLowerCase())),
    maxItems: raw.max_items,
    fourEyes: raw.four_eyes,
  };
}

export const DEFAULT_RESPOND_CONFIG: RespondConfig = fromRaw(respondSchema.parse({}));

/** The respond section of a loaded configuration, checked; errors name the line and column. */
export function respondConfig(config: ResolvedConfig | undefined): RespondConfig {
  if (!config) return DEFAULT_RESPOND_CONFIG;
  const result = respondSchema.safeParse(config.respond);
  if (result.success) {
    const resolved = fromRaw(result.data);
    for (const [index, t] of (resolved.tenants ?? []).entries()) {
      if (!config.instances.some((i) => matchesTenant(i, t))) {
        throw positioned(config, [
          {
            path: ['tenants', index],
            message: `no configured tenant is named ${t} (names: ${config.instances.map((i) => i.name).join(', ')})`,
          },
        ]);
      }
    }
    return resolved;
  }
  throw positioned(
    config,
    result.error.issues.map((issue) => ({
      path: issue.path.filter((p): p is string | number => typeof p !== 'symbol'),
      message: issue.message,
    })),
  );
}

function positioned(
  config: ResolvedConfig,
  issues: ReadonlyArray<{ path: Array<string | number>; message: string }>,
): M365HuntError {
  let parsed: ReturnType<typeof parseJsonc> | undefined;
  try {
    parsed = parseJsonc(readFileSync(config.file, 'utf8'), config.file);
  } catch {
    parsed = undefined;
  }
  const where = (path: Array<string | number>) =>
    parsed ? positionOf(parsed, ['respond', ...path]) : undefined;
  const lines = issues.map((issue) => {
    const pos = where(issue.path);
    return `${pos ? `${pos.line}:${pos.column} ` : ''}${['respond', ...issue.path].join('.')}: ${issue.message}`;
  });
  const first = issues[0] ? where(issues[0].path) : undefined;
  return new M365HuntError(
    `The respond section of the configuration is not valid:\n  ${lines.join('\n  ')}`,
    { position: { source: config.file, ...first } },
  );
}

export function matchesTenant(instance: CollectorInstance, nameOrId: string): boolean {
  const key = nameOrId.toLowerCase();
  return instance.name.toLowerCase() === key || instance.tenantId === key;
}

/** Whether a rule's suggested responses run without a person (`auto_approve`). */
export function autoApproved(config: RespondConfig, rule: string): boolean {
  return config.autoApprove.some(
    (pattern) =>
      pattern === rule || (pattern.endsWith('/*') && rule.startsWith(pattern.slice(0, -1))),
  );
}
