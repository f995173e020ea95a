// The checker: resolves tables, fields and functions against the catalog and the function table,
// infers types, applies LINQ's conversions, and turns the pipeline of operations into a plan of
// segments separated by groups (docs/linq.md, "The language"). Every mistake becomes a positioned
// LinqError.
import type { LookupCatalog } from '../store/lookups.js';
import type { Catalog, ColumnDef, LogicalTable } from '../store/schema.js';
import type { Dialect } from '../store/store.js';
import type {
  Arg,
  CallExpr,
  CompareOp,
  Expr,
  GroupOp,
  Name,
  Query,
  SelectOp,
  Span,
} from './ast.js';
import { cidrBounds, convert, ip4Text, isLit, lit, nul, op, parseIp4 } from './build.js';
import { devoColumn, devoColumnNames } from './columns/index.js';
import { ip4OfText } from './functions/network.js';
import { lookupForm } from './lookup-form.js';
import { LinqError, didYouMean } from './errors.js';
import type { CheckedArg, FnContext, FunctionTable } from './functions/types.js';
import type { Aggregate, GroupPlan, OutputColumn, Plan, TExpr } from './ir.js';
import { printExpr } from './print.js';
import { formatTimestamp } from './time-range.js';
import { CONTEXTUAL_KEYWORDS, IDENT_RE, KEYWORDS } from './tokens.js';
import {
  arrayOf,
  columnLType,
  elementOf,
  isArray,
  isCompileTime,
  isNumeric,
  isOutputType,
  type LType,
} from './types.js';

export interface CheckOptions {
  readonly catalog: Catalog;
  readonly dialect: Dialect;
  readonly now: Date;
  readonly functions: FunctionTable;
  /** Whether the dialect runs jq programs that are not simple paths. */
  readonly jqPrograms: boolean;
  /** Output the internal `_seq` column of ungrouped queries. */
  readonly keepSeq: boolean;
  /** The lookups queries may read. */
  readonly lookups: LookupCatalog;
  /**
   * Ungrouped queries with a `select` also give every column of the table after the selected
   * ones (Devo's answer). False gives only the selected ones and `eventdate`: for callers that
   * read named columns (the alert engine, subqueries), so that the engine reads no more.
   */
  readonly tableColumns: boolean;
}

/**
 * Names that are never aliases: keywords, built-in identifiers (docs/linq.md, "Grammar, tokens and
 * types").
 */
const RESERVED_ALIASES = new Set([...KEYWORDS, ...CONTEXTUAL_KEYWORDS]);

/** Most inlined SQL an alias may stand for (guards against exponential alias chains). */
const MAX_EXPR_NODES = 20_000;

interface Binding {
  readonly expr: TExpr;
  readonly kind: 'column' | 'alias' | 'key' | 'bucket';
}

class Scope {
  readonly names = new Map<string, Binding>();
  /** Unaliased group keys by canonical text: `group by str(x)` is found again by `str(x)`. */
  readonly exprs = new Map<string, TExpr>();
  constructor(readonly segment: number) {}

  hasCaseInsensitive(name: string): string | undefined {
    const lower = name.toLowerCase();
    for (const n of this.names.keys()) if (n.toLowerCase() === lower) return n;
    return undefined;
  }
}

interface GroupBuild {
  every: number | null;
  eventdate: TExpr | null;
  keys: Array<{ sqlName: string; expr: TExpr }>;
  aggregates: Aggregate[];
  aggIndex: Map<string, TExpr>;
  orderKeys: TExpr[];
  ordSource: TExpr | null;
  emitOrd: boolean;
  span: Span;
}

interface Mention {
  readonly name: string;
  readonly expr: TExpr;
  readonly span: Span;
}

interface ExprCtx {
  readonly scope: Scope;
  /** Aggregates may appear (after a group, outside group keys). */
  readonly aggAllowed: boolean;
  /** Inside an aggregate's arguments. */
  readonly inAgg: boolean;
  /** Inside a group key. */
  readonly inKey?: boolean;
}

const COMPARE_FN: Record<string, 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'> = {
  '=': 'eq',
  '==': 'eq',
  '!=': 'ne',
  '/=': 'ne',
  '<': 'lt',
  '<=': 'le',
  '>': 'gt',
  '>=': 'ge',
};

const exprNodes = (e: TExpr): number => {
  if (e.k === 'op') {
    let n = 1;
    for (const a of e.args) n += exprNodes(a);
    return n;
  }
  if (e.k === 'in_sub') return e.value.reduce((n, v) => n + exprNodes(v), 1);
  return 1;
};

const planIds = new WeakMap<object, number>();
let nextPlanId = 0;

/** A stable key for an expression (aggregate de-duplication). */
export function exprKey(e: TExpr): string {
  return JSON.stringify(e, (k, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (k === 'plan' && v && typeof v === 'object') {
      let id = planIds.get(v);
      if (id === undefined) planIds.set(v, (id = nextPlanId++));
      return `plan#${id}`;
    }
    return v;
  });
}

export function checkQuery(text: string, query: Query, options: CheckOptions): Plan {
  return new Checker(text, options, 0).check(query);
}

class Checker {
  private table!: LogicalTable;
  private segment = 0;
  private scope!: Scope;
  private prevScope: Scope | null = null;
  private readonly filters: TExpr[][] = [[]];
  private readonly groups: GroupBuild[] = [];
  private mentions: Mention[] = [];
  private anySelect = false;
  private star = false;
  private counter = 0;
  private visible: readonly ColumnDef[] = [];
  private seqColumn: ColumnDef | undefined;
  private messageColumn: ColumnDef | undefined;

  constructor(
    private readonly text: string,
    private readonly options: CheckOptions,
    private readonly depth: number,
  ) {}

  private error(message: string, at: Span, hint?: string): never {
    throw new LinqError(message, this.text, at, hint);
  }

  private fresh(prefix: string): string {
    return `__${prefix}${++this.counter}`;
  }

