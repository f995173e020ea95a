// The default SQL generator: walks a checked plan and writes one SELECT with nested sub-selects, one
// per group (docs/linq.md, "Where m365hunt differs from Devo"). The SQL here is standard where it
// can be and DuckDB's where it must be; each dialect overrides only what differs (see ../dialects).
// Every literal becomes a bound parameter, identifiers pass through `quoteIdent` alone, and the few
// fixed strings through `constant`.
import { LOOKUPS } from '../../store/lookup-family.js';
import type { SqlValue } from '../../store/store.js';
import type { GroupPlan, Plan, TExpr } from '../ir.js';
import { formatTimestamp } from '../time-range.js';
import { isArray, type LType } from '../types.js';
import type { OpExpr } from './primitives.js';
import { OpSql } from './ops.js';

export interface GenerateOptions {
  readonly from: Date;
  readonly to: Date;
  /** Only rows whose internal `_seq` is in (lo, hi] (alert engine). */
  readonly seqRange?: readonly [bigint, bigint];
  /** Caps the rows returned, on top of the query's own `limit`. */
  readonly limit?: number;
}

export interface GeneratedSql {
  readonly sql: string;
  readonly params: SqlValue[];
  /** The LINQ type of each bound parameter, in order. */
  readonly paramTypes: LType[];
}

/** The physical table of lookup rows. */
const LOOKUPS_FAMILY_ID = LOOKUPS.id;

interface LookupJoin {
  readonly n: number;
  readonly versionId: string;
  /** The SQL of the key (text), as written in the level's expressions. */
  readonly key: string;
  readonly columns: Array<{ name: string; type: LType }>;
}

export { INT_PATTERN, IP4_PATTERN, jsonPointer } from './primitives.js';

export abstract class SqlGenerator extends OpSql {
  private subqueries = 0;

  // ---- plans

  generate(plan: Plan, options: GenerateOptions): GeneratedSql {
    this.range = { from: options.from, to: options.to };
    const sql = this.plan(plan, options, true);
    return { sql, params: this.params, paramTypes: this.paramTypes };
  }

  protected plan(plan: Plan, options: GenerateOptions, top: boolean): string {
    // lookups joined to the level whose expressions use them (a subquery has its own)
    const outerJoins = this.joins;
    this.joins = [];
    const family = plan.table.family;
    const where: string[] = [
      `${this.quoteIdent('eventdate')} >= ${this.param(formatTimestamp(options.from), 'timestamp')}`,
      `${this.quoteIdent('eventdate')} < ${this.param(formatTimestamp(options.to), 'timestamp')}`,
    ];
    if (plan.table.filter) {
      where.push(
        `${this.quoteIdent(plan.table.filter.column)} = ${this.str(plan.table.filter.value)}`,
      );
    }
    const seq = family.columns.find((c) => c.derived === 'seq');
    if (top && options.seqRange && seq) {
      const [lo, hi] = options.seqRange;
      where.push(
        `${this.quoteIdent(seq.name)} > ${this.int(lo)}`,
        `${this.quoteIdent(seq.name)} <= ${this.int(hi)}`,
      );
    }
    for (const f of plan.filters[0] ?? []) where.push(this.condition(f));
    let from = this.quoteIdent(family.id);
    let filters = where;
    plan.groups.forEach((g, i) => {
      const inner = this.groupSelect(g, i + 1, from, filters);
      from = `(\n${indent(inner)}\n) AS ${this.quoteIdent(`__g${i + 1}`)}`;
      this.joins = [];
      filters = (plan.filters[i + 1] ?? []).map((f) => this.condition(f));
    });
    const cols = plan.outputs.map((o) => `${this.output(o.expr)} AS ${this.quoteIdent(o.sqlName)}`);
    const order =
      top && plan.order.length > 0
        ? plan.order
            .map((o) => `${this.expr(o.expr)} ${o.desc ? 'DESC' : 'ASC'} NULLS LAST`)
            .join(', ')
        : '';
    let sql = `SELECT ${cols.join(', ')}\nFROM ${from}${this.joinSql()}`;
    if (filters.length > 0) sql += `\nWHERE ${filters.join('\n  AND ')}`;
    if (order) sql += `\nORDER BY ${order}`;
    if (top) {
      let limit = plan.limit;
      if (options.limit !== undefined) {
        const cap = BigInt(options.limit);
        limit = limit === null || cap < limit ? cap : limit;
      }
      if (limit !== null) sql += `\nLIMIT ${this.int(limit)}`;
      if (plan.offset !== null) sql += `\nOFFSET ${this.int(plan.offset)}`;
    }
    this.joins = outerJoins;
    return sql;
  }

  // ---- lookups

  /** The lookups joined to the level being written: one join per version and key. */
  private joins: LookupJoin[] = [];
  private lookupJoins = 0;

  /** A lookup's column for a key: a column of a LEFT JOIN with the lookup's version. */
  protected lookupValue(e: OpExpr): string {
    const ref = e.data?.lookup;
    if (!ref) throw new Error('a lookup without its version');
    const key = this.expr(e.args[0]!);
    let join = this.joins.find((j) => j.versionId === ref.versionId && j.key === key);
    if (!join) {
      join = { n: ++this.lookupJoins, versionId: ref.versionId, key, columns: [] };
      this.joins.push(join);
    }
    let i = join.columns.findIndex((c) => c.name === ref.column);
    if (i < 0) i = join.columns.push({ name: ref.column, type: e.type }) - 1;
    return this.quoteIdent(`__l${join.n}v${i}`);
  }

