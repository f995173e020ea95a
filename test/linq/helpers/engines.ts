// The engines LINQ tests run compiled SQL on: DuckDB and ClickHouse (chdb) tables created here from a
// table family (raw engines), or a real Store. Results come back keyed by LINQ column name, with
// values normalised by LINQ type so that both engines' answers compare equal.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { TableFamily } from '../../../src/store/schema.js';
import type { Dialect, SqlValue, Store } from '../../../src/store/store.js';
import type { CompiledLinq } from '../../../src/linq/compile.js';
import { registerLinqFunctions } from '../../../src/linq/udf.js';
import type { Row } from './rows.js';

export type Value = string | number | boolean | null | Value[] | { [k: string]: Value };
export type ResultRow = Record<string, Value>;

export interface Engine {
  readonly name: string;
  readonly dialect: Dialect;
  /** Runs compiled SQL; rows keyed by LINQ column name, values normalised. */
  run(compiled: CompiledLinq): Promise<ResultRow[]>;
  /** Runs SQL as is (parameters bound as the stores bind them). */
  raw(sql: string, params: readonly SqlValue[]): Promise<unknown[][]>;
  close(): Promise<void>;
}

export interface RawEngine extends Engine {
  load(family: TableFamily, rows: readonly Row[]): Promise<void>;
}

function tsText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace('Z', '');
  const s = String(v);
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?/.exec(s);
  if (!m) return s;
  return `${m[1]} ${m[2]}.${(m[3] ?? '').padEnd(3, '0').slice(0, 3)}`;
}

/** A value as the test compares it, by LINQ type. */
export function normalise(v: unknown, type: string): Value {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'int':
    case 'duration':
      return typeof v === 'number' ? String(Math.trunc(v)) : String(v);
    case 'float': {
      const n = Number(v);
      return Number.isFinite(n) ? Number(n.toPrecision(10)) : String(n);
    }
    case 'bool':
      return v === true || v === 1 || v === 1n || v === 'true';
    case 'timestamp':
      return tsText(v);
    case 'json':
      return JSON.parse(String(v)) as Value;
    default:
      if (type.startsWith('array(')) return JSON.parse(String(v)) as Value;
      return String(v);
  }
}

function keyed(compiled: CompiledLinq, rows: readonly (readonly unknown[])[]): ResultRow[] {
  return rows.map((r) => {
    const o: ResultRow = {};
    compiled.columns.forEach((c, i) => (o[c.name] = normalise(r[i], c.type)));
    return o;
  });
}

const duckType = {
  string: 'VARCHAR',
  int: 'BIGINT',
  float: 'DOUBLE',
  bool: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
};
const chType = {
  string: 'Nullable(String)',
  int: 'Nullable(Int64)',
  float: 'Nullable(Float64)',
  bool: 'Nullable(Bool)',
  timestamp: "Nullable(DateTime64(3, 'UTC'))",
};

const q = (name: string) => `"${name}"`;

/** DuckDB in memory, with LINQ's functions registered. */
export async function duckdbEngine(): Promise<RawEngine> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection: DuckDBConnection = await instance.connect();
  registerLinqFunctions(connection);
  const raw = async (sql: string, params: readonly SqlValue[]) => {
    const reader = await connection.runAndReadAll(
      sql,
      params.map((p) => (p instanceof Date ? p.toISOString() : p)) as never,
    );
    return reader.getRowsJS() as unknown[][];
  };
  return {
    name: 'duckdb',
    dialect: 'duckdb',
    async load(family, rows) {
      const cols = family.columns;
      await connection.run(`DROP TABLE IF EXISTS ${q(family.id)}`);
      await connection.run(
        `CREATE TABLE ${q(family.id)} (${cols.map((c) => `${q(c.name)} ${duckType[c.type]}`).join(', ')})`,
      );
      if (rows.length === 0) return;
      const placeholders = cols.map((c, i) => `$${i + 1}::${duckType[c.type]}`).join(', ');
      const prepared = await connection.prepare(
        `INSERT INTO ${q(family.id)} VALUES (${placeholders})`,
      );
      for (const row of rows) {
        prepared.bind(cols.map((c) => row[c.name] ?? null) as never);
        await prepared.run();
      }
    },
    raw,
    run: async (compiled) => keyed(compiled, await raw(compiled.sql, compiled.params)),
    async close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

type ChdbSession = {
  query(sql: string, format?: string): string;
  queryBind(sql: string, args: object, format?: string): string;
};

let chdbSession: ChdbSession | undefined;

/** Query parameters as the ClickHouse stores pass them: {p1: …, p2: …} with texts for big numbers. */
export function chdbParams(params: readonly SqlValue[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  params.forEach((p, i) => {
    const v =
      p === null
        ? ''
        : typeof p === 'bigint'
          ? p.toString()
          : p instanceof Date
            ? p.toISOString().replace('T', ' ').replace('Z', '')
            : typeof p === 'object'
              ? JSON.stringify(p)
              : typeof p === 'number' && !Number.isSafeInteger(p)
                ? String(p)
                : p;
    out[`p${i + 1}`] = v;
  });
  return out;
}

/** ClickHouse in-process (chdb): one session per test process, tables replaced on load. */
export async function chdbEngine(): Promise<RawEngine> {
  if (!chdbSession) {
    const { Session } = (await import('chdb')) as unknown as { Session: new () => ChdbSession };
    chdbSession = new Session();
  }
  const s = chdbSession;
  const raw = async (sql: string, params: readonly SqlValue[]) => {
    const text = s.queryBind(sql, chdbParams(params), 'JSONCompactEachRow');
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as unknown[]);
  };
  return {
    name: 'clickhouse',
    dialect: 'clickhouse',
    async load(family, rows) {
      s.query(`DROP TABLE IF EXISTS ${q(family.id)}`);
      s.query(
        `CREATE TABLE ${q(family.id)} (${family.columns.map((c) => `${q(c.name)} ${c.name === 'eventdate' ? "DateTime64(3, 'UTC')" : chType[c.type]}`).join(', ')}) ENGINE = MergeTree ORDER BY ${q('eventdate')}`,
      );
      for (let i = 0; i < rows.length; i += 500) {
        const lines = rows
          .slice(i, i + 500)
          .map((r) =>
            JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)),
          );
        s.query(`INSERT INTO ${q(family.id)} FORMAT JSONEachRow\n${lines.join('\n')}`);
      }
    },
    raw,
    run: async (compiled) => keyed(compiled, await raw(compiled.sql, compiled.params)),
    async close() {},
  };
}

/** A real Store (its own binding of parameters and values). */
export function storeEngine(name: string, store: Store): Engine {
  const raw = async (sql: string, params: readonly SqlValue[]) => {
    const stream = await store.query({ sql, params });
    const rows: unknown[][] = [];
    for await (const chunk of stream.chunks()) for (const r of chunk) rows.push([...r]);
    return rows;
  };
  return {
    name,
    dialect: store.dialect,
    raw,
    run: async (compiled) => keyed(compiled, await raw(compiled.sql, compiled.params)),
    close: () => store.close(),
  };
}