  check(query: Query): Plan {
    const table = this.options.catalog.resolve(query.from.name);
    if (!table) {
      const names = this.options.catalog.names();
      this.error(
        `Unknown table \`${query.from.name}\``,
        query.from.span,
        didYouMean(query.from.name, names),
      );
    }
    this.table = table;
    this.visible = this.options.catalog.columns(table.family);
    this.seqColumn = table.family.columns.find((c) => c.derived === 'seq');
    this.messageColumn = table.family.columns.find((c) => c.derived === 'message');
    this.scope = new Scope(0);
    for (const c of this.visible) {
      this.scope.names.set(c.name, {
        expr: { k: 'col', name: c.name, type: columnLType(c.type) },
        kind: 'column',
      });
    }
    for (const o of query.ops) {
      if (o.kind === 'where') {
        for (const c of o.conditions) this.filters[this.segment]!.push(this.condition(c));
      } else if (o.kind === 'select') {
        this.select(o);
      } else {
        this.group(o);
      }
    }
    for (const p of query.pragmas) {
      if (p.name === 'tz') {
        const v = p.value;
        const zone =
          v.kind === 'str'
            ? v.value
            : v.kind === 'call' && v.args[0]?.kind === 'str'
              ? v.args[0].value
              : undefined;
        if (zone !== undefined && !/^(UTC|GMT|Etc\/UTC|Z)$/i.test(zone)) {
          this.error(
            'Only UTC is supported as `pragma tz`',
            p.span,
            'times are computed and shown in UTC',
          );
        }
      }
    }
    const outputs = this.outputs();
    if (outputs.length === 0) {
      const last = this.groups[this.groups.length - 1];
      this.error(
        'The query gives no columns',
        last?.span ?? query.span,
        'group by some keys, or select an aggregate after `group` (e.g. select count() as n)',
      );
    }
    const order = query.order.map((o) => {
      const expr = this.expr(o.expr, this.ctx());
      if (isCompileTime(expr.type) || isArray(expr.type)) {
        this.error(`Cannot order by a value of type ${expr.type}`, o.expr.span);
      }
      return { expr, desc: o.desc };
    });
    if (this.depth === 0) order.push(...this.defaultOrder());
    // a group that gives its position (__ord) takes it from the group before it
    for (let g = this.groups.length - 1; g > 0; g--) {
      if (this.groups[g]!.emitOrd) this.groups[g - 1]!.emitOrd = true;
    }
    const groups: GroupPlan[] = this.groups.map((g) => ({
      every: g.every,
      eventdate: g.eventdate,
      keys: g.keys,
      aggregates:
        g.ordSource && g.emitOrd
          ? [...g.aggregates, { sqlName: `__ord`, op: 'min', args: [g.ordSource], type: 'int' }]
          : g.aggregates,
      orderKeys: g.orderKeys,
      emitOrd: g.emitOrd,
    }));
    return {
      table,
      filters: this.filters,
      groups,
      outputs,
      order,
      limit: query.limit ? query.limit.value : null,
      offset: query.offset ? query.offset.value : null,
    };
  }

  private ctx(): ExprCtx {
    return { scope: this.scope, aggAllowed: this.segment > 0, inAgg: false };
  }

  private condition(e: Expr): TExpr {
    const t = this.expr(e, this.ctx());
    if (t.type === 'bool') return t;
    if (t.type === 'null') return nul('bool');
    this.error(
      `A condition must be true or false; this is ${t.type}`,
      e.span,
      t.type === 'json'
        ? 'compare it (… = "x"), or test it with isnotnull(…)'
        : 'compare it with a value, e.g. x = "y" or x > 0',
    );
  }

  // ---- select

