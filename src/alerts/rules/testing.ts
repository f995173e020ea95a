// Rule tests: each rule carries records that must fire it and records that must not. A test case
// runs the real path — the records are ingested into a fresh store through `Store.ingest`, the
// engine evaluates the rule (once per batch, so late data can be tested), and the stored alerts
// are checked. `m365hunt rules test` and the Vitest suite both run this.
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../store/open.js';
import { createCatalog, MANAGEMENT, type TableFamily } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import { parseDuration } from '../../util/duration.js';
import { createLogger } from '../../util/log.js';
import { defaultAlertsConfig } from '../config.js';
import { AlertEngine } from '../engine/engine.js';
import { listAlerts } from '../store/alert-store.js';
import type { AlertView } from '../store/model.js';
import type { Rule } from './load.js';
import type { RulePlan } from './profiles.js';
import type { RuleTestCase, TestBatch, TestRecord } from './schema.js';
import { resolveTunables } from './tunables.js';

export const TEST_TENANT = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
export const TEST_CLIENT = 'contoso';
export const TEST_HOSTCHAIN = 'collector-12345-testhost';

export interface CaseResult {
  readonly rule: string;
  readonly name: string;
  readonly ok: boolean;
  /** What went wrong (or what was found). */
  readonly message: string;
  readonly alerts: readonly AlertView[];
}

/** Opens an empty store for one test case; the default is a DuckDB file in `dir`. */
export type StoreOpener = (name: string) => Promise<{ store: Store; dispose(): void }>;

export function duckdbOpener(dir: string): StoreOpener {
  let n = 0;
  return async (name) => {
    const file = join(
      dir,
      `${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}-${process.pid}-${n++}.duckdb`,
    );
    const store = await openStore(file, { duckdb: { threads: 1 } });
    return {
      store,
      dispose: () => {
        rmSync(file, { force: true });
        rmSync(`${file}.wal`, { force: true });
      },
    };
  };
}

function parseTime(text: string): number {
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
}

/** Microsoft's CreationTime format: UTC, seconds, no zone. */
function creationTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

function stableId(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function substitute(value: unknown, i: number): unknown {
  if (typeof value === 'string') return value.replace(/\{i\}/g, String(i));
  if (Array.isArray(value)) return value.map((v) => substitute(v, i));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, i)]));
  }
  return value;
}

function isRepeat(
  item: TestRecord,
): item is { repeat: number; every?: string; record: Record<string, unknown> } {
  return typeof item.repeat === 'number' && typeof item.record === 'object' && item.record !== null;
}

/**
 * The table family of a test record: `_table` (a LINQ table name such as
 * `cloud.azure.ad.signin`) when the record names one, else `fallback` (the rule's own table).
 */
function familyOf(record: Record<string, unknown>, fallback: TableFamily): TableFamily {
  const table = record._table;
  if (typeof table !== 'string') return fallback;
  const resolved = CATALOG.resolve(table);
  if (!resolved) throw new Error(`_table: unknown table ${table}`);
  return resolved.family;
}

/** A family's time in the form its source writes: Graph's ISO with Z, else Microsoft's CreationTime. */
function timeText(family: TableFamily, ms: number): string {
  return family.id === MANAGEMENT.id ? creationTime(ms) : `${creationTime(ms)}Z`;
}

/**
 * Test records as raw JSON: repeats expanded (`{i}` = index), missing ids filled in (the id and
 * time fields of each record's family: `Id`/`CreationTime`, or `id`/`createdDateTime`, …).
 */
