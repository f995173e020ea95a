// How the engine asks the store for a rule's rows: the rule's own LINQ query, followed by clauses
// the engine appends (a tenant filter, `select`s naming the key, the distinct value, the group and
// each entity, and a key filter), compiled for the store's dialect over an ingest range or a time
// range. Everything stays LINQ, so the engine is the same on DuckDB and ClickHouse, and every value
// it adds is a bound literal.
import { compileLinq } from '../../linq/index.js';
import { loadLookupCatalog, type LookupCatalog } from '../../store/lookups.js';
import { createCatalog, type Catalog } from '../../store/schema.js';
import type { SqlValue, Store } from '../../store/store.js';
import type { ClientScope } from '../rules/profiles.js';
import { ENTITY_KINDS, type EntityKind } from '../rules/schema.js';
import { linqString } from '../rules/tunables.js';

/** The engine's own columns: the `m365` prefix is reserved in rule queries. */
const COL = {
  client: 'm365_client',
  id: 'm365_id',
  raw: 'm365_raw',
  key: 'm365k',
  distinct: 'm365d',
  group: 'm365g',
  entity: (k: EntityKind) => `m365e_${k}`,
} as const;

const KEY_SEPARATOR = ' | ';

export interface RowQuery {
  /** The rule's query with its tunables rendered. */
  readonly text: string;
  readonly scope: ClientScope;
  readonly keys?: readonly string[];
  readonly distinct?: string;
  readonly group?: readonly string[];
  readonly entities: Readonly<Partial<Record<EntityKind, string>>>;
  /** Only rows whose key is one of these. */
  readonly keyFilter?: readonly string[];
}

/** A row as the engine sees it: where it is, which key, which entities, and the evidence. */
export interface EngineRow {
  readonly seq: bigint;
  readonly time: Date;
  readonly client: string;
  readonly key: string;
  readonly distinct: string | null;
  readonly group: string;
  readonly entities: Readonly<Partial<Record<EntityKind, string>>>;
  /** The record's id (its `Id`). */
  readonly id: string;
  /** The raw record (JSON text). */
  readonly raw: string | null;
  /** The rule's own output columns (those it `select`s). */
  readonly fields: Readonly<Record<string, SqlValue>>;
}

function joinKey(exprs: readonly string[]): string {
  const parts = exprs.map((e) => `nvl(str(${e}), "")`);
  return parts.join(` + ${linqString(KEY_SEPARATOR)} + `);
}

function setLiteral(values: readonly string[]): string {
  return `{${values.map(linqString).join(', ')}}`;
}

const TABLES = createCatalog();

/** The record id field of the table a query reads (`Id`, or `id` in the Graph tables). */
function idField(text: string): string {
  const table = /^\s*(?:\/\/[^\n]*\n\s*)*from\s+(\S+)/.exec(text)?.[1];
  return (table && TABLES.resolve(table)?.family.idPath) || 'Id';
}

/** The LINQ text the engine runs for a rule: the rule's query and the engine's clauses. */
export function engineText(q: RowQuery): string {
  const lines = [q.text.replace(/\s+$/, '')];
  if ('only' in q.scope) lines.push(`where client in ${setLiteral(q.scope.only)}`);
  else if (q.scope.except.length > 0) {
    lines.push(`where not (client in ${setLiteral(q.scope.except)})`);
  }
  const selects = [
    `client as ${COL.client}`,
    `str(${idField(q.text)}) as ${COL.id}`,
    `message as ${COL.raw}`,
    `${joinKey(q.keys ?? []) || '""'} as ${COL.key}`,
    `${q.distinct ? `nvl(str(${q.distinct}), "")` : '""'} as ${COL.distinct}`,
    `${q.group && q.group.length > 0 ? joinKey(q.group) : '""'} as ${COL.group}`,
  ];
  for (const kind of ENTITY_KINDS) {
    const expr = q.entities[kind];
    if (expr) selects.push(`str(${expr}) as ${COL.entity(kind)}`);
  }
  lines.push(`select ${selects.join(', ')}`);
  if (q.keyFilter) lines.push(`where ${COL.key} in ${setLiteral(q.keyFilter)}`);
  return lines.join('\n');
}

