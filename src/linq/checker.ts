// The checker: resolves tables, fields and functions against the catalog and the function table,
// infers types, applies LINQ's conversions, and turns the pipeline of operations into a plan of
// segments separated by groups (docs/linq.md, "The language"). Every mistake becomes a positioned
// LinqError.
import type { Expr, Query } from './ast.js';
import { didYouMean } from './errors.js';
import type { GroupPlan, OutputColumn, Plan, TExpr } from './ir.js';
import { IDENT_RE } from './tokens.js';
import { columnLType, isArray, isCompileTime } from './types.js';
import { type CheckOptions, Scope } from './checker/context.js';
import { ClauseChecker } from './checker/clauses.js';

export { exprKey, type CheckOptions } from './checker/context.js';

export function checkQuery(text: string, query: Query, options: CheckOptions): Plan {
  return new Checker(text, options, 0).check(query);
}

class Checker extends ClauseChecker {
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

  // ---- outputs (docs/linq.md, "Grammar, tokens and types")

  protected outputs(): OutputColumn[] {
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
  protected defaultOrder(): Array<{ expr: TExpr; desc: boolean }> {
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

  protected override subquery(e: Extract<Expr, { kind: 'subquery' }>, width: number): Plan {
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
}