export function expandRecords(
  items: readonly TestRecord[],
  seed: string,
  fallback: TableFamily = MANAGEMENT,
): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  items.forEach((item, k) => {
    if (isRepeat(item)) {
      const family = familyOf(item.record, fallback);
      const { idPath, timePath } = family;
      const step = item.every ? (parseDuration(item.every) ?? 0) : 0;
      const start =
        typeof item.record[timePath] === 'string' ? parseTime(item.record[timePath]) : NaN;
      for (let i = 0; i < item.repeat; i++) {
        const r = substitute(item.record, i) as Record<string, unknown>;
        if (!Number.isNaN(start)) r[timePath] = timeText(family, start + i * step);
        r[idPath] =
          typeof item.record[idPath] === 'string'
            ? `${item.record[idPath]}-${i}`
            : stableId(`${seed}|${k}|${i}`);
        out.push(r);
      }
    } else {
      const r = { ...item } as Record<string, unknown>;
      const { idPath } = familyOf(r, fallback);
      if (typeof r[idPath] !== 'string') r[idPath] = stableId(`${seed}|${k}`);
      out.push(r);
    }
  });
  return out;
}

function batchesOf(test: RuleTestCase): Array<{ now?: string; records: readonly TestRecord[] }> {
  if (test.records) return [{ ...(test.now ? { now: test.now } : {}), records: test.records }];
  return (test.batches ?? []).map((b: TestBatch) => (Array.isArray(b) ? { records: b } : b));
}

function latestTime(
  records: ReadonlyArray<Record<string, unknown>>,
  fallback: TableFamily,
): number | undefined {
  let max: number | undefined;
  for (const r of records) {
    const { timePath } = familyOf(r, fallback);
    const value = r[timePath];
    const t = typeof value === 'string' ? parseTime(value) : NaN;
    if (!Number.isNaN(t) && (max === undefined || t > max)) max = t;
  }
  return max;
}

const CATALOG = createCatalog();

/**
 * Test records' default family: the one the rule reads when all its queries read one family
 * (a rule on `cloud.azure.ad.signin` takes sign-ins as they are); otherwise the Management API's,
 * and records of other tables say theirs with `_table`.
 */
function ruleFamily(rule: Rule): TableFamily {
  const texts = rule.def.query
    ? [rule.def.query]
    : (rule.def.sequence?.steps ?? []).map((s) => s.query);
  const families = new Set(
    texts.map((text) => {
      const table = /^\s*(?:\/\/[^\n]*\n\s*)*from\s+(\S+)/.exec(text)?.[1];
      return (table && CATALOG.resolve(table)?.family) || MANAGEMENT;
    }),
  );
  return families.size === 1 ? [...families][0]! : MANAGEMENT;
}

function check(test: RuleTestCase, alerts: readonly AlertView[]): string | undefined {
  const e = typeof test.expect === 'number' ? { alerts: test.expect } : test.expect;
  const names = (a: AlertView, kind: 'user' | 'ip') =>
    (a.entities[kind] ?? []).map((v) => v.toLowerCase());
  if (alerts.length !== e.alerts) {
    return `expected ${e.alerts} alert(s), got ${alerts.length}${alerts.length ? ` (${alerts.map((a) => `${a.group_key || a.id}: ${a.count} events`).join('; ')})` : ''}`;
  }
  if (e.user && !alerts.some((a) => names(a, 'user').includes(e.user!.toLowerCase()))) {
    return `no alert names the user ${e.user} (users: ${alerts.flatMap((a) => a.entities.user ?? []).join(', ') || 'none'})`;
  }
  if (e.ip && !alerts.some((a) => names(a, 'ip').includes(e.ip!.toLowerCase()))) {
    return `no alert names the IP ${e.ip} (IPs: ${alerts.flatMap((a) => a.entities.ip ?? []).join(', ') || 'none'})`;
  }
  if (e.count !== undefined && !alerts.some((a) => a.count === e.count)) {
    return `no alert counts ${e.count} events (counts: ${alerts.map((a) => a.count).join(', ')})`;
  }
  if (e.recovered !== undefined) {
    const n = alerts.filter((a) => a.recovered !== null).length;
    if (n !== e.recovered) return `expected ${e.recovered} recovered alert(s), got ${n}`;
  }
  return undefined;
}

/**
 * Runs one test case of a rule. Cases of a rule share a store: each case is a tenant of its own
 * (its own `client` label), and the engine evaluates the rule for that tenant only.
 */
