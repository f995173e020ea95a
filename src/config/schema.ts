// The configuration's shape, checked with zod. Messages say what is wrong in the analyst's terms;
// load.ts adds the file position of each problem.
import { z } from 'zod';
import { parseDuration } from '../util/duration.js';
import { parseSize } from '../util/size.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PLACEHOLDER = /^<.*>$/;

function guid(what: string, where: string) {
  return z.string({ error: `${what} is required (${where})` }).check((ctx) => {
    if (PLACEHOLDER.test(ctx.value)) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: `replace the placeholder ${ctx.value} with the ${what} (${where})`,
      });
    } else if (!GUID.test(ctx.value)) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: `${what} must be a GUID like 0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d (${where})`,
      });
    }
  });
}

const duration = (what: string) =>
  z.string().refine((v) => parseDuration(v) !== undefined, {
    message: `${what} must be a duration such as 90s, 5m, 12h or 7d`,
  });

const url = (what: string) =>
  z.string().refine((v) => /^https?:\/\/[^/\s]+/.test(v), {
    message: `${what} must be a base URL such as https://host or http://127.0.0.1:8443`,
  });

export const credentialsSchema = z
  .object({
    tenant_id: guid('tenant id', 'Entra ID > Overview > Tenant ID'),
    client_id: guid(
      'client id',
      'Entra ID > App registrations > your app > Overview > Application (client) ID',
    ),
    client_secret: z.string().optional(),
    client_secret_env: z.string().min(1).optional(),
    client_secret_file: z.string().min(1).optional(),
    client_secret_expires: z
      .string()
      .refine((v) => !Number.isNaN(Date.parse(v)), {
        message: 'client_secret_expires must be a date such as 2027-05-31',
      })
      .optional(),
    certificate: z
      .object({
        cert_file: z.string().min(1),
        key_file: z.string().min(1),
        key_passphrase_env: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const serviceSchema = z.looseObject({ enabled: z.boolean().optional() });

export const instanceSchema = z
  .object({
    id: z
      .union([z.string(), z.number()])
      .transform((v) => String(v))
      .check((ctx) => {
        if (PLACEHOLDER.test(ctx.value)) {
          ctx.issues.push({
            code: 'custom',
            input: ctx.value,
            message: `replace the placeholder ${ctx.value} with a five-digit collector id such as 10001`,
          });
        } else if (!/^\d{5}$/.test(ctx.value)) {
          ctx.issues.push({
            code: 'custom',
            input: ctx.value,
            message: 'the collector id must be a five-digit number such as 10001',
          });
        }
      }),
    enabled: z.boolean().default(true),
    name: z.string().min(1).optional(),
    credentials: credentialsSchema,
    services: z.record(z.string(), serviceSchema),
    cloud: z.enum(['commercial', 'gcc', 'gcchigh', 'dod']).default('commercial'),
    endpoints: z
      .object({
        login: url('endpoints.login').optional(),
        manage: url('endpoints.manage').optional(),
        graph: url('endpoints.graph').optional(),
      })
      .strict()
      .optional(),
    publisher_id: guid(
      'publisher id',
      'the tenant id of the publisher of this collector',
    ).optional(),
    backfill: duration('backfill').optional(),
    poll_interval: duration('poll_interval').optional(),
    overlap: duration('overlap').optional(),
    concurrency: z.number().int().min(1).max(64).optional(),
    requests_per_minute: z.number().int().min(1).optional(),
  })
  .strict();

export const configSchema = z
  .object({
    inputs: z
      .object({
        // One instance or an array of them; load.ts checks each with instanceSchema so that
        // problems are reported inside the instance rather than as "no union member matched".
        office365: z.unknown(),
      })
      .strict(),
    store: z
      .object({
        db: z.string().min(1).optional(),
        url: z.string().min(1).optional(),
        memory_limit: z.string().optional(),
      })
      .strict()
      .optional(),
    // What one query may spend (docs/security.md, "Query limits and jq").
    query: z
      .object({
        timeout: duration('query.timeout').optional(),
        jq_timeout: duration('query.jq_timeout').optional(),
        max_memory: z
          .string()
          .refine((v) => (parseSize(v) ?? 0) >= 16 * 1024 ** 2, {
            message: 'query.max_memory must be a size of at least 16MiB such as 512MiB or 2GiB',
          })
          .optional(),
      })
      .strict()
      .optional(),
    alerts: z.record(z.string(), z.unknown()).optional(),
    server: z.record(z.string(), z.unknown()).optional(),
    respond: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type RawConfig = z.infer<typeof configSchema>;
export type RawInstance = z.infer<typeof instanceSchema>;
