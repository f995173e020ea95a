// The `server` section of the configuration, validated here with positioned errors (load.ts keeps
// it free-form so that each area owns its own section).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ResolvedConfig } from '../config/load.js';
import { parseJsonc, positionOf } from '../config/parse-jsonc.js';
import { parseDuration } from '../util/duration.js';
import { M365HuntError } from '../util/errors.js';

const duration = (what: string) =>
  z
    .string()
    .refine((v) => parseDuration(v) !== undefined, {
      message: `${what} must be a duration such as 30m, 8h or 1d`,
    })
    .transform((v) => parseDuration(v)!);

const serverSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    /** Most rows one query answer streams. */
    max_rows: z.number().int().min(1).max(10_000_000).default(100_000),
    session_idle: duration('session_idle').default(8 * 3_600_000),
    session_max: duration('session_max').default(24 * 3_600_000),
    /** Secure cookies: auto = when the request came over https. */
    secure_cookies: z.union([z.literal('auto'), z.boolean()]).default('auto'),
    /** Behind a reverse proxy: trust X-Forwarded-For / X-Forwarded-Proto. */
    trust_proxy: z.boolean().default(false),
    /** Sign-in limits (docs/security.md, "Sign-in"). */
    login: z
      .object({
        window: duration('login.window').default(15 * 60_000),
        /** Failures for one account from one address per window, then that pair waits. */
        per_account_address: z.number().int().min(1).default(5),
        /** Failures from one address per window (any names), then that address waits. */
        per_address: z.number().int().min(1).default(20),
        /** Failures for one account from every address before its attempts are slowed down. */
        per_account: z.number().int().min(1).default(10),
        /** The longest wait between two attempts on a slowed-down account. */
        backoff_max: duration('login.backoff_max').default(60_000),
      })
      .strict()
      .default({
        window: 15 * 60_000,
        per_account_address: 5,
        per_address: 20,
        per_account: 10,
        backoff_max: 60_000,
      }),
    /** Run the collectors in the server process (off: another process collects). */
    collect: z.boolean().default(true),
  })
  .strict();

export type ServerSettings = z.output<typeof serverSchema>;

export const DEFAULT_SETTINGS: ServerSettings = serverSchema.parse({});

/** The server section of a loaded configuration, checked; errors name the line and column. */
export function serverSettings(config: ResolvedConfig | undefined): ServerSettings {
  if (!config) return DEFAULT_SETTINGS;
  const result = serverSchema.safeParse(config.server);
  if (result.success) return result.data;
  let parsed: ReturnType<typeof parseJsonc> | undefined;
  try {
    parsed = parseJsonc(readFileSync(config.file, 'utf8'), config.file);
  } catch {
    parsed = undefined;
  }
  const lines = result.error.issues.map((issue) => {
    const at = ['server', ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')];
    const pos = parsed ? positionOf(parsed, at) : undefined;
    return `${pos ? `${pos.line}:${pos.column} ` : ''}${at.join('.')}: ${issue.message}`;
  });
  const first = result.error.issues[0];
  const firstPos =
    parsed && first
      ? positionOf(parsed, [
          'server',
          ...first.path.filter((p): p is string | number => typeof p !== 'symbol'),
        ])
      : undefined;
  throw new M365HuntError(
    `The server section of the configuration is not valid:\n  ${lines.join('\n  ')}`,
    {
      position: { source: config.file, ...firstPos },
    },
  );
}