export async function runCase(
  rule: Rule,
  test: RuleTestCase,
  store: Store,
  n: number,
): Promise<CaseResult> {
  const client = n === 0 ? TEST_CLIENT : `${TEST_CLIENT}-case${n}`;
  const tenant = n === 0 ? TEST_TENANT : stableId(`tenant|${n}`);
  try {
    const tuning = resolveTunables(rule.def.tunables, test.tuning);
    const plan: RulePlan = {
      rule,
      profiles: [{ rule, scope: { only: [client] }, severity: rule.def.severity, tuning }],
    };
    const config = defaultAlertsConfig(new Map([[client, tenant]]));
    let now = new Date();
    const engine = new AlertEngine({
      store,
      plans: [plan],
      config,
      log: createLogger(`rules test ${rule.id}`),
      now: () => now,
    });
    for (const [b, batch] of batchesOf(test).entries()) {
      const fallback = ruleFamily(rule);
      const records = expandRecords(batch.records, `${rule.id}|${test.name}|${b}`, fallback);
      // One record set per family (records of several tables: a sequence across sources).
      const byFamily = new Map<string, string[]>();
      for (const r of records) {
        const family = familyOf(r, fallback).id;
        const { _table: _omit, ...raw } = r;
        let list = byFamily.get(family);
        if (!list) byFamily.set(family, (list = []));
        list.push(JSON.stringify(raw));
      }
      if (records.length > 0) {
        await store.ingest({
          sets: [...byFamily].map(([family, texts]) => ({
            family,
            tenant,
            client,
            hostchain: TEST_HOSTCHAIN,
            contentType: family === MANAGEMENT.id ? null : 'test',
            origin: `${rule.file}#${test.name}`,
            records: texts,
          })),
        });
      }
      const latest = latestTime(records, fallback);
      now = batch.now
        ? new Date(parseTime(batch.now))
        : latest !== undefined
          ? new Date(latest + 60_000)
          : now;
      const summary = await engine.run();
      if (summary.errors.length > 0) {
        return {
          rule: rule.id,
          name: test.name,
          ok: false,
          message: summary.errors[0]!.message,
          alerts: [],
        };
      }
    }
    const alerts = (await listAlerts(store, { rules: [rule.id] })).filter(
      (a) => a.client === client,
    );
    const problem = check(test, alerts);
    return {
      rule: rule.id,
      name: test.name,
      ok: problem === undefined,
      message: problem ?? `${alerts.length} alert(s)`,
      alerts,
    };
  } catch (error) {
    return {
      rule: rule.id,
      name: test.name,
      ok: false,
      message: (error as Error).message,
      alerts: [],
    };
  }
}

/** Runs every test case of a rule; a rule without both a positive and a negative case fails. */
export async function runRuleTests(rule: Rule, open: StoreOpener): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  const expected = (t: RuleTestCase) => (typeof t.expect === 'number' ? t.expect : t.expect.alerts);
  if (
    !rule.def.tests.some((t) => expected(t) > 0) ||
    !rule.def.tests.some((t) => expected(t) === 0)
  ) {
    results.push({
      rule: rule.id,
      name: '(coverage)',
      ok: false,
      message: 'a rule needs at least one test that fires it and one that must not',
      alerts: [],
    });
  }
  const { store, dispose } = await open(rule.id);
  try {
    for (const [n, test] of rule.def.tests.entries())
      results.push(await runCase(rule, test, store, n));
  } finally {
    await store.close();
    dispose();
  }
  return results;
}

/** Runs the tests of many rules, a few rules at a time (each on its own store). */
export async function runManyRuleTests(
  rules: readonly Rule[],
  open: StoreOpener,
  concurrency = 4,
  onRule?: (results: CaseResult[]) => void,
): Promise<CaseResult[]> {
  const all: CaseResult[][] = new Array<CaseResult[]>(rules.length);
  let next = 0;
  const worker = async () => {
    while (next < rules.length) {
      const i = next++;
      all[i] = await runRuleTests(rules[i]!, open);
      onRule?.(all[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, rules.length) }, worker));
  return all.flat();
}