  private checkAlias(alias: Name): void {
    const n = alias.name;
    if (!alias.quoted && RESERVED_ALIASES.has(n)) {
      this.error(`\`${n}\` is a keyword and cannot name a column`, alias.span);
    }
    if (
      n.startsWith('__') ||
      this.table.family.columns.some((c) => c.internal && c.name.toLowerCase() === n.toLowerCase())
    ) {
      this.error(`\`${n}\` is reserved for internal columns`, alias.span, 'choose another name');
    }
    const clash = this.scope.hasCaseInsensitive(n);
    if (clash !== undefined) {
      this.error(
        `Identifier \`${n}\` is used more than once${clash !== n ? ` (as \`${clash}\`)` : ''}`,
        alias.span,
        'names are compared without regard to case; choose another name',
      );
    }
  }

  private mention(name: string, expr: TExpr, at: Span): void {
    if (!isOutputType(expr.type)) {
      this.error(
        `A ${expr.type} value cannot be a column`,
        at,
        'use it inside a function such as matches(…) or jqeval(…)',
      );
    }
    if (!this.mentions.some((m) => m.name === name)) this.mentions.push({ name, expr, span: at });
  }

  private select(o: SelectOp): void {
    this.anySelect = true;
    for (const item of o.items) {
      if (item.kind === 'star') {
        this.star = true;
        continue;
      }
      const expr = this.expr(item.expr, this.ctx());
      if (item.alias) {
        this.checkAlias(item.alias);
        if (exprNodes(expr) > MAX_EXPR_NODES) {
          this.error('This expression is too large once its names are expanded', item.expr.span);
        }
        this.scope.names.set(item.alias.name, { expr, kind: 'alias' });
        this.mention(item.alias.name, expr, item.span);
      } else if (item.expr.kind === 'name') {
        this.mention(item.expr.name, expr, item.span);
      } else {
        const written = this.text.slice(item.expr.span.start, item.expr.span.end);
        this.mention(written, expr, item.span);
      }
    }
  }

  // ---- group

  private group(o: GroupOp): void {
    if (o.align) {
      this.error(
        'Aligning buckets (`every P | origin`) is not supported',
        o.align.span,
        'buckets start at multiples of the period since 1970-01-01 UTC',
      );
    }
    const every = o.every?.ms ?? null;
    const ctx: ExprCtx = { scope: this.scope, aggAllowed: false, inAgg: false, inKey: true };
    const eventdateBinding = this.scope.names.get('eventdate');
    let eventdate: TExpr | null = null;
    if (every !== null) {
      if (
        !eventdateBinding ||
        (eventdateBinding.kind !== 'column' && eventdateBinding.kind !== 'bucket')
      ) {
        this.error(
          '`every` needs `eventdate`, and the previous group had no time buckets',
          o.every!.span,
          'add `every` to the previous group too',
        );
      }
      eventdate = eventdateBinding.expr;
    }
    const gi = this.groups.length;
    const keys: Array<{ sqlName: string; expr: TExpr; name: string; canon?: string; span: Span }> =
      [];
    for (const k of o.keys) {
      const expr = this.expr(k.expr, ctx);
      if (isCompileTime(expr.type)) this.error(`Cannot group by a ${expr.type} value`, k.expr.span);
      let name: string;
      let canon: string | undefined;
      if (k.alias) {
        this.checkAlias(k.alias);
        name = k.alias.name;
      } else if (k.expr.kind === 'name') {
        name = k.expr.name;
      } else {
        name = this.text.slice(k.expr.span.start, k.expr.span.end);
        canon = printExpr(k.expr);
      }
      if (keys.some((x) => x.name === name)) this.error(`\`${name}\` is a group key twice`, k.span);
      if (name === 'eventdate' && every !== null) {
        this.error(
          '`eventdate` is the time bucket of `group every`; it cannot also be a key',
          k.span,
        );
      }
      keys.push({
        sqlName: this.fresh('k'),
        expr,
        name,
        ...(canon ? { canon } : {}),
        span: k.span,
      });
    }
    // order of rows for first()/last()
    let orderKeys: TExpr[];
    let ordSource: TExpr;
    if (gi === 0) {
      orderKeys = [{ k: 'col', name: 'eventdate', type: 'timestamp' }];
      if (this.seqColumn) orderKeys.push({ k: 'col', name: this.seqColumn.name, type: 'int' });
      ordSource = this.seqColumn
        ? { k: 'col', name: this.seqColumn.name, type: 'int' }
        : op('epoch', [{ k: 'col', name: 'eventdate', type: 'timestamp' }], 'int');
    } else {
      const prev = this.groups[gi - 1]!;
      orderKeys = [];
      if (prev.every !== null) orderKeys.push({ k: 'col', name: `__b${gi}`, type: 'timestamp' });
      orderKeys.push({ k: 'col', name: '__ord', type: 'int' });
      ordSource = { k: 'col', name: '__ord', type: 'int' };
    }
    this.groups.push({
      every,
      eventdate,
      keys: keys.map((k) => ({ sqlName: k.sqlName, expr: k.expr })),
      aggregates: [],
      aggIndex: new Map(),
      orderKeys,
      ordSource,
      emitOrd: false,
      span: o.span,
    });
    // the new segment
    this.prevScope = this.scope;
    this.segment++;
    this.filters.push([]);
    this.scope = new Scope(this.segment);
    this.mentions = [];
    this.anySelect = false;
    this.star = false;
    if (every !== null) {
      this.scope.names.set('eventdate', {
        expr: { k: 'col', name: `__b${gi + 1}`, type: 'timestamp' },
        kind: 'bucket',
      });
    }
    for (const k of keys) {
      const ref: TExpr = { k: 'col', name: k.sqlName, type: k.expr.type };
      this.scope.names.set(k.name, { expr: ref, kind: 'key' });
      if (k.canon) this.scope.exprs.set(k.canon, ref);
    }
    this.groupKeys.push(
      keys.map((k) => ({ name: k.name, ref: { k: 'col', name: k.sqlName, type: k.expr.type } })),
    );
  }

  private readonly groupKeys: Array<Array<{ name: string; ref: TExpr }>> = [];

  // ---- outputs (docs/linq.md, "Grammar, tokens and types")

  private outputs(): OutputColumn[] {
    const cols: Array<{ name: string; expr: TExpr; origin: 'query' | 'table' }> = [];
    const add = (name: string, expr: TExpr, origin: 'query' | 'table' = 'query') => {
      if (!cols.some((c) => c.name === name)) cols.push({ name, expr, origin });
    };
    const tableColumns = () => {
      for (const c of this.visible)
        add(c.name, { k: 'col', name: c.name, type: columnLType(c.type) }, 'table');
    };
    if (this.segment === 0) {
      // Devo's search shows the table's columns and the ones `select` creates; its API puts the
      // selected and created columns first (docs/linq.md, "What a query returns").
      for (const m of this.mentions) add(m.name, m.expr);
      if (!this.anySelect || this.star || this.options.tableColumns) tableColumns();
      else if (this.scope.names.has('eventdate'))
        add('eventdate', this.scope.names.get('eventdate')!.expr, 'table');
    } else {
      const g = this.groups[this.segment - 1]!;
      if (g.every !== null)
        add('eventdate', { k: 'col', name: `__b${this.segment}`, type: 'timestamp' });
      for (const k of this.groupKeys[this.segment - 1]!) add(k.name, k.ref);
      for (const m of this.mentions) add(m.name, m.expr);
    }
    if (this.options.keepSeq && this.segment === 0 && this.seqColumn && this.depth === 0) {
      cols.push({
        name: this.seqColumn.name,
        expr: { k: 'col', name: this.seqColumn.name, type: 'int' },
        origin: 'table',
      });
    }
    const used = new Set<string>();
    return cols.map((c) => {
      let sqlName =
        IDENT_RE.test(c.name) && !c.name.startsWith('__') && !used.has(c.name.toLowerCase())
          ? c.name
          : this.fresh('c');
      if (c.name === this.seqColumn?.name && this.options.keepSeq) sqlName = c.name;
      used.add(sqlName.toLowerCase());
      return { name: c.name, sqlName, expr: c.expr, type: c.expr.type, origin: c.origin };
    });
  }

  /**
   * The order of rows when the query gives none: by event time, oldest first, then in ingest
   * order (stable), as Devo's Query API streams a range from its start; grouped answers by time
   * bucket, then by their keys. A query's own `order by` keeps these as tie-breakers.
   */
  private defaultOrder(): Array<{ expr: TExpr; desc: boolean }> {
    if (this.segment === 0) {
      const order: Array<{ expr: TExpr; desc: boolean }> = [
        { expr: { k: 'col', name: 'eventdate', type: 'timestamp' }, desc: false },
      ];
      if (this.seqColumn)
        order.push({ expr: { k: 'col', name: this.seqColumn.name, type: 'int' }, desc: false });
      return order;
    }
    const g = this.groups[this.segment - 1]!;
    const order: Array<{ expr: TExpr; desc: boolean }> = [];
    if (g.every !== null)
      order.push({
        expr: { k: 'col', name: `__b${this.segment}`, type: 'timestamp' },
        desc: false,
      });
    for (const k of g.keys) {
      if (!isArray(k.expr.type) && k.expr.type !== 'json')
        order.push({ expr: { k: 'col', name: k.sqlName, type: k.expr.type }, desc: false });
    }
    return order;
  }

