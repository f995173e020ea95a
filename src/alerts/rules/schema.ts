// The shape of a rule file, checked with zod. A rule is data: a LINQ query, a kind with its
// parameters, the entities it names, how hits group into alerts, the response it suggests, the
// tunables a tenant may override, and the records that must (and must not) fire it.
// load.ts adds the file position of each problem; semantics that zod cannot see (a LINQ query
// that does not compile, a `$tunable` that is not declared) are checked there too.
import { z } from 'zod';
import { parseDuration } from '../../util/duration.js';

export const SEVERITIES = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const KINDS = ['each', 'threshold', 'inactivity', 'sequence'] as const;
export type RuleKind = (typeof KINDS)[number];

/** What an alert can name; `user` and `ip` are what triage and response key on. */
export const ENTITY_KINDS = ['user', 'ip', 'file', 'mailbox', 'application'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** Responses the respond module knows how to carry out (the others are advice for a person). */
export const RESPONSE_ACTIONS = [
  'disable-user',
  'revoke-sessions',
  'remove-sharing-links',
  'remove-inbox-rule',
  'remove-mailbox-forwarding',
  'revoke-app-consent',
  'restore-files',
  'review',
] as const;

/** MITRE ATT&CK tactics that prefix rule file names, plus `health` for data-flow rules. */
export const TACTICS = [
  'initial-access',
  'execution',
  'persistence',
  'privilege-escalation',
  'defense-evasion',
  'credential-access',
  'discovery',
  'lateral-movement',
  'collection',
  'command-and-control',
  'exfiltration',
  'impact',
  'health',
] as const;

const TUNABLE_REF = /^\$[A-Za-z_][A-Za-z0-9_]*$/;

/** A duration (`10m`) or a reference to a duration tunable (`$window`). */
const durationParam = z
  .string({ error: 'a duration such as 5m, 1h or 7d (or a $tunable)' })
  .refine((v) => TUNABLE_REF.test(v) || parseDuration(v) !== undefined, {
    message: 'must be a duration such as 90s, 5m, 1h or 7d, or a $tunable',
  });

/** A whole number ≥ 1, or a reference to a number tunable. */
const countParam = z.union(
  [
    z.number().int().min(1),
    z.string().regex(TUNABLE_REF, { message: 'must be a whole number or a $tunable' }),
  ],
  { error: 'must be a whole number (≥ 1) or a $tunable' },
);

/** A LINQ expression over the query's columns (a column name is the simplest one). */
const expression = z.string().min(1, { message: 'must be a LINQ expression (a column name)' });
const keyList = z.array(expression).min(1, { message: 'name at least one key expression' });

const entities = z
  .object(Object.fromEntries(ENTITY_KINDS.map((k) => [k, expression.optional()])))
  .strict() as z.ZodType<Partial<Record<EntityKind, string>>>;

const query = z
  .string({ error: 'the LINQ query is required' })
  .min(1)
  .refine((q) => /^\s*(\/\/[^\n]*\n\s*)*from\s/.test(q), {
    message: 'must be a LINQ query starting with `from <table>`',
  });

export const thresholdSchema = z
  .object({
    by: keyList,
    /** Count distinct values of this expression instead of rows. */
    distinct: expression.optional(),
    min: countParam,
    window: durationParam,
  })
  .strict();

export const inactivitySchema = z
  .object({
    by: keyList,
    period: durationParam,
    /** `ingest`: silence is measured on data arrival; `event`: on event time minus a grace. */
    basis: z.enum(['ingest', 'event']).default('ingest'),
    grace: durationParam.optional(),
    /** Keys silent this long (after alerting) are forgotten. */
    forget: durationParam.optional(),
  })
  .strict();

export const stepSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, { message: 'a lower-case name such as spray' }),
    query,
    by: keyList,
    min: countParam.optional(),
    distinct: expression.optional(),
    /** The step's `min` must be reached within this much event time (a burst, not a trickle). */
    window: durationParam.optional(),
    entities: entities.optional(),
  })
  .strict();

export const sequenceSchema = z
  .object({
    within: durationParam,
    steps: z.array(stepSchema).min(2, { message: 'a sequence has at least two steps' }),
  })
  .strict();

export const tunableSchema = z
  .object({
    type: z.enum(['number', 'string', 'strings', 'duration', 'boolean']).optional(),
    default: z.union([z.number(), z.string(), z.boolean(), z.array(z.string())]),
    description: z.string().min(1, { message: 'say what the tunable changes' }),
  })
  .strict();

