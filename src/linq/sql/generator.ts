// The default SQL generator: walks a checked plan and writes one SELECT with nested sub-selects, one
// per group (docs/linq.md, "Where m365hunt differs from Devo"). The SQL here is standard where it
// can be and DuckDB's where it must be; each dialect overrides only what differs (see ../dialects).
// Every literal becomes a bound parameter, identifiers pass through `quoteIdent` alone, and the few
// fixed strings through `constant`.
import { LOOKUPS } from '../../store/lookup-family.js';
import type { SqlValue } from '../../store/store.js';
import type { Dialect } from '../../store/store.js';
import type {
  Aggregate,
  DateFormatPiece,
  DatePart,
  GroupPlan,
  JsonStep,
  LitValue,
  Op,
  Plan,
  TExpr,
} from '../ir.js';
import { formatTimestamp } from '../time-range.js';
import { callSql } from './calls.js';
import { isArray, type LType } from '../types.js';

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

type OpExpr = Extract<TExpr, { k: 'op' }>;

/** The physical table of lookup rows. */
const LOOKUPS_FAMILY_ID = LOOKUPS.id;

interface LookupJoin {
  readonly n: number;
  readonly versionId: string;
  /** The SQL of the key (text), as written in the level's expressions. */
  readonly key: string;
  readonly columns: Array<{ name: string; type: LType }>;
}

const SAFE_IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SAFE_CONSTANT = /^[A-Za-z0-9_ %.:,()\-/~]*$/;

/** The JSON pointer (RFC 6901) of a path: `/a/0/b`, with `~` and `/` in keys escaped. */
export function jsonPointer(steps: readonly JsonStep[]): string {
  return steps
    .map((s) => ('key' in s ? `/${s.key.replace(/~/g, '~0').replace(/\//g, '~1')}` : `/${s.index}`))
    .join('');
}

export const IP4_PATTERN =
  '^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$';
export const INT_PATTERN = '^[[:space:]]*[-+]?[0-9]+[[:space:]]*$';

export abstract class SqlGenerator {
  abstract readonly dialect: Dialect;
  private readonly params: SqlValue[] = [];
  private readonly paramTypes: LType[] = [];
  private readonly paramIndex = new Map<string, number>();
  private subqueries = 0;

  // ---- the audited primitives

  /** Quotes an identifier: catalog names and plain aliases only (IDENT rule), never other text. */
  quoteIdent(name: string): string {
    if (!SAFE_IDENT.test(name))
      throw new Error(`refusing to quote identifier ${JSON.stringify(name)}`);
    return `"${name}"`;
  }

  /** A fixed string of the compiler itself (format strings, JSON words), never user text. */
  protected constant(text: string): string {
    if (!SAFE_CONSTANT.test(text)) throw new Error(`refusing constant ${JSON.stringify(text)}`);
    return `'${text}'`;
  }

  /** The placeholder of the i-th (1-based) parameter of a type. */
  protected abstract placeholder(index: number, type: LType): string;

  /** Binds a value and returns its placeholder; equal values share one parameter. */
  protected param(value: LitValue, type: LType): string {
    const key = `${type}\u0000${typeof value}\u0000${String(value)}`;
    let index = this.paramIndex.get(key);
    if (index === undefined) {
      this.params.push(value);
      this.paramTypes.push(type);
      index = this.params.length;
      this.paramIndex.set(key, index);
    }
    return this.placeholder(index, type);
  }

  protected str(s: string): string {
    return this.param(s, 'str');
  }

  protected int(n: bigint | number): string {
    return this.param(BigInt(n), 'int');
  }

