// The parser's tokens and position, its error helpers and the depth limit. The layers (primary
// expressions, operators) each extend the one before; ../parser.ts, the clauses, is the last.
import type { Expr, Query, Span } from '../ast.js';
import { LinqError } from '../errors.js';
import { KEYWORDS, describeToken, type Operator, type Token } from '../tokens.js';

/** Deepest expression tree accepted (the checker and generators recurse over it). */
export const MAX_DEPTH = 200;

export const COMPARE_OPS: ReadonlySet<string> = new Set([
  '=',
  '==',
  '!=',
  '/=',
  '<',
  '<=',
  '>',
  '>=',
  '->',
  '->>',
  '<-',
  '~',
]);

export const span = (a: Span, b: Span): Span => ({ start: a.start, end: b.end });

export abstract class ParserBase {
  protected pos = 0;
  protected depth = 0;
  protected readonly depths = new WeakMap<object, number>();

  constructor(
    protected readonly text: string,
    protected readonly tokens: readonly Token[],
  ) {}

  // ---- token helpers

  protected peek(k = 0): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)]!;
  }

  protected next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  protected isKw(t: Token, name: string): boolean {
    return t.kind === 'ident' && t.name === name;
  }

  protected isOp(t: Token, op: Operator): boolean {
    return t.kind === 'op' && t.op === op;
  }

  protected error(message: string, at: Span, hint?: string): never {
    throw new LinqError(message, this.text, at, hint);
  }

  protected expectOp(op: Operator, what?: string): Token {
    const t = this.peek();
    if (!this.isOp(t, op)) this.unexpected(t, what ?? `\`${op}\``);
    return this.next();
  }

  protected unexpected(t: Token, expected: string): never {
    let hint: string | undefined;
    if (t.kind === 'ident' && !KEYWORDS.has(t.name) && KEYWORDS.has(t.name.toLowerCase())) {
      hint = `keywords are lower case: \`${t.name.toLowerCase()}\``;
    } else if (t.kind === 'op' && t.op === '|' && this.isOp(this.peek(1), '|')) {
      hint = 'use `or`';
    } else if (
      t.kind === 'op' &&
      t.op === '>' &&
      this.pos > 0 &&
      this.isOp(this.tokens[this.pos - 1]!, '<')
    ) {
      hint = 'use `!=` (or `/=`) for inequality';
    }
    this.error(`Expected ${expected}, found ${describeToken(t)}`, t, hint);
  }

  protected track<T extends object>(node: T, ...children: readonly object[]): T {
    let d = 0;
    for (const c of children) d = Math.max(d, this.depths.get(c) ?? 1);
    d += 1;
    if (d > MAX_DEPTH) {
      const s = (node as unknown as { span: Span }).span;
      this.error(`Expression nested too deeply (more than ${MAX_DEPTH} levels)`, s);
    }
    this.depths.set(node, d);
    return node;
  }

  protected enter(at: Span): void {
    if (++this.depth > MAX_DEPTH) {
      this.error(`Expression nested too deeply (more than ${MAX_DEPTH} levels)`, at);
    }
  }

  protected leave(): void {
    this.depth--;
  }

  /** Parses an expression (./operators.ts). */
  abstract parseExpr(): Expr;

  /** Parses a query, nested in parentheses or not (../parser.ts). */
  protected abstract parseQuery(nested: boolean): Query;
}