  // ---- expressions

  expr(e: Expr, ctx: ExprCtx): TExpr {
    const t = this.exprInner(e, ctx);
    if (t.k === 'op') {
      const leaked = t.args.find((a) => a.k === 'compile');
      if (leaked) {
        this.error(
          `A ${leaked.type} value can only be an argument of the functions that take one`,
          e.span,
          leaked.type === 'jq'
            ? 'use it in jqeval(…)'
            : leaked.type === 'template'
              ? 'use it in subs(…)'
              : 'use it in matches(…), `~`, peek(…), splitre(…) or subs(…)',
        );
      }
    }
    return t;
  }

  private exprInner(e: Expr, ctx: ExprCtx): TExpr {
    if (ctx.scope.segment > 0 && ctx.scope.exprs.size > 0 && e.kind !== 'name') {
      const hit = ctx.scope.exprs.get(printExpr(e));
      if (hit) return hit;
    }
    switch (e.kind) {
      case 'str':
        return lit(e.value, 'str');
      case 'int':
        return lit(e.value, 'int');
      case 'float':
        if (!Number.isFinite(e.value)) this.error('Number out of range', e.span);
        return lit(e.value, 'float');
      case 'bool':
        return lit(e.value, 'bool');
      case 'null':
        return nul('null');
      case 'duration':
        return lit(BigInt(e.ms), 'duration');
      case 'ip4':
        return lit(BigInt(e.value), 'ip4');
      case 'cidr4': {
        const { lo } = cidrBounds(e.value, e.bits);
        return lit(`${ip4Text(lo)}/${e.bits}`, 'net4');
      }
      case 'name':
        return this.name(e.name, e.span, ctx);
      case 'call':
        return this.call(e, ctx);
      case 'unary': {
        const operand = this.expr(e.operand, ctx);
        if (e.op === 'not') {
          const b = this.asBool(operand, e.operand.span, '`not`');
          return op('not', [b], 'bool');
        }
        if (isNumeric(operand.type) || operand.type === 'duration')
          return op('neg', [operand], operand.type);
        if (operand.type === 'null') return operand;
        this.error(`Cannot negate a ${operand.type} value`, e.span);
        break;
      }
      case 'binary':
        return this.binary(e, ctx);
      case 'compare': {
        const parts: TExpr[] = [];
        let left = e.first;
        let leftT = this.expr(e.first, ctx);
        for (const link of e.rest) {
          const rightT = this.expr(link.operand, ctx);
          parts.push(
            this.compareOp(link.op, leftT, rightT, left.span, link.operand.span, link.opSpan),
          );
          left = link.operand;
          leftT = rightT;
        }
        return parts.length === 1 ? parts[0]! : op('and', parts, 'bool');
      }
      case 'in':
        return this.inExpr(e.value, e.container, e.negated, ctx);
      case 'isnull': {
        const operand = this.expr(e.operand, ctx);
        return op(e.negated ? 'isnotnull' : 'isnull', [operand], 'bool');
      }
      case 'index':
        return this.index(e.target, e.keys, ctx, e.span);
      case 'set':
      case 'array':
        return this.arrayValue(e.elements, ctx, e.span);
      case 'tuple':
        this.error('A tuple can only be compared with `in` and a subquery', e.span);
        break;
      case 'subquery':
        this.error('A subquery can only follow `in`', e.span, 'write `field in (from …)`');
    }
    throw new Error('unreachable');
  }

  private asBool(t: TExpr, at: Span, what: string): TExpr {
    if (t.type === 'bool') return t;
    if (t.type === 'null') return nul('bool');
    this.error(`${what} needs a true/false value; this is ${t.type}`, at);
  }

  private name(name: string, at: Span, ctx: ExprCtx): TExpr {
    const b = ctx.scope.names.get(name);
    if (b) return b.expr;
    const scope = ctx.scope;
    if (scope.segment === 0) {
      const devo = devoColumn(this.table.family, name);
      if (devo) return devo;
    }
    if (scope.segment > 0 && this.prevScope && !ctx.inAgg) {
      if (this.prevScope.names.has(name) || this.visible.some((c) => c.name === name)) {
        this.error(
          `\`${name}\` does not exist after \`group\`: it is not a group key`,
          at,
          `group by it, or carry it with last(${name}) or first(${name})`,
        );
      }
    }
    if (this.table.family.columns.some((c) => c.internal && c.name === name)) {
      this.error(`\`${name}\` is an internal column`, at);
    }
    let hint = didYouMean(name, [
      ...scope.names.keys(),
      ...(scope.segment === 0 ? devoColumnNames(this.table.family) : []),
    ]);
    if (!hint && /^(rawMessage|raw|rawSource)$/.test(name))
      hint = 'the raw record is the `message` column';
    if (!hint && this.options.functions.has(name))
      hint = `\`${name}\` is a function: write ${name}(…)`;
    if (!hint && scope.segment === 0 && this.messageColumn)
      hint = `for a field of the record that is not a column: jsonparse(${this.messageColumn.name})["${name}"]`;
    this.error(`Unknown identifier \`${name}\``, at, hint);
  }