export interface Range {
  /** Only rows with lo < _seq ≤ hi. */
  readonly seq?: readonly [bigint, bigint];
  /** Only rows with from ≤ eventdate < to. */
  readonly from?: Date;
  readonly to?: Date;
}

/** Event times the store accepts: wide enough for any record, narrow enough for ClickHouse. */
export const ALL_TIME = {
  from: new Date(Date.UTC(1970, 0, 1)),
  to: new Date(Date.UTC(2200, 0, 1)),
};

const ENGINE_COLUMNS = new Set<string>([
  'eventdate',
  '_seq',
  COL.client,
  COL.id,
  COL.raw,
  COL.key,
  COL.distinct,
  COL.group,
  ...ENTITY_KINDS.map(COL.entity),
]);

function toDate(v: SqlValue): Date {
  if (v instanceof Date) return v;
  if (typeof v === 'string')
    return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(' ', 'T')}Z`);
  return new Date(Number(v));
}

function str(v: SqlValue | undefined): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : String(v);
}

/** Compiles and runs a row query; calls `onRow` for each row as the chunks stream in. */
export async function queryRows(
  store: Store,
  catalog: Catalog,
  q: RowQuery,
  range: Range,
  now: Date,
  onRow: (row: EngineRow) => void,
): Promise<void> {
  const compiled = compileLinq(engineText(q), {
    dialect: store.dialect,
    catalog,
    lookups: await loadLookupCatalog(store),
    from: range.from ?? ALL_TIME.from,
    to: range.to ?? ALL_TIME.to,
    now,
    keepSeq: true,
    // the rule's own columns and the engine's: not every column of the table
    tableColumns: false,
    ...(range.seq ? { seqRange: range.seq } : {}),
  });
  const stream = await store.query({ sql: compiled.sql, params: compiled.params });
  const names = compiled.columns.map((c) => c.name);
  const at = (name: string) => names.indexOf(name);
  const idx = {
    time: at('eventdate'),
    seq: at('_seq'),
    client: at(COL.client),
    id: at(COL.id),
    raw: at(COL.raw),
    key: at(COL.key),
    distinct: at(COL.distinct),
    group: at(COL.group),
  };
  const entityIdx = ENTITY_KINDS.map((k) => [k, at(COL.entity(k))] as const).filter(
    ([, i]) => i >= 0,
  );
  const own = names.map((n, i) => [n, i] as const).filter(([n]) => !ENGINE_COLUMNS.has(n));
  for await (const chunk of stream.chunks()) {
    for (const r of chunk) {
      const entities: Partial<Record<EntityKind, string>> = {};
      for (const [k, i] of entityIdx) {
        const v = str(r[i]);
        if (v !== null && v !== '') entities[k] = v;
      }
      const fields: Record<string, SqlValue> = {};
      for (const [n, i] of own) fields[n] = r[i] ?? null;
      onRow({
        seq: BigInt(r[idx.seq] as bigint | number | string),
        time: toDate(r[idx.time] ?? null),
        client: str(r[idx.client]) ?? '',
        key: str(r[idx.key]) ?? '',
        distinct: str(r[idx.distinct]),
        group: str(r[idx.group]) ?? '',
        entities,
        id: str(r[idx.id]) ?? '',
        raw: str(r[idx.raw]),
        fields,
      });
    }
  }
}

/** Collects a query's rows into an array. */
export async function collectRows(
  store: Store,
  catalog: Catalog,
  q: RowQuery,
  range: Range,
  now: Date,
): Promise<EngineRow[]> {
  const rows: EngineRow[] = [];
  await queryRows(store, catalog, q, range, now, (row) => rows.push(row));
  return rows;
}

/** Checks that a query compiles as the engine will run it (for `rules validate`). */
export function checkRowQuery(
  catalog: Catalog,
  q: RowQuery,
  dialect: 'duckdb' | 'clickhouse',
  lookups?: LookupCatalog,
) {
  return compileLinq(engineText(q), {
    dialect,
    catalog,
    ...(lookups ? { lookups } : {}),
    from: ALL_TIME.from,
    to: ALL_TIME.to,
    keepSeq: true,
    tableColumns: false,
    seqRange: [0n, 1n],
  });
}

/** A key of a tenant: `client\u0000key`. */
export function clientKey(client: string, key: string): string {
  return `${client}\u0000${key}`;
}

async function groupedRows(
  store: Store,
  catalog: Catalog,
  text: string,
  range: Range,
  now: Date,
): Promise<Array<Record<string, SqlValue>>> {
  const compiled = compileLinq(text, {
    dialect: store.dialect,
    catalog,
    lookups: await loadLookupCatalog(store),
    from: range.from ?? ALL_TIME.from,
    to: range.to ?? ALL_TIME.to,
    now,
    ...(range.seq ? { seqRange: range.seq } : {}),
  });
  const stream = await store.query({ sql: compiled.sql, params: compiled.params });
  const names = compiled.columns.map((c) => c.name);
  const out: Array<Record<string, SqlValue>> = [];
  for await (const chunk of stream.chunks()) {
    for (const r of chunk) {
      const row: Record<string, SqlValue> = {};
      names.forEach((n, i) => (row[n] = r[i] ?? null));
      out.push(row);
    }
  }
  return out;
}

/**
 * Keys (of their tenants) with at least `min` rows in a range: a window of a key can hold `min`
 * rows (or distinct values) only if the key has that many in all. Counting in the store first
 * spares reading the rows of keys that cannot qualify.
 */
export async function keysWithAtLeast(
  store: Store,
  catalog: Catalog,
  q: RowQuery,
  range: Range,
  now: Date,
  min: number,
): Promise<Set<string>> {
  const text = `${engineText(q)}\ngroup by ${COL.client}, ${COL.key} select count() as m365n where m365n >= ${Math.max(1, Math.floor(min))}`;
  const rows = await groupedRows(store, catalog, text, range, now);
  return new Set(rows.map((r) => clientKey(str(r[COL.client]) ?? '', str(r[COL.key]) ?? '')));
}

/** Each key of a range with its latest event time (inactivity needs no more than that). */
export async function latestPerKey(
  store: Store,
  catalog: Catalog,
  q: RowQuery,
  range: Range,
  now: Date,
): Promise<Array<{ client: string; key: string; time: Date }>> {
  const text = `${engineText(q)}\ngroup by ${COL.client}, ${COL.key} select max(eventdate) as m365t`;
  const rows = await groupedRows(store, catalog, text, range, now);
  return rows.map((r) => ({
    client: str(r[COL.client]) ?? '',
    key: str(r[COL.key]) ?? '',
    time: toDate(r.m365t ?? null),
  }));
}

export interface TouchedKey {
  readonly client: string;
  readonly key: string;
  readonly first: Date;
  readonly last: Date;
}

/** The keys a range's rows touch, with the event-time span of those rows. */
export async function touchedKeys(
  store: Store,
  catalog: Catalog,
  q: RowQuery,
  range: Range,
  now: Date,
): Promise<TouchedKey[]> {
  const text = `${engineText(q)}\ngroup by ${COL.client}, ${COL.key} select min(eventdate) as m365f, max(eventdate) as m365l`;
  const rows = await groupedRows(store, catalog, text, range, now);
  return rows.map((r) => ({
    client: str(r[COL.client]) ?? '',
    key: str(r[COL.key]) ?? '',
    first: toDate(r.m365f ?? null),
    last: toDate(r.m365l ?? null),
  }));
}