/** A record in a test: a raw Management API record, or a template repeated with `{i}`. */
const testRecord = z.union([
  z
    .object({
      repeat: z.number().int().min(1).max(10_000),
      every: durationParam.optional(),
      record: z.record(z.string(), z.unknown()),
    })
    .strict(),
  z.record(z.string(), z.unknown()),
]);

const testBatch = z.union([
  z.array(testRecord),
  z
    .object({
      /** The engine's clock when it evaluates this batch (inactivity). */
      now: z.string().optional(),
      records: z.array(testRecord).default([]),
    })
    .strict(),
]);

const expectation = z.union([
  z.number().int().min(0),
  z
    .object({
      alerts: z.number().int().min(0),
      user: z.string().optional(),
      ip: z.string().optional(),
      count: z.number().int().min(0).optional(),
      recovered: z.number().int().min(0).optional(),
    })
    .strict(),
]);

export const testCaseSchema = z
  .object({
    name: z.string().min(1),
    expect: expectation,
    tuning: z.record(z.string(), z.unknown()).optional(),
    records: z.array(testRecord).optional(),
    batches: z.array(testBatch).optional(),
    now: z.string().optional(),
  })
  .strict()
  .refine((c) => (c.records === undefined) !== (c.batches === undefined), {
    message: 'give either records or batches',
  });

export const ruleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, {
      message: 'an id such as exfiltration/collection-mass-download (pack/file name)',
    }),
    title: z.string().min(1),
    description: z.string().min(1),
    severity: z.enum(SEVERITIES),
    enabled: z.boolean().default(true),
    mitre: z
      .array(
        z.string().regex(/^T\d{4}(\.\d{3})?$/, { message: 'a technique id such as T1114.003' }),
      )
      .min(1, { message: 'name at least one MITRE ATT&CK technique' }),
    /** Catalogue ids of docs/detections.md (A1…H2) or gap names (gap:…). */
    catalog: z.array(z.string().regex(/^([A-H]\d{1,2}|gap:[a-z-]+|seed:\d)$/)).default([]),
    kind: z.enum(KINDS),
    query: query.optional(),
    threshold: thresholdSchema.optional(),
    inactivity: inactivitySchema.optional(),
    sequence: sequenceSchema.optional(),
    entities: entities.default({}),
    group: z
      .object({
        /** Entity names or key expressions: hits with the same values join one alert. */
        by: z.array(expression).optional(),
        /** Hits of one key closer than this (event time) join the same alert. */
        window: durationParam.default('1h'),
      })
      .strict()
      .default({ window: '1h' }),
    evidence: z.number().int().min(1).max(200).default(20),
    response: z
      .array(
        z
          .object({
            action: z.enum(RESPONSE_ACTIONS),
            entity: z.enum(ENTITY_KINDS).optional(),
            note: z.string().optional(),
          })
          .strict(),
      )
      .default([]),
    references: z.array(z.string()).default([]),
    tunables: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), tunableSchema).default({}),
    tests: z.array(testCaseSchema).default([]),
  })
  .strict()
  .superRefine((rule, ctx) => {
    const need = (field: 'threshold' | 'inactivity' | 'sequence') => {
      if (rule.kind === field && rule[field] === undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: `a ${field} rule needs ${field}:` });
      }
      if (rule.kind !== field && rule[field] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `${field}: belongs to ${field} rules only (this rule is ${rule.kind})`,
        });
      }
    };
    need('threshold');
    need('inactivity');
    need('sequence');
    if (rule.kind === 'sequence') {
      if (rule.query !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['query'],
          message: 'a sequence rule has one query per step (sequence.steps[].query)',
        });
      }
    } else if (rule.query === undefined) {
      ctx.addIssue({ code: 'custom', path: ['query'], message: 'the LINQ query is required' });
    }
  });

export type RuleFile = z.infer<typeof ruleSchema>;
export type ThresholdParams = z.infer<typeof thresholdSchema>;
export type InactivityParams = z.infer<typeof inactivitySchema>;
export type SequenceParams = z.infer<typeof sequenceSchema>;
export type SequenceStep = z.infer<typeof stepSchema>;
export type TunableDef = z.infer<typeof tunableSchema>;
export type RuleTestCase = z.infer<typeof testCaseSchema>;
export type TestRecord = z.infer<typeof testRecord>;
export type TestBatch = z.infer<typeof testBatch>;

export const packManifestSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9-]+$/),
    title: z.string().min(1),
    description: z.string().min(1),
  })
  .strict();
export type PackManifest = z.infer<typeof packManifestSchema>;
