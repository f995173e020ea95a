// Expressions by precedence (docs/linq.md, "Grammar, tokens and types"): or, and, not, comparisons
// and `in`, + -, * / \ % %%, unary minus, postfix subscripts.
import type { CompareLink, CompareOp, Expr } from '../ast.js';
import { COMPARE_OPS, span } from './base.js';
import { PrimaryParser } from './primary.js';

export abstract class ExprParser extends PrimaryParser {
  // ---- expressions

  parseExpr(): Expr {
    return this.parseOr();
  }

  protected parseOr(): Expr {
    let left = this.parseAnd();
    while (this.isKw(this.peek(), 'or')) {
      const op = this.next();
      const right = this.parseAnd();
      left = this.track(
        { kind: 'binary', op: 'or', left, right, opSpan: op, span: span(left.span, right.span) },
        left,
        right,
      );
    }
    return left;
  }

  protected parseAnd(): Expr {
    let left = this.parseNot();
    while (this.isKw(this.peek(), 'and')) {
      const op = this.next();
      const right = this.parseNot();
      left = this.track(
        { kind: 'binary', op: 'and', left, right, opSpan: op, span: span(left.span, right.span) },
        left,
        right,
      );
    }
    return left;
  }

  protected parseNot(): Expr {
    const t = this.peek();
    if (this.isKw(t, 'not')) {
      this.next();
      this.enter(t);
      const operand = this.parseNot();
      this.leave();
      return this.track(
        { kind: 'unary', op: 'not', operand, span: span(t, operand.span) },
        operand,
      );
    }
    return this.parseCompare();
  }

  protected parseCompare(): Expr {
    const first = this.parseAdd();
    const t = this.peek();
    if (this.isKw(t, 'in') || (this.isKw(t, 'not') && this.isKw(this.peek(1), 'in'))) {
      const negated = this.isKw(t, 'not');
      this.next();
      const inTok = negated ? this.next() : t;
      const container = this.parseContainer();
      return this.track(
        {
          kind: 'in',
          negated,
          value: first,
          container,
          opSpan: span(t, inTok),
          span: span(first.span, container.span),
        },
        first,
        container,
      );
    }
    if (this.isKw(t, 'is')) {
      const n1 = this.peek(1);
      const n2 = this.peek(2);
      if (this.isKw(n1, 'null') || (this.isKw(n1, 'not') && this.isKw(n2, 'null'))) {
        this.next();
        const negated = this.isKw(n1, 'not');
        if (negated) this.next();
        const nul = this.next();
        return this.track(
          { kind: 'isnull', negated, operand: first, span: span(first.span, nul) },
          first,
        );
      }
    }
    const rest: CompareLink[] = [];
    let last = first;
    for (;;) {
      const o = this.peek();
      if (o.kind !== 'op' || !COMPARE_OPS.has(o.op)) break;
      this.next();
      if (o.op === '<' && this.isOp(this.peek(), '>') && this.peek().start === o.end) {
        this.error('`<>` is not an operator', span(o, this.peek()), 'use `!=` (or `/=`)');
      }
      const operand = this.parseAdd();
      rest.push({ op: o.op as CompareOp, opSpan: o, operand });
      last = operand;
    }
    if (rest.length === 0) return first;
    return this.track(
      { kind: 'compare', first, rest, span: span(first.span, last.span) },
      first,
      ...rest.map((r) => r.operand),
    );
  }

  protected parseContainer(): Expr {
    const t = this.peek();
    if (this.isOp(t, '{') || this.isOp(t, '[')) return this.parsePrimary();
    if (this.isOp(t, '(')) {
      if (this.isKw(this.peek(1), 'from')) return this.parsePrimary();
      // `x in (a, b)`: accepted as a set
      this.next();
      this.enter(t);
      const elements: Expr[] = [];
      if (!this.isOp(this.peek(), ')')) {
        elements.push(this.parseExpr());
        while (this.isOp(this.peek(), ',')) {
          this.next();
          elements.push(this.parseExpr());
        }
      }
      this.leave();
      const close = this.expectOp(')', '`,` or `)`');
      return this.track({ kind: 'set', elements, span: span(t, close) }, ...elements);
    }
    this.unexpected(t, 'a set `{…}`, an array `[…]` or a subquery `(from …)` after `in`');
  }

  protected parseAdd(): Expr {
    let left = this.parseMul();
    for (;;) {
      const t = this.peek();
      if (!this.isOp(t, '+') && !this.isOp(t, '-')) break;
      this.next();
      const right = this.parseMul();
      left = this.track(
        {
          kind: 'binary',
          op: (t as { op: '+' | '-' }).op,
          left,
          right,
          opSpan: t,
          span: span(left.span, right.span),
        },
        left,
        right,
      );
    }
    return left;
  }

  protected parseMul(): Expr {
    let left = this.parseUnary();
    for (;;) {
      const t = this.peek();
      if (
        t.kind !== 'op' ||
        (t.op !== '*' && t.op !== '/' && t.op !== '\\' && t.op !== '%' && t.op !== '%%')
      ) {
        break;
      }
      this.next();
      const right = this.parseUnary();
      left = this.track(
        { kind: 'binary', op: t.op, left, right, opSpan: t, span: span(left.span, right.span) },
        left,
        right,
      );
    }
    return left;
  }

  protected parseUnary(): Expr {
    const t = this.peek();
    if (this.isOp(t, '-')) {
      this.next();
      this.enter(t);
      const operand = this.parseUnary();
      this.leave();
      const s = span(t, operand.span);
      if (operand.kind === 'int') return { kind: 'int', value: -operand.value, span: s };
      if (operand.kind === 'float') return { kind: 'float', value: -operand.value, span: s };
      if (operand.kind === 'duration') return { kind: 'duration', ms: -operand.ms, span: s };
      return this.track({ kind: 'unary', op: '-', operand, span: s }, operand);
    }
    if (this.isOp(t, '+')) this.error('Unary `+` is not an operator', t);
    return this.parsePostfix();
  }

  protected parsePostfix(): Expr {
    let target = this.parsePrimary();
    while (this.isOp(this.peek(), '[')) {
      const open = this.next();
      this.enter(open);
      const keys: Expr[] = [this.parseExpr()];
      while (this.isOp(this.peek(), ',')) {
        this.next();
        keys.push(this.parseExpr());
      }
      this.leave();
      const close = this.expectOp(']', '`]` or `,`');
      target = this.track(
        { kind: 'index', target, keys, span: span(target.span, close) },
        target,
        ...keys,
      );
    }
    return target;
  }
}