  private fnContext(call: CallExpr): FnContext {
    const err = (m: string, s: Span, h?: string): never => this.error(m, s, h);
    const conv = (a: CheckedArg, to: LType, what?: string): TExpr => {
      if (a.expr.type === 'json' && to === 'str' && what !== 'json-ok') {
        // str() of json is explicit in LINQ: a json value is not silently a string
        err(
          `\`${call.name}\` needs a str here; this is json`,
          a.span,
          'use str(…) for the bare value, or stringify(…) for the JSON text',
        );
      }
      if (isCompileTime(a.expr.type) || (isArray(a.expr.type) && to !== a.expr.type)) {
        err(`\`${call.name}\` needs a ${to} here; this is ${a.expr.type}`, a.span);
      }
      if (to === 'timestamp' || to === 'ip4') {
        const c = convert(a.expr, to);
        if (c && c.k === 'null' && a.expr.k === 'lit') {
          err(
            `Cannot read ${JSON.stringify(String(a.expr.value))} as ${to === 'ip4' ? 'an IPv4 address' : 'a time'}`,
            a.span,
          );
        }
        if (c) return c;
      }
      const c = convert(a.expr, to);
      if (!c) err(`\`${call.name}\` needs a ${to} here; this is ${a.expr.type}`, a.span);
      return c!;
    };
    const jsonParse = (e: TExpr) => this.jsonParse(e);
    return {
      call,
      dialect: this.options.dialect,
      now: this.options.now,
      jqPrograms: this.options.jqPrograms,
      lookups: this.options.lookups,
      error: err,
      str: (a) => conv(a, 'str'),
      int: (a) => conv(a, 'int'),
      number: (a) =>
        isNumeric(a.expr.type) ? a.expr : a.expr.type === 'null' ? nul('float') : conv(a, 'float'),
      timestamp: (a) => conv(a, 'timestamp'),
      ip4: (a) => conv(a, 'ip4'),
      bool: (a) =>
        a.expr.type === 'bool' ? a.expr : a.expr.type === 'null' ? nul('bool') : conv(a, 'bool'),
      json: (a) => {
        if (a.expr.type === 'json') return a.expr;
        if (a.expr.type === 'str') return jsonParse(a.expr);
        return conv(a, 'json');
      },
      to: (a, t) => conv(a, t, 'json-ok'),
      literalString(a, what) {
        if (a.expr.k === 'lit' && a.expr.type === 'str') return a.expr.value as string;
        err(`${what} must be a string literal`, a.span);
        return '';
      },
      literalInt(a, what) {
        if (a.expr.k === 'lit' && a.expr.type === 'int') {
          const v = a.expr.value as bigint;
          if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER))
            err(`${what} is too large`, a.span);
          return Number(v);
        }
        err(`${what} must be a whole number literal`, a.span);
        return 0;
      },
      literalBool(a, what) {
        if (a.expr.k === 'lit' && a.expr.type === 'bool') return a.expr.value as boolean;
        err(`${what} must be \`true\` or \`false\``, a.span);
        return false;
      },
      compiled(a, kinds, what) {
        if (a.expr.k === 'compile' && kinds.includes(a.expr.value.kind)) return a.expr.value;
        const hint =
          a.expr.type === 'str' && kinds.includes('regex')
            ? `write re(${a.node.kind === 'str' ? JSON.stringify(a.node.value) : '"…"'})`
            : a.expr.type === 'str' && kinds.includes('jq')
              ? 'write jqcompile("…")'
              : a.expr.type === 'str' && kinds.includes('template')
                ? 'write template("…")'
                : undefined;
        err(`${what}; this is ${a.expr.type}`, a.span, hint);
        throw new Error('unreachable');
      },
      compare: (o, a, b) => this.compare(o, a.expr, b.expr, a.span, b.span),
      common: (args, what) => this.common(args, what),
      contains: (hay, needle, ci) =>
        this.contains(hay.expr, needle.expr, hay.span, needle.span, ci),
      arith: (o, a, b) => this.arith(o, a.expr, b.expr, a.span, b.span, call.nameSpan),
      trustedJson: (e) => e.k === 'col' && e.name === this.messageColumn?.name,
    };
  }

  jsonParse(e: TExpr): TExpr {
    if (e.type === 'json') return e;
    const trusted = e.k === 'col' && e.name === this.messageColumn?.name;
    return op('json_parse', [e], 'json', { trusted: trusted || undefined });
  }

  private common(args: readonly CheckedArg[], what: string): LType {
    const types = args.map((a) => a.expr.type).filter((t) => t !== 'null');
    if (types.length === 0) return 'null';
    const first = types[0]!;
    if (types.every((t) => t === first)) return first;
    if (types.every(isNumeric)) return 'float';
    if (
      types.every(
        (t) =>
          t === 'str' ||
          t === 'json' ||
          isNumeric(t) ||
          t === 'bool' ||
          t === 'ip4' ||
          t === 'timestamp',
      )
    ) {
      return 'str';
    }
    const bad = args.find((a) => a.expr.type !== first && a.expr.type !== 'null')!;
    this.error(`${what}: values of type ${first} and ${bad.expr.type} cannot be mixed`, bad.span);
  }

  private call(e: CallExpr, ctx: ExprCtx): TExpr {
    const fns = this.options.functions;
    if (e.quoted && e.name.startsWith('lu/')) return this.call(lookupForm(e, this.text), ctx);
    const def = fns.get(e.name);
    if (!def) {
      if (e.name === 'countdistinct') {
        this.error(
          'No function named `countdistinct`',
          e.nameSpan,
          'use sizedistinct(f) (exact) or hllppcount(f)',
        );
      }
      const local = ctx.scope.names.has(e.name);
      this.error(
        `No function named \`${e.name}\``,
        e.nameSpan,
        didYouMean(e.name, fns.keys()) ??
          (local ? `\`${e.name}\` is a column, not a function` : undefined),
      );
    }
    const n = e.args.length;
    if (n < def.min || n > def.max) {
      const range =
        def.min === def.max
          ? `${def.min}`
          : def.max === Infinity
            ? `at least ${def.min}`
            : `${def.min} to ${def.max}`;
      this.error(
        `\`${e.name}\` takes ${range} argument${def.max === 1 && def.min === 1 ? '' : 's'}, not ${n}`,
        e.span,
        `usage: ${def.signature}`,
      );
    }
    let argCtx = ctx;
    if (def.kind === 'aggregate') {
      if (ctx.inAgg) this.error('Aggregates cannot be nested', e.span);
      if (!ctx.aggAllowed) {
        if (ctx.scope.segment === 0 && !ctx.inKey) {
          this.error(
            `The aggregate \`${e.name}\` needs a \`group\` before it`,
            e.span,
            'add `group` (one row for the whole range) or `group by <keys>` before this clause',
          );
        }
        this.error(`A group key cannot be an aggregate (\`${e.name}\`)`, e.span);
      }
      argCtx = { scope: this.prevScope!, aggAllowed: false, inAgg: true };
    }
    const args: CheckedArg[] = e.args.map((a: Arg) => {
      if (a.kind === 'star') {
        if (def.kind !== 'aggregate' || !def.star)
          this.error(`\`*\` is not an argument of \`${e.name}\``, a.span);
        return { expr: nul('null'), span: a.span, node: a };
      }
      return { expr: this.expr(a, argCtx), span: a.span, node: a };
    });
    const fctx = this.fnContext(e);
    if (def.kind === 'scalar') return def.check(args, fctx);
    const spec = def.check(args, fctx);
    const group = this.groups[ctx.scope.segment - 1]!;
    const key = exprKey({
      k: 'op',
      op: 'udf',
      args: spec.args,
      type: spec.type,
      data: { udf: `${spec.op}/${spec.fraction ?? ''}` },
    });
    const known = group.aggIndex.get(key);
    if (known) return known;
    const sqlName = this.fresh('a');
    group.aggregates.push({
      sqlName,
      op: spec.op,
      args: spec.args,
      type: spec.type,
      ...(spec.fraction !== undefined ? { fraction: spec.fraction } : {}),
    });
    if (
      spec.op === 'first' ||
      spec.op === 'last' ||
      spec.op === 'nnfirst' ||
      spec.op === 'nnlast'
    ) {
      const gi = ctx.scope.segment - 1;
      if (gi > 0) this.groups[gi - 1]!.emitOrd = true;
    }
    const ref: TExpr = { k: 'col', name: sqlName, type: spec.type };
    group.aggIndex.set(key, ref);
    return ref;
  }

  // ---- operators

  private binary(e: Extract<Expr, { kind: 'binary' }>, ctx: ExprCtx): TExpr {
    const l = this.expr(e.left, ctx);
    const r = this.expr(e.right, ctx);
    if (e.op === 'and' || e.op === 'or') {
      return op(
        e.op,
        [this.asBool(l, e.left.span, `\`${e.op}\``), this.asBool(r, e.right.span, `\`${e.op}\``)],
        'bool',
      );
    }
    return this.arith(e.op, l, r, e.left.span, e.right.span, e.opSpan);
  }

  arith(
    o: '+' | '-' | '*' | '/' | '\\' | '%' | '%%',
    l: TExpr,
    r: TExpr,
    ls: Span,
    rs: Span,
    os: Span,
  ): TExpr {
    const lt = l.type === 'json' ? 'json' : l.type;
    const rt = r.type === 'json' ? 'json' : r.type;
    const bad = (): never =>
      this.error(
        `\`${o}\` cannot combine ${lt} and ${rt}`,
        os,
        o === '+' && (lt === 'json' || rt === 'json') ? 'use str(…) on the json value' : undefined,
      );
    if (lt === 'null' || rt === 'null') {
      const other = lt === 'null' ? rt : lt;
      return nul(o === '/' ? 'float' : o === '\\' ? 'int' : other === 'null' ? 'null' : other);
    }
    if (o === '+') {
      if (isArray(lt)) {
        if (isArray(rt)) return op('arr_concat', [l, r], lt);
        const c = convert(r, elementOf(lt));
        if (!c) bad();
        return op('arr_append', [l, c!], lt);
      }
      if (lt === 'str' || rt === 'str') {
        const a = lt === 'str' ? l : convert(l, 'str');
        const b = rt === 'str' ? r : convert(r, 'str');
        if (!a || !b || lt === 'json' || rt === 'json') bad();
        return op('concat', [a!, b!], 'str');
      }
      if (lt === 'timestamp' && rt === 'duration') return this.tsShift(l, r, 1);
      if (lt === 'duration' && rt === 'timestamp') return this.tsShift(r, l, 1);
    }
    if (o === '-') {
      if (lt === 'timestamp' && rt === 'duration') return this.tsShift(l, r, -1);
      if (lt === 'timestamp' && rt === 'timestamp') return op('ts_diff', [l, r], 'duration');
    }
    const num = (t: LType) => isNumeric(t) || t === 'duration';
    if (!num(lt) || !num(rt)) bad();
    if (lt === 'duration' || rt === 'duration') {
      if ((o === '+' || o === '-') && lt === rt)
        return op(o === '+' ? 'add' : 'sub', [l, r], 'duration');
      if (o === '*' && (isNumeric(lt) || isNumeric(rt))) return op('mul', [l, r], 'duration');
      if (o === '/') return op('rdiv', [l, r], 'float');
      if (o === '\\' && isNumeric(rt)) return op('idiv', [l, r], 'duration');
      bad();
    }
    const type: LType = lt === 'int' && rt === 'int' ? 'int' : 'float';
    switch (o) {
      case '+':
        return op('add', [l, r], type);
      case '-':
        return op('sub', [l, r], type);
      case '*':
        return op('mul', [l, r], type);
      case '/':
        return op('rdiv', [l, r], 'float');
      case '\\':
        return op('idiv', [l, r], 'int');
      case '%':
        return op('rem', [l, r], type);
      case '%%':
        return op('mod', [l, r], type);
    }
  }

  private tsShift(ts: TExpr, d: TExpr, sign: 1 | -1): TExpr {
    if (ts.k === 'lit' && d.k === 'lit') {
      const t =
        Date.parse(`${String(ts.value).replace(' ', 'T')}Z`) + sign * Number(d.value as bigint);
      if (Number.isFinite(t)) return lit(formatTimestamp(new Date(t)), 'timestamp');
    }
    return op(sign === 1 ? 'ts_add' : 'ts_sub', [ts, d], 'timestamp');
  }

  /** Brings two values to one type for a comparison (docs/linq.md, "Grammar, tokens and types"). */
  unify(a: TExpr, b: TExpr, as: Span, bs: Span, at: Span): [TExpr, TExpr] {
    if (a.type === 'json' && b.type === 'json')
      return [op('json_text', [a], 'str'), op('json_text', [b], 'str')];
    if (a.type === 'json') return this.unify(op('json_str', [a], 'str'), b, as, bs, at);
    if (b.type === 'json') return this.unify(a, op('json_str', [b], 'str'), as, bs, at);
    if (a.type === b.type) {
      if (isCompileTime(a.type) || isArray(a.type))
        this.error(`Cannot compare ${a.type} values`, at);
      return [a, b];
    }
    if (a.type === 'null') return [nul(b.type), b];
    if (b.type === 'null') return [a, nul(a.type)];
    const numeric = (t: LType) => isNumeric(t) || t === 'duration' || t === 'ip4';
    if (numeric(a.type) && numeric(b.type)) {
      if (a.type === 'float' || b.type === 'float') {
        return [
          convert({ ...a, type: a.type === 'float' ? 'float' : 'int' } as TExpr, 'float')!,
          convert({ ...b, type: b.type === 'float' ? 'float' : 'int' } as TExpr, 'float')!,
        ];
      }
      return [a, b];
    }
    const literalTo = (l: TExpr, to: LType, ls: Span): TExpr | null => {
      const c = convert(l, to);
      if (c && c.k === 'null' && (to === 'timestamp' || to === 'ip4')) {
        this.error(
          `Cannot read ${JSON.stringify(String((l as { value: unknown }).value))} as ${to === 'ip4' ? 'an IPv4 address' : 'a time'}`,
          ls,
        );
      }
      return c;
    };
    if (isLit(b) && !isLit(a)) {
      const c = literalTo(b, a.type, bs);
      if (c) return [a, c];
    }
    if (isLit(a) && !isLit(b)) {
      const c = literalTo(a, b.type, as);
      if (c) return [c, b];
    }
    if (a.type === 'str' && !isCompileTime(b.type) && !isArray(b.type)) {
      const c = convert(a, b.type);
      if (c) return [c, b];
    }
    if (b.type === 'str' && !isCompileTime(a.type) && !isArray(a.type)) {
      const c = convert(b, a.type);
      if (c) return [a, c];
    }
    this.error(`Cannot compare ${a.type} with ${b.type}`, at);
  }

  compare(
    o: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge',
    a: TExpr,
    b: TExpr,
    as: Span,
    bs: Span,
    at?: Span,
  ): TExpr {
    if ((a.k === 'null' && a.type === 'null') || (b.k === 'null' && b.type === 'null')) {
      const other = a.k === 'null' && a.type === 'null' ? b : a;
      if (o === 'eq') return op('isnull', [other], 'bool');
      if (o === 'ne') return op('isnotnull', [other], 'bool');
      return nul('bool');
    }
    const [x, y] = this.unify(a, b, as, bs, at ?? { start: as.start, end: bs.end });
    return op(o, [x, y], 'bool');
  }

  private compareOp(o: CompareOp, l: TExpr, r: TExpr, ls: Span, rs: Span, os: Span): TExpr {
    const fn = COMPARE_FN[o];
    if (fn) return this.compare(fn, l, r, ls, rs, os);
    if (o === '->') return this.contains(l, r, ls, rs, false);
    if (o === '->>') return this.contains(l, r, ls, rs, true);
    if (o === '<-') return this.contains(r, l, rs, ls, false);
    // `~`
    if (r.k !== 'compile' || (r.value.kind !== 'regex' && r.value.kind !== 'glob')) {
      this.error(
        '`~` needs a regular expression on its right',
        rs,
        r.type === 'str' ? 'write re("…")' : undefined,
      );
    }
    return this.regexMatch(l, r.value.pattern, ls);
  }

  regexMatch(l: TExpr, pattern: string, ls: Span): TExpr {
    const s = this.stringOperand(l, ls);
    return op('regex', [s, lit(pattern, 'str')], 'bool');
  }

  private stringOperand(e: TExpr, at: Span): TExpr {
    if (e.type === 'str') return e;
    if (e.type === 'json') {
      this.error(
        'A json value is not a string',
        at,
        'use str(…) for the bare value, or stringify(…) for the JSON text',
      );
    }
    const c = isCompileTime(e.type) || isArray(e.type) ? null : convert(e, 'str');
    if (!c) this.error(`Expected a str; this is ${e.type}`, at);
    return c!;
  }

  /** `hay -> needle` (has), `->>` (weakhas), `needle <- hay` (in). */
  contains(hay: TExpr, needle: TExpr, hs: Span, ns: Span, ci: boolean): TExpr {
    if (hay.type === 'null' || needle.type === 'null') return nul('bool');
    if (isArray(hay.type)) {
      const el = elementOf(hay.type);
      const c = el === 'null' ? needle : convert(needle, el);
      if (!c) this.error(`Cannot look for a ${needle.type} in an ${hay.type}`, ns);
      return op(ci ? 'arr_icontains' : 'arr_contains', [hay, c!], 'bool');
    }
    if (hay.type === 'net4' && hay.k === 'lit') {
      const [ip, bits] = String(hay.value).split('/');
      const { lo, hi } = cidrBounds(Number(parseIp4(ip!)), Number(bits));
      // a text address in any of its forms (::ffff:a.b.c.d, Microsoft's ffff:a.b.c.d)
      const ipExpr =
        needle.type === 'ip4'
          ? needle
          : needle.type === 'str'
            ? ip4OfText(needle)
            : convert(needle, 'ip4');
      if (!ipExpr || needle.type === 'json')
        this.error(`Cannot test whether a ${needle.type} is in a network`, ns);
      return op('between', [ipExpr!, lit(lo, 'ip4'), lit(hi, 'ip4')], 'bool');
    }
    const h = this.stringOperand(hay, hs);
    const n = this.stringOperand(needle, ns);
    return op(ci ? 'icontains' : 'contains', [h, n], 'bool');
  }

  private inExpr(value: Expr, container: Expr, negated: boolean, ctx: ExprCtx): TExpr {
    if (container.kind === 'subquery') {
      const values =
        value.kind === 'tuple'
          ? value.elements.map((v) => this.expr(v, ctx))
          : [this.expr(value, ctx)];
      const plan = this.subquery(container, values.length);
      const converted = values.map((v, i) => {
        const want = plan.outputs[i]!.type;
        const c = v.type === want ? v : convert(v, want);
        if (!c)
          this.error(`Cannot compare ${v.type} with the subquery's ${want} column`, value.span);
        return c!;
      });
      return { k: 'in_sub', value: converted, plan, negated, type: 'bool' };
    }
    const x0 = this.expr(value, ctx);
    if (container.kind !== 'set' && container.kind !== 'array') {
      this.error('`in` needs a set {…}, an array […] or a subquery', container.span);
    }
    const x = x0.type === 'json' ? op('json_str', [x0], 'str') : x0;
    if (x.type === 'null') {
      for (const el of container.elements) this.expr(el, ctx);
      return nul('bool');
    }
    if (isCompileTime(x.type) || isArray(x.type))
      this.error(`Cannot look for a ${x.type} value in a set`, value.span);
    const elems: TExpr[] = [];
    for (const el of container.elements) {
      const t = this.expr(el, ctx);
      if (x.type === 'str' && (t.type === 'ip4' || t.type === 'net4')) {
        this.error(
          `Cannot look for a str in a set of ${t.type}: an unquoted address is an ip4 value`,
          el.span,
          'quote the address for a str field ("203.0.113.10"), or convert the field with ip4(…)',
        );
      }
      if (t.type === 'net4')
        this.error('Networks cannot be in a set; use `<-` for CIDR membership', el.span);
      const c = t.type === x.type ? t : t.type === 'null' ? nul(x.type) : convert(t, x.type);
      if (!c || isArray(t.type) || isCompileTime(t.type))
        this.error(`Cannot look for a ${x.type} among ${t.type} values`, el.span);
      elems.push(c!);
    }
    // null elements match nothing (engines disagree on NULL inside IN lists); literal values form an
    // IN list, other expressions are compared one by one
    const literals = elems.filter((e) => e.k === 'lit');
    const others = elems.filter((e) => e.k !== 'lit' && e.k !== 'null');
    const parts: TExpr[] = [];
    if (literals.length > 0) parts.push(op('in_list', [x, ...literals], 'bool'));
    for (const e of others) parts.push(op('eq', [x, e], 'bool'));
    if (parts.length === 0)
      return negated
        ? op('isnotnull', [x], 'bool')
        : op('and', [op('isnotnull', [x], 'bool'), lit(false, 'bool')], 'bool');
    if (negated && others.length === 0) return op('not_in_list', [x, ...literals], 'bool');
    const any = parts.length === 1 ? parts[0]! : op('or', parts, 'bool');
    return negated ? op('not', [any], 'bool') : any;
  }

  private subquery(e: Extract<Expr, { kind: 'subquery' }>, width: number): Plan {
    if (this.depth >= 3) this.error('Subqueries are nested too deeply', e.span);
    const sub = new Checker(
      this.text,
      { ...this.options, keepSeq: false, tableColumns: false },
      this.depth + 1,
    );
    const plan = sub.check(e.query);
    let outputs: readonly OutputColumn[] = plan.outputs.filter((o) => o.origin === 'query');
    if (outputs.length === 0) outputs = plan.outputs;
    if (outputs.length > width && outputs[0]?.name === 'eventdate') outputs = outputs.slice(1);
    if (outputs.length !== width) {
      this.error(
        `The subquery gives ${outputs.length} column${outputs.length === 1 ? '' : 's'}; ${width} ${width === 1 ? 'is' : 'are'} needed`,
        e.span,
        'end it with `group by <field>` or `select <field>` so that it gives one column per compared value',
      );
    }
    return { ...plan, outputs };
  }

  private index(target: Expr, keys: readonly Expr[], ctx: ExprCtx, at: Span): TExpr {
    const t = this.expr(target, ctx);
    if (keys.length !== 1) this.error('Use one key per subscript: x["a"]["b"]', at);
    const keyNode = keys[0]!;
    const k = this.expr(keyNode, ctx);
    if (t.type === 'json') {
      if (k.k === 'lit' && k.type === 'str') {
        const step = { key: k.value as string };
        if (t.k === 'op' && t.op === 'json_path') {
          return op('json_path', t.args, 'json', { steps: [...(t.data?.steps ?? []), step] });
        }
        return op('json_path', [t], 'json', { steps: [step] });
      }
      if (k.k === 'lit' && k.type === 'int') {
        const i = k.value as bigint;
        if (i < 0n || i > 1_000_000_000n)
          this.error('A JSON array index is 0 or more', keyNode.span);
        const step = { index: Number(i) };
        if (t.k === 'op' && t.op === 'json_path') {
          return op('json_path', t.args, 'json', { steps: [...(t.data?.steps ?? []), step] });
        }
        return op('json_path', [t], 'json', { steps: [step] });
      }
      if (k.type === 'str') return op('json_get', [t, k], 'json', { index: false });
      if (k.type === 'int') return op('json_get', [t, k], 'json', { index: true });
      this.error(`A JSON subscript is a str key or an int index; this is ${k.type}`, keyNode.span);
    }
    if (isArray(t.type)) {
      const i = k.type === 'int' ? k : convert(k, 'int');
      if (!i || k.type === 'str' || k.type === 'json')
        this.error('An array index is a whole number (0-based)', keyNode.span);
      return op('arr_index', [t, i!], elementOf(t.type));
    }
    if (t.type === 'null') return nul('null');
    this.error(
      `Cannot subscript a ${t.type} value`,
      at,
      t.type === 'str'
        ? 'parse JSON text with jsonparse(…) first, or cut text with split(…)'
        : undefined,
    );
  }

  private arrayValue(elements: readonly Expr[], ctx: ExprCtx, at: Span): TExpr {
    const items = elements.map((el) => ({ expr: this.expr(el, ctx), span: el.span, node: el }));
    const type = this.common(items, 'An array');
    if (isCompileTime(type) || isArray(type) || type === 'net4' || type === 'duration') {
      this.error(`An array cannot hold ${type} values`, at);
    }
    const el = type === 'null' ? 'str' : type;
    const values = items.map(
      (i) =>
        convert(i.expr, el) ??
        this.error(`Cannot put a ${i.expr.type} in an array of ${el}`, i.span),
    );
    return op('array', values, arrayOf(el));
  }
}
