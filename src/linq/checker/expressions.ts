// Expressions: one node of the syntax tree to one typed expression.
import type { Expr } from '../ast.js';
import { cidrBounds, ip4Text, lit, nul, op } from '../build.js';
import type { TExpr } from '../ir.js';
import { printExpr } from '../print.js';
import { isNumeric } from '../types.js';
import type { ExprCtx } from './context.js';
import { CallChecker } from './calls.js';

export abstract class ExprChecker extends CallChecker {
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

  protected exprInner(e: Expr, ctx: ExprCtx): TExpr {
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
}
