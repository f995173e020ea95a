// Primary expressions: literals, names, calls, lists, parenthesised expressions and subqueries.
import type { Arg, Expr } from '../ast.js';
import { KEYWORDS, type Operator, type Token } from '../tokens.js';
import { span } from './base.js';
import { ParserBase } from './base.js';

export abstract class PrimaryParser extends ParserBase {
  protected parseList(close: Operator, open: Token): Expr[] {
    const elements: Expr[] = [];
    this.enter(open);
    if (!this.isOp(this.peek(), close)) {
      elements.push(this.parseExpr());
      while (this.isOp(this.peek(), ',')) {
        this.next();
        elements.push(this.parseExpr());
      }
    }
    this.leave();
    return elements;
  }

  protected parsePrimary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'string':
        this.next();
        return { kind: 'str', value: t.value, span: t };
      case 'int':
        this.next();
        return { kind: 'int', value: t.value, span: t };
      case 'float':
        this.next();
        return { kind: 'float', value: t.value, span: t };
      case 'duration':
        this.next();
        return { kind: 'duration', ms: t.ms, span: t };
      case 'ip4':
        this.next();
        return { kind: 'ip4', value: t.value, span: t };
      case 'cidr4':
        this.next();
        return { kind: 'cidr4', value: t.value, bits: t.bits, span: t };
      case 'ident':
      case 'quoted': {
        if (t.kind === 'ident') {
          if (t.name === 'true' || t.name === 'false') {
            this.next();
            return { kind: 'bool', value: t.name === 'true', span: t };
          }
          if (t.name === 'null') {
            this.next();
            return { kind: 'null', span: t };
          }
          if (KEYWORDS.has(t.name)) {
            this.error(
              `Unexpected keyword \`${t.name}\`; an expression was expected`,
              t,
              t.name === 'in'
                ? 'the function form of `in` is written with backticks: `in`(…)'
                : undefined,
            );
          }
        }
        this.next();
        if (this.isOp(this.peek(), '(')) return this.parseCall(t);
        return { kind: 'name', name: t.name, quoted: t.kind === 'quoted', span: t };
      }
      case 'op': {
        if (t.op === '(') {
          this.next();
          this.enter(t);
          if (this.isKw(this.peek(), 'from')) {
            const query = this.parseQuery(true);
            const close = this.expectOp(')', '`)` after the subquery');
            this.leave();
            return { kind: 'subquery', query, span: span(t, close) };
          }
          const first = this.parseExpr();
          if (this.isOp(this.peek(), ',')) {
            const elements = [first];
            while (this.isOp(this.peek(), ',')) {
              this.next();
              elements.push(this.parseExpr());
            }
            const close = this.expectOp(')', '`,` or `)`');
            this.leave();
            return this.track({ kind: 'tuple', elements, span: span(t, close) }, ...elements);
          }
          const close = this.expectOp(')', '`)`');
          this.leave();
          const widened = { ...first, span: span(t, close) };
          this.depths.set(widened, this.depths.get(first) ?? 1);
          return widened;
        }
        if (t.op === '{' || t.op === '[') {
          this.next();
          const closeOp = t.op === '{' ? '}' : ']';
          const elements = this.parseList(closeOp, t);
          const close = this.expectOp(closeOp, `\`,\` or \`${closeOp}\``);
          return this.track(
            { kind: t.op === '{' ? 'set' : 'array', elements, span: span(t, close) },
            ...elements,
          );
        }
        break;
      }
      default:
        break;
    }
    this.unexpected(t, 'an expression');
  }

  protected parseCall(nameTok: Token & { name: string }): Expr {
    const open = this.next();
    this.enter(open);
    const args: Arg[] = [];
    if (!this.isOp(this.peek(), ')')) {
      do {
        if (args.length > 0) this.next();
        const t = this.peek();
        if (this.isOp(t, '*') && (this.isOp(this.peek(1), ')') || this.isOp(this.peek(1), ','))) {
          this.next();
          args.push({ kind: 'star', span: t });
        } else {
          args.push(this.parseExpr());
        }
      } while (this.isOp(this.peek(), ','));
    }
    this.leave();
    const close = this.expectOp(')', '`,` or `)` in the argument list');
    const node: Expr = {
      kind: 'call',
      name: nameTok.name,
      quoted: nameTok.kind === 'quoted',
      nameSpan: nameTok,
      args,
      span: span(nameTok, close),
    };
    return this.track(node, ...args);
  }
}