  /** The engine's type for a LINQ type (for typed NULLs and casts). */
  protected abstract sqlType(t: LType): string;

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
  private lookupValue(e: OpExpr): string {
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

  /** `x IN (…)`; `literals` when every item is a non-null literal (a dialect may use a list). */
  protected membership(x: string, items: string[], negated: boolean, _literals: boolean): string {
    return `(${x} ${negated ? 'NOT IN' : 'IN'} (${items.join(', ')}))`;
  }

  protected typedNull(t: LType): string {
    return `CAST(NULL AS ${this.sqlType(t)})`;
  }

  protected op(e: OpExpr): string {
    const a = (i: number): string => this.expr(e.args[i]!);
    const all = (): string[] => e.args.map((x) => this.expr(x));
    const bin = (o: string) => `(${a(0)} ${o} ${a(1)})`;
    switch (e.op) {
      case 'eq':
        return bin('=');
      case 'ne':
        return bin('<>');
      case 'lt':
        return bin('<');
      case 'le':
        return bin('<=');
      case 'gt':
        return bin('>');
      case 'ge':
        return bin('>=');
      case 'and':
        return `(${all().join(' AND ')})`;
      case 'or':
        return `(${all().join(' OR ')})`;
      case 'not':
        return `(NOT ${a(0)})`;
      case 'isnull':
        return `(${a(0)} IS NULL)`;
      case 'isnotnull':
        return `(${a(0)} IS NOT NULL)`;
      case 'in_list':
      case 'not_in_list': {
        const [x, ...rest] = all();
        const literals = e.args.slice(1).every((arg) => arg.k === 'lit');
        return this.membership(x!, rest, e.op === 'not_in_list', literals);
      }
      case 'between':
        return `(${a(0)} BETWEEN ${a(1)} AND ${a(2)})`;
      case 'neg':
        return `(-${a(0)})`;
      case 'add':
        return bin('+');
      case 'sub':
        return bin('-');
      case 'mul':
        return bin('*');
      case 'rdiv':
        return this.realDivision(a(0), a(1));
      case 'idiv':
        return this.intDivision(a(0), a(1), isIntLike(e.args[0]!) && isIntLike(e.args[1]!));
      case 'rem':
        return this.remainder(a(0), a(1));
      case 'mod':
        return this.modulo(a(0), a(1));
      case 'concat':
        return this.concat(all());
      case 'ts_add':
        return this.timestampShift(a(0), a(1), 1);
      case 'ts_sub':
        return this.timestampShift(a(0), a(1), -1);
      case 'ts_diff':
        return `(${this.epochMs(a(0))} - ${this.epochMs(a(1))})`;
      case 'arr_append':
        return this.fn('list_append', a(0), a(1));
      case 'arr_concat':
        return this.fn('list_concat', a(0), a(1));
      case 'to_str':
        return this.toStr(a(0), e.data?.from ?? 'str');
      case 'to_int':
        return this.toInt(a(0), e.data?.from ?? 'str');
      case 'to_float':
        return this.toFloat(a(0), e.data?.from ?? 'str');
      case 'to_bool':
        return `(CASE ${a(0)} WHEN ${this.constant('true')} THEN TRUE WHEN ${this.constant('false')} THEN FALSE END)`;
      case 'ip4_parse':
        return this.ip4Parse(a(0));
      case 'ip4_text':
        return this.ip4Text(a(0));
      case 'ts_parse':
        return this.timestampParse(a(0));
      case 'ts_from_ms':
        return this.timestampFromMs(a(0));
      case 'epoch':
        return this.epochMs(a(0));
      case 'json_parse':
        return e.data?.trusted ? a(0) : this.jsonParse(a(0));
      case 'json_path':
        return this.jsonPath(a(0), e.data?.steps ?? []);
      case 'json_get':
        return this.jsonGet(a(0), a(1), e.data?.index === true);
      case 'json_str': {
        const j = e.args[0]!;
        if (j.k === 'op' && j.op === 'json_path') {
          return this.jsonPathString(this.expr(j.args[0]!), j.data?.steps ?? []);
        }
        return this.jsonString(a(0));
      }
      case 'json_text':
        return this.jsonText(a(0));
      case 'to_json':
        return this.toJson(e.args[0]!, e.data?.from ?? e.args[0]!.type);
      case 'jq':
        return this.jq(a(0), a(1));
      case 'lookup':
        return this.lookupValue(e);
      case 'call': {
        const sql = callSql(this.dialect, e.data?.call ?? '');
        if (!sql) throw new Error(`no ${this.dialect} SQL for ${e.data?.call ?? '?'}`);
        return sql(all());
      }
      case 'json_find':
        return this.jsonFind(a(0), e.data?.steps ?? [], e.data?.key ?? '');
      case 'json_pairs_text':
        return this.jsonPairsText(a(0), e.data?.steps ?? []);
      case 'json_names_text':
        return this.jsonNamesText(a(0), e.data?.steps ?? []);
      case 'contains':
        return this.contains(a(0), a(1));
      case 'icontains':
        return this.icontains(a(0), a(1));
      case 'startswith':
        return this.fn('starts_with', a(0), a(1));
      case 'endswith':
        return this.fn('ends_with', a(0), a(1));
      case 'regex':
        return this.regexMatch(a(0), a(1));
      case 'lower':
        return this.fn('lower', a(0));
      case 'upper':
        return this.fn('upper', a(0));
      case 'length_str':
        return this.fn('length', a(0));
      case 'split_idx':
        return this.splitIndex(a(0), a(1), this.index1(e.args[2]!));
      case 'split_arr':
        return this.splitArray(a(0), a(1));
      case 'splitre_idx':
        return this.arrayIndex(this.splitRegexArray(a(0), a(1)), this.index1(e.args[2]!));
      case 'splitre_arr':
        return this.splitRegexArray(a(0), a(1));
      case 'substring':
        return this.substring(a(0), this.index1(e.args[1]!), e.args[2] ? a(2) : undefined);
      case 'subs':
        return this.regexReplace(a(0), a(1), a(2), e.data?.all === true);
      case 'replace':
        return this.textReplace(a(0), a(1), a(2), e.data?.all === true);
      case 'peek':
        return this.peek(a(0), a(1), e.args[2]!);
      case 'join':
        return this.join(a(0), a(1));
      case 'lpad0':
        return this.lpad0(a(0), e.data?.width ?? 2);
      case 'array':
        return `[${all().join(', ')}]`;
      case 'arr_index':
        return this.arrayIndex(a(0), this.index1(e.args[1]!));
      case 'arr_contains':
        return this.arrayContains(a(0), a(1));
      case 'arr_icontains':
        return this.arrayContainsIgnoreCase(a(0), a(1));
      case 'length_arr':
        return this.arrayLength(a(0));
      case 'case': {
        const args = all();
        const parts: string[] = [];
        const pairs = e.data?.hasElse ? args.length - 1 : args.length;
        for (let i = 0; i + 1 < pairs; i += 2) parts.push(`WHEN ${args[i]} THEN ${args[i + 1]}`);
        if (e.data?.hasElse) parts.push(`ELSE ${args[args.length - 1]}`);
        return `(CASE ${parts.join(' ')} END)`;
      }
      case 'switch': {
        const [x, ...rest] = all();
        const parts: string[] = [];
        const pairs = e.data?.hasElse ? rest.length - 1 : rest.length;
        for (let i = 0; i + 1 < pairs; i += 2) parts.push(`WHEN ${rest[i]} THEN ${rest[i + 1]}`);
        if (e.data?.hasElse) parts.push(`ELSE ${rest[rest.length - 1]}`);
        return `(CASE ${x} ${parts.join(' ')} END)`;
      }
      case 'coalesce':
        return this.fn('coalesce', ...all());
      case 'round':
        return this.roundToInt(a(0));
      case 'round_n':
        return this.roundDigits(a(0), a(1));
      case 'floor':
      case 'ceil':
        return this.toIntChecked(this.fn(e.op, a(0)));
      case 'abs':
        return this.fn('abs', a(0));
      case 'sqrt':
      case 'cbrt':
      case 'exp':
      case 'ln':
      case 'log10':
        return this.math(e.op, a(0));
      case 'pow':
        return this.fn('pow', a(0), a(1));
      case 'sign':
        return this.castInt(this.fn('sign', a(0)));
      case 'period':
        return this.period(a(0), Number(litOf(e.args[1]!)));
      case 'datepart':
        return this.datePart(a(0), e.data?.part ?? 'year');
      case 'parsedate':
        return this.parseDate(a(0), e.data?.format ?? []);
      case 'udf': {
        const name = e.data?.udf ?? '';
        if (!SAFE_IDENT.test(name))
          throw new Error(`refusing function name ${JSON.stringify(name)}`);
        return `${name}(${all().join(', ')})`;
      }
    }
    return unreachable(e.op);
  }

  /** A 1-based index from a 0-based LINQ index (folded at compile time for literals). */
  private index1(e: TExpr): { sql: string; literal: boolean } {
    if (e.k === 'lit' && typeof e.value === 'bigint')
      return { sql: this.int(e.value + 1n), literal: true };
    return { sql: `(${this.expr(e)} + 1)`, literal: false };
  }

  /** Functions whose name differs in the dialect (DuckDB names by default). */
  protected readonly renames: Readonly<Record<string, string>> = {};

  protected fn(name: string, ...args: string[]): string {
    return `${this.renames[name] ?? name}(${args.join(', ')})`;
  }

  // ---- overridable pieces (DuckDB spelling by default)

  protected realDivision(a: string, b: string): string {
    return `(CAST(${a} AS DOUBLE) / NULLIF(CAST(${b} AS DOUBLE), 0))`;
  }

  protected intDivision(a: string, b: string, ints: boolean): string {
    if (ints) return `(${a} // NULLIF(${b}, 0))`;
    return this.toIntChecked(`trunc(CAST(${a} AS DOUBLE) / NULLIF(CAST(${b} AS DOUBLE), 0))`);
  }

  protected remainder(a: string, b: string): string {
    return `(${a} % NULLIF(${b}, 0))`;
  }

  protected modulo(a: string, b: string): string {
    return `(((${a} % NULLIF(${b}, 0)) + ${b}) % NULLIF(${b}, 0))`;
  }

  protected concat(parts: string[]): string {
    return `(${parts.join(' || ')})`;
  }

  protected timestampShift(ts: string, ms: string, sign: 1 | -1): string {
    return `(${ts} ${sign > 0 ? '+' : '-'} to_milliseconds(${ms}))`;
  }

  protected epochMs(ts: string): string {
    return this.fn('epoch_ms', ts);
  }

  protected timestampFromMs(ms: string): string {
    return this.fn('epoch_ms', `CAST(${ms} AS BIGINT)`);
  }

  protected timestampParse(s: string): string {
    return `TRY_CAST(${s} AS TIMESTAMP)`;
  }

  protected toStr(x: string, from: LType): string {
    if (from === 'bool') {
      return `(CASE WHEN ${x} THEN ${this.constant('true')} WHEN NOT ${x} THEN ${this.constant('false')} END)`;
    }
    if (from === 'timestamp') return this.fn('strftime', x, this.constant('%Y-%m-%d %H:%M:%S.%g'));
    // floats: 15 significant digits, the same text on every engine (2.5, 2, 0.3, 1e+20)
    if (from === 'float') return `printf(${this.constant('%.15g')}, ${x})`;
    return `CAST(${x} AS VARCHAR)`;
  }

  protected toInt(x: string, from: LType): string {
    if (from === 'str') {
      return `TRY_CAST(CASE WHEN regexp_matches(${x}, ${this.str(INT_PATTERN)}) THEN trim(${x}) END AS BIGINT)`;
    }
    if (from === 'float') return this.toIntChecked(this.fn('trunc', x));
    return `CAST(${x} AS BIGINT)`;
  }

  /** A float to a BIGINT, null when it does not fit. */
  protected toIntChecked(x: string): string {
    return `TRY_CAST(${x} AS BIGINT)`;
  }

  protected castInt(x: string): string {
    return `CAST(${x} AS BIGINT)`;
  }

  protected toFloat(x: string, from: LType): string {
    if (from === 'str') return `TRY_CAST(${x} AS DOUBLE)`;
    return `CAST(${x} AS DOUBLE)`;
  }

  protected ip4Parse(s: string): string {
    const part = (i: number) => `CAST(split_part(${s}, ${this.constant('.')}, ${i}) AS BIGINT)`;
    return `(CASE WHEN regexp_matches(${s}, ${this.str(IP4_PATTERN)}) THEN ${part(1)} * 16777216 + ${part(2)} * 65536 + ${part(3)} * 256 + ${part(4)} END)`;
  }

  protected ip4Text(x: string): string {
    return `printf(${this.constant('%d.%d.%d.%d')}, ${x} // 16777216, (${x} // 65536) % 256, (${x} // 256) % 256, ${x} % 256)`;
  }

  protected jsonParse(s: string): string {
    return `(CASE WHEN json_valid(${s}) THEN CAST(${s} AS JSON) END)`;
  }

  protected jsonPath(base: string, steps: readonly JsonStep[]): string {
    return `nullif(json_extract(${base}, ${this.str(jsonPointer(steps))}), ${this.constant('null')})`;
  }

  protected jsonGet(base: string, key: string, index: boolean): string {
    const pointer = index
      ? `(CASE WHEN ${key} >= 0 THEN ${this.constant('/')} || CAST(${key} AS VARCHAR) END)`
      : `(${this.constant('/')} || replace(replace(${key}, ${this.constant('~')}, ${this.constant('~0')}), ${this.constant('/')}, ${this.constant('~1')}))`;
    return `nullif(json_extract(${base}, ${pointer}), ${this.constant('null')})`;
  }

  /** str() of a JSON path: the bare scalar, null for objects, arrays and null. */
  protected jsonPathString(base: string, steps: readonly JsonStep[]): string {
    return `json_extract_string(json_value(${base}, ${this.str(jsonPointer(steps))}), ${this.constant('')})`;
  }

  protected jsonString(j: string): string {
    return `json_extract_string(json_value(${j}, ${this.constant('')}), ${this.constant('')})`;
  }

  protected jsonText(j: string): string {
    return `CAST(${j} AS VARCHAR)`;
  }

  /** An array of `{"Name", "Value"}` at `steps`, as a DuckDB list of JSON (null otherwise). */
  private nameValues(base: string, steps: readonly JsonStep[]): { test: string; list: string } {
    const ptr = this.str(jsonPointer(steps));
    return {
      test: `json_type(${base}, ${ptr}) = ${this.constant('ARRAY')}`,
      list: `CAST(json_extract(${base}, ${ptr}) AS JSON[])`,
    };
  }

  /** The `Value` of the element whose `Name` is `key` (Devo's `Parameters_<Name>`). */
  protected jsonFind(base: string, steps: readonly JsonStep[], key: string): string {
    const { test, list } = this.nameValues(base, steps);
    const hit = `list_filter(${list}, lambda __e: json_extract_string(__e, ${this.constant('/Name')}) = ${this.str(key)})[1]`;
    return `(CASE WHEN ${test} THEN nullif(json_extract(${hit}, ${this.constant('/Value')}), ${this.constant('null')}) END)`;
  }

  /** The array as JSON text with `", "` and `": "` separators (Devo's `Parameters_Raw`). */
  protected jsonPairsText(base: string, steps: readonly JsonStep[]): string {
    const { test, list } = this.nameValues(base, steps);
    const raw = (k: string) =>
      `coalesce(CAST(json_extract(__e, ${this.constant(`/${k}`)}) AS VARCHAR), ${this.constant('null')})`;
    const item = `${this.str('{"Name": ')} || ${raw('Name')} || ${this.str(', "Value": ')} || ${raw('Value')} || ${this.str('}')}`;
    return `(CASE WHEN ${test} THEN ${this.str('[')} || array_to_string(list_transform(${list}, lambda __e: ${item}), ${this.constant(', ')}) || ${this.str(']')} END)`;
  }

  /** The names of the array's elements, as JSON text (Devo's `Parameters_Name_str`). */
  protected jsonNamesText(base: string, steps: readonly JsonStep[]): string {
    const { test, list } = this.nameValues(base, steps);
    return `(CASE WHEN ${test} THEN CAST(to_json(list_transform(${list}, lambda __e: json_extract_string(__e, ${this.constant('/Name')}))) AS VARCHAR) END)`;
  }

  protected toJson(e: TExpr, from: LType): string {
    if (from === 'timestamp') return `to_json(${this.toStr(this.expr(e), 'timestamp')})`;
    if (from === 'ip4') return `to_json(${this.ip4Text(this.expr(e))})`;
    return `to_json(${this.expr(e)})`;
  }

  protected arrayJson(x: string): string {
    return `CAST(to_json(${x}) AS VARCHAR)`;
  }

  protected jq(program: string, json: string): string {
    return `linq_jq(${program}, CAST(${json} AS VARCHAR))`;
  }

  protected contains(a: string, b: string): string {
    return this.fn('contains', a, b);
  }

  protected icontains(a: string, b: string): string {
    return `contains(lower(${a}), lower(${b}))`;
  }

  protected regexMatch(a: string, pattern: string): string {
    return this.fn('regexp_matches', a, pattern);
  }

  protected splitIndex(s: string, sep: string, i: { sql: string; literal: boolean }): string {
    return this.arrayIndex(this.fn('string_split', s, sep), i);
  }

  protected splitArray(s: string, sep: string): string {
    return this.fn('string_split', `coalesce(${s}, ${this.constant('')})`, sep);
  }

  protected splitRegexArray(s: string, pattern: string): string {
    return this.fn('regexp_split_to_array', `coalesce(${s}, ${this.constant('')})`, pattern);
  }

  protected arrayIndex(arr: string, i: { sql: string; literal: boolean }): string {
    if (i.literal) return `${arr}[${i.sql}]`;
    return `(CASE WHEN ${i.sql} >= 1 THEN ${arr}[${i.sql}] END)`;
  }

  protected substring(s: string, start: { sql: string; literal: boolean }, len?: string): string {
    return len === undefined
      ? this.fn('substr', s, start.sql)
      : this.fn('substr', s, start.sql, len);
  }

  protected regexReplace(s: string, pattern: string, template: string, all: boolean): string {
    return all
      ? this.fn('regexp_replace', s, pattern, template, this.constant('g'))
      : this.fn('regexp_replace', s, pattern, template);
  }

  protected textReplace(s: string, from: string, to: string, all: boolean): string {
    if (all) return this.fn('replace', s, from, to);
    const at = `strpos(${s}, ${from})`;
    return `(CASE WHEN ${at} > 0 AND length(${from}) > 0 THEN substr(${s}, 1, ${at} - 1) || ${to} || substr(${s}, ${at} + length(${from})) ELSE ${s} END)`;
  }

  protected peek(s: string, pattern: string, group: TExpr): string {
    return `nullif(regexp_extract(${s}, ${pattern}, CAST(${this.expr(group)} AS INTEGER)), ${this.constant('')})`;
  }

  protected join(arr: string, sep: string): string {
    return this.fn('array_to_string', arr, sep);
  }

  protected lpad0(s: string, width: number): string {
    return this.fn('lpad', s, `CAST(${this.int(width)} AS INTEGER)`, this.constant('0'));
  }

  protected arrayContains(arr: string, x: string): string {
    return this.fn('list_contains', arr, x);
  }

  protected arrayContainsIgnoreCase(arr: string, x: string): string {
    return `list_contains(list_transform(${arr}, lambda v: lower(v)), lower(${x}))`;
  }

  protected arrayLength(arr: string): string {
    return this.fn('len', arr);
  }

  protected roundDigits(x: string, digits: string): string {
    return this.fn('round', x, `CAST(${digits} AS INTEGER)`);
  }

  protected roundToInt(x: string): string {
    return this.toIntChecked(this.fn('round', x));
  }

  protected math(name: 'sqrt' | 'cbrt' | 'exp' | 'ln' | 'log10', x: string): string {
    if (name === 'sqrt') return `(CASE WHEN ${x} >= 0 THEN sqrt(${x}) END)`;
    if (name === 'ln' || name === 'log10')
      return `(CASE WHEN ${x} > 0 THEN ${this.fn(name, x)} END)`;
    return this.fn(name, x);
  }

  /**
   * Start of the `ms`-long bucket of a time: epoch-aligned (docs/linq.md, "Where m365hunt differs
   * from Devo").
   */
  protected period(ts: string, ms: number): string {
    return `epoch_ms((epoch_ms(${ts}) // ${this.int(ms)}) * ${this.int(ms)})`;
  }

  protected datePart(ts: string, part: DatePart): string {
    switch (part) {
      case 'millisecond':
        return `(millisecond(${ts}) % 1000)`;
      case 'dayofweek':
        return this.fn('isodow', ts);
      default:
        return this.fn(part, ts);
    }
  }

  protected parseDate(s: string, format: readonly DateFormatPiece[]): string {
    const fmt = format
      .map((p) =>
        'text' in p
          ? p.text.replace(/%/g, '%%')
          : ((
              {
                year: '%Y',
                month: '%m',
                day: '%d',
                hour: '%H',
                minute: '%M',
                second: '%S',
                millisecond: '%g',
              } as Record<string, string>
            )[p.part] ?? ''),
      )
      .join('');
    return this.fn('try_strptime', s, this.str(fmt));
  }

  // ---- aggregates

  protected aggregate(a: Aggregate, g: GroupPlan): string {
    const x = a.args[0] ? this.expr(a.args[0]) : '';
    const order = (): string => this.orderKey(g.orderKeys.map((k) => this.expr(k)));
    switch (a.op) {
      case 'count_star':
        return 'count(*)';
      case 'count':
        return `count(${x})`;
      case 'sum':
        return a.type === 'float' ? `sum(${x})` : this.castInt(`sum(${x})`);
      case 'avg':
        return `avg(${x})`;
      case 'min':
        return `min(${x})`;
      case 'max':
        return `max(${x})`;
      case 'first':
        return this.argBy(x, order(), 'min', true);
      case 'last':
        return this.argBy(x, order(), 'max', true);
      case 'nnfirst':
        return this.argBy(x, order(), 'min', false);
      case 'nnlast':
        return this.argBy(x, order(), 'max', false);
      case 'count_distinct':
        return a.type === 'float' ? `CAST(count(DISTINCT ${x}) AS DOUBLE)` : `count(DISTINCT ${x})`;
      case 'collect_distinct':
        return this.collectDistinct(x);
      case 'quantile':
        return this.quantile(x, a.fraction ?? 0.5);
      case 'stddev_pop':
      case 'stddev_samp':
      case 'var_pop':
      case 'var_samp':
        return this.statistic(a.op, x);
      case 'sum2':
        return `sum(CAST(${x} AS DOUBLE) * CAST(${x} AS DOUBLE))`;
    }
  }

  protected orderKey(keys: string[]): string {
    return keys.length === 1 ? keys[0]! : `(${keys.join(', ')})`;
  }

  protected argBy(x: string, order: string, dir: 'min' | 'max', withNulls: boolean): string {
    return `arg_${dir}${withNulls ? '_null' : ''}(${x}, ${order})`;
  }

  protected collectDistinct(x: string): string {
    return `list_sort(list_distinct(list(${x})))`;
  }

  protected quantile(x: string, fraction: number): string {
    return `quantile_cont(CAST(${x} AS DOUBLE), ${this.param(fraction, 'float')})`;
  }

  protected statistic(
    op: 'stddev_pop' | 'stddev_samp' | 'var_pop' | 'var_samp',
    x: string,
  ): string {
    return `${op}(${x})`;
  }
}

function isIntLike(e: TExpr): boolean {
  return e.type === 'int' || e.type === 'duration' || e.type === 'ip4';
}

function litOf(e: TExpr): LitValue {
  if (e.k !== 'lit') throw new Error('expected a literal');
  return e.value;
}

function unreachable(op: Op): never {
  throw new Error(`no SQL for ${op}`);
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
