// The clauses of the pipeline: `where` conditions, `select` and `group`.
import type { Expr, GroupOp, Name, SelectOp, Span } from '../ast.js';
import { nul, op } from '../build.js';
import type { TExpr } from '../ir.js';
import { printExpr } from '../print.js';
import { isCompileTime, isOutputType } from '../types.js';
import { RESERVED_ALIASES, MAX_EXPR_NODES, Scope, type ExprCtx, exprNodes } from './context.js';
import { ExprChecker } from './expressions.js';

export abstract class ClauseChecker extends ExprChecker {
  protected condition(e: Expr): TExpr {
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

  protected checkAlias(alias: Name): void {
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

  protected mention(name: string, expr: TExpr, at: Span): void {
    if (!isOutputType(expr.type)) {
      this.error(
        `A ${expr.type} value cannot be a column`,
        at,
        'use it inside a function such as matches(…) or jqeval(…)',
      );
    }
    if (!this.mentions.some((m) => m.name === name)) this.mentions.push({ name, expr, span: at });
  }

  protected select(o: SelectOp): void {
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

  protected group(o: GroupOp): void {
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
}
