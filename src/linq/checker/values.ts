// Values built from several expressions: `in` sets and subqueries, subscripts, arrays, and the
// common type of several values.
import type { Expr, Span } from '../ast.js';
import { convert, lit, nul, op } from '../build.js';
import type { CheckedArg } from '../functions/types.js';
import type { TExpr } from '../ir.js';
import { arrayOf, elementOf, isArray, isCompileTime, isNumeric, type LType } from '../types.js';
import type { ExprCtx } from './context.js';
import { OperatorChecker } from './operators.js';

export abstract class ValueChecker extends OperatorChecker {
  protected inExpr(value: Expr, container: Expr, negated: boolean, ctx: ExprCtx): TExpr {
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
      if (x.type === 'str' && (t.type === 'ip4' || t.type === 'net4' || t.type === 'net6')) {
        this.error(
          `Cannot look for a str in a set of ${t.type}: an unquoted address is an ip4 value`,
          el.span,
          'quote the address for a str field ("203.0.113.10"), or convert the field with ip4(…)',
        );
      }
      if (t.type === 'net4' || t.type === 'net6')
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

  protected index(target: Expr, keys: readonly Expr[], ctx: ExprCtx, at: Span): TExpr {
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

  protected arrayValue(elements: readonly Expr[], ctx: ExprCtx, at: Span): TExpr {
    const items = elements.map((el) => ({ expr: this.expr(el, ctx), span: el.span, node: el }));
    const type = this.common(items, 'An array');
    if (
      isCompileTime(type) ||
      isArray(type) ||
      type === 'net4' ||
      type === 'net6' ||
      type === 'duration'
    ) {
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

  protected common(args: readonly CheckedArg[], what: string): LType {
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
}