  private joinSql(): string {
    return this.joins
      .map((j) => {
        const alias = this.quoteIdent(`__l${j.n}`);
        const k = this.quoteIdent(`__l${j.n}k`);
        const values = j.columns.map((c, i) => {
          const name = this.quoteIdent(`__l${j.n}v${i}`);
          // column '' is the whole row, as JSON (hlurjson)
          if (c.name === '') return `${this.lookupRow(this.quoteIdent('message'))} AS ${name}`;
          const steps = [{ key: 'Row' }, { key: c.name }];
          const value = this.jsonPathString(this.quoteIdent('message'), steps);
          return `${this.lookupCast(value, c.type)} AS ${name}`;
        });
        const rows = `SELECT ${this.quoteIdent('Key')} AS ${k}, ${values.join(', ')} FROM ${this.quoteIdent(LOOKUPS_FAMILY_ID)} WHERE ${this.quoteIdent('VersionId')} = ${this.str(j.versionId)}`;
        return `\nLEFT JOIN (${rows}) AS ${alias} ON ${alias}.${k} = ${j.key}`;
      })
      .join('');
  }

  /** The row of a lookup record, as JSON. */
  protected lookupRow(message: string): string {
    return this.jsonPath(message, [{ key: 'Row' }]);
  }

  /** A lookup value from its text: typed as the lookup's column, null when it does not read. */
  protected lookupCast(text: string, type: LType): string {
    switch (type) {
      case 'int':
        return this.toInt(text, 'str');
      case 'float':
        return this.toFloat(text, 'str');
      case 'bool':
        return `(CASE ${text} WHEN ${this.constant('true')} THEN TRUE WHEN ${this.constant('false')} THEN FALSE END)`;
      default:
        return `CAST(${text} AS ${this.sqlType('str')})`;
    }
  }

  private groupSelect(g: GroupPlan, n: number, from: string, where: readonly string[]): string {
    const cols: string[] = [];
    const by: string[] = [];
    if (g.every !== null && g.eventdate) {
      const name = this.quoteIdent(`__b${n}`);
      cols.push(`${this.period(this.expr(g.eventdate), g.every)} AS ${name}`);
      by.push(name);
    }
    for (const k of g.keys) {
      const name = this.quoteIdent(k.sqlName);
      cols.push(`${this.expr(k.expr)} AS ${name}`);
      by.push(name);
    }
    for (const a of g.aggregates)
      cols.push(`${this.aggregate(a, g)} AS ${this.quoteIdent(a.sqlName)}`);
    if (cols.length === 0) cols.push(`count(*) AS ${this.quoteIdent('__n')}`);
    let sql = `SELECT ${cols.join(', ')}\nFROM ${from}${this.joinSql()}`;
    if (where.length > 0) sql += `\nWHERE ${where.join('\n  AND ')}`;
    if (by.length > 0) sql += `\nGROUP BY ${by.join(', ')}`;
    return sql;
  }

  /** A filter: as an expression, but engines that have no boolean type may need a test. */
  protected condition(e: TExpr): string {
    return this.expr(e);
  }

  /** A value as it leaves the query: addresses as text, arrays and JSON as JSON text. */
  protected output(e: TExpr): string {
    const t = e.type;
    if (t === 'ip4') return this.ip4Text(this.expr(e));
    if (isArray(t)) return this.arrayJson(this.expr(e));
    if (t === 'json') return this.jsonText(this.expr(e));
    if (t === 'null') return this.typedNull('str');
    return this.outputScalar(e, this.expr(e));
  }

  protected outputScalar(_e: TExpr, sql: string): string {
    return sql;
  }

  // ---- expressions

  expr(e: TExpr): string {
    switch (e.k) {
      case 'col':
        return this.quoteIdent(e.name);
      case 'lit':
        return this.param(e.value, e.type);
      case 'null':
        return this.typedNull(e.type);
      case 'compile':
        throw new Error(`a ${e.type} value cannot be compiled to SQL`);
      case 'in_sub': {
        const n = ++this.subqueries;
        const sub = e.plan;
        const alias = this.quoteIdent(`__s${n}`);
        const cols = sub.outputs.map((o) => this.quoteIdent(o.sqlName));
        const notNull = cols.map((c) => `${c} IS NOT NULL`).join(' AND ');
        const inner = this.plan(sub, this.range!, false);
        const values = e.value.map((v) => this.expr(v));
        const lhs = values.length === 1 ? values[0]! : `(${values.join(', ')})`;
        return `(${lhs} ${e.negated ? 'NOT IN' : 'IN'} (SELECT ${cols.join(', ')} FROM (\n${indent(inner)}\n) AS ${alias} WHERE ${notNull}))`;
      }
      case 'op':
        return this.op(e);
    }
  }

  /** The time range of the query, which its subqueries share. */
  private range: GenerateOptions | undefined;
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
