// The LINQ parser: recursive descent over the grammar of docs/linq.md, with its precedence
// (postfix, unary minus, * / \ % %%, + -, comparisons and in/~/->/->>/<-, not, and, or, comma).
import type {
  Arg,
  CompareLink,
  CompareOp,
  Expr,
  FromClause,
  GroupKey,
  GroupOp,
  Name,
  Operation,
  OrderItem,
  Period,
  Pragma,
  Query,
  SelectItem,
  Span,
} from './ast.js';
import { LinqError, didYouMean } from './errors.js';
import { lex } from './lexer.js';
import {
  CLAUSE_KEYWORDS,
  CONTEXTUAL_KEYWORDS,
  KEYWORDS,
  describeToken,
  type Operator,
  type Token,
} from './tokens.js';

/** Deepest expression tree accepted (the checker and generators recurse over it). */
export const MAX_DEPTH = 200;

const COMPARE_OPS: ReadonlySet<string> = new Set([
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

/** Parses a query; throws a positioned LinqError. */
export function parseLinq(text: string): Query {
  const parser = new Parser(text, lex(text));
  return parser.parseTop();
}

const span = (a: Span, b: Span): Span => ({ start: a.start, end: b.end });

class Parser {
  private pos = 0;
  private depth = 0;
  private readonly depths = new WeakMap<object, number>();

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
  ) {}

  parseTop(): Query {
    const q = this.parseQuery(false);
    const t = this.peek();
    if (t.kind !== 'eof') this.unexpected(t, 'the end of the query');
    return q;
  }

  // ---- token helpers

  private peek(k = 0): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  private isKw(t: Token, name: string): boolean {
    return t.kind === 'ident' && t.name === name;
  }

  private isOp(t: Token, op: Operator): boolean {
    return t.kind === 'op' && t.op === op;
  }

  private error(message: string, at: Span, hint?: string): never {
    throw new LinqError(message, this.text, at, hint);
  }

  private expectOp(op: Operator, what?: string): Token {
    const t = this.peek();
    if (!this.isOp(t, op)) this.unexpected(t, what ?? `\`${op}\``);
    return this.next();
  }

  private unexpected(t: Token, expected: string): never {
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

  private track<T extends object>(node: T, ...children: readonly object[]): T {
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

  private enter(at: Span): void {
    if (++this.depth > MAX_DEPTH) {
      this.error(`Expression nested too deeply (more than ${MAX_DEPTH} levels)`, at);
    }
  }

  private leave(): void {
    this.depth--;
  }

  // ---- query

  private parseQuery(nested: boolean): Query {
    const first = this.peek();
    if (!this.isKw(first, 'from')) {
      if (this.isKw(first, 'where') || this.isKw(first, 'select')) {
        this.error(
          `A query starts with \`from\`, not \`${(first as { name: string }).name}\``,
          first,
          'write `from <table>` first, then where/select',
        );
      }
      this.unexpected(first, '`from` and a table name');
    }
    this.next();
    const from = this.parseTable();
    const ops: Operation[] = [];
    let order: OrderItem[] = [];
    let limit: Query['limit'];
    let offset: Query['offset'];
    const pragmas: Pragma[] = [];
    for (;;) {
      const t = this.peek();
      if (this.isKw(t, 'where')) ops.push(this.parseWhere());
      else if (this.isKw(t, 'select')) ops.push(this.parseSelect());
      else if (this.isKw(t, 'group')) ops.push(this.parseGroup());
      else break;
    }
    for (;;) {
      const t = this.peek();
      if (this.isKw(t, 'order') && this.isKw(this.peek(1), 'by')) {
        if (order.length > 0) this.error('`order by` appears twice', t);
        if (limit || offset) this.error('`order by` comes before `limit` and `offset`', t);
        order = this.parseOrder();
      } else if (this.isKw(t, 'limit')) {
        if (limit) this.error('`limit` appears twice', t);
        this.next();
        limit = this.parseCount('limit');
      } else if (this.isKw(t, 'offset') && this.peek(1).kind === 'int') {
        if (offset) this.error('`offset` appears twice', t);
        this.next();
        offset = this.parseCount('offset');
      } else if (this.isKw(t, 'pragma') && !nested) {
        pragmas.push(this.parsePragma());
      } else break;
      if (pragmas.length > 0 && !this.isKw(this.peek(), 'pragma')) break;
    }
    const t = this.peek();
    if (t.kind !== 'eof' && !(nested && this.isOp(t, ')'))) {
      if (this.isKw(t, 'where') || this.isKw(t, 'select') || this.isKw(t, 'group')) {
        this.error(
          `\`${(t as { name: string }).name}\` cannot come after order/limit/offset/pragma`,
          t,
          'order by, limit, offset and pragmas end the query',
        );
      }
      const prev = this.tokens[this.pos - 1];
      const lastOp = ops[ops.length - 1];
      const hint =
        this.isOp(t, '|') && this.isOp(this.peek(1), '|')
          ? 'use `or`'
          : t.kind === 'ident' && CLAUSE_KEYWORDS.includes(t.name.toLowerCase())
            ? `keywords are lower case: \`${t.name.toLowerCase()}\``
            : lastOp?.kind === 'select' && prev && !this.isOp(prev, ',')
              ? 'separate select items with `,`'
              : lastOp?.kind === 'where'
                ? 'separate conditions with `,` (and) or join them with `and`/`or`'
                : undefined;
      this.error(
        `Expected a clause (where, select, group, order by, limit, pragma) or the end of the query, found ${describeToken(t)}`,
        t,
        hint,
      );
    }
    const end = this.tokens[Math.max(0, this.pos - 1)]!;
    return {
      from,
      ops,
      order,
      ...(limit ? { limit } : {}),
      ...(offset ? { offset } : {}),
      pragmas,
      span: span(first, end),
    };
  }

  private parseTable(): FromClause {
    const parts: Name[] = [];
    const first = this.peek();
    if (first.kind === 'string') {
      this.error(
        'A table name is not a string',
        first,
        `write it without quotes (from ${first.value}); quote parts with \`-\` or \`@\` with backticks`,
      );
    }
    for (;;) {
      const t = this.peek();
      if (t.kind === 'ident' && (parts.length > 0 || !KEYWORDS.has(t.name))) {
        this.next();
        parts.push({ name: t.name, quoted: false, span: t });
      } else if (t.kind === 'quoted') {
        this.next();
        parts.push({ name: t.name, quoted: true, span: t });
      } else if (this.isOp(t, '*') && parts.length > 0) {
        this.next();
        parts.push({ name: '*', quoted: false, span: t });
        break;
      } else {
        this.unexpected(t, 'a table name');
      }
      const dot = this.peek();
      if (this.isOp(dot, '.') && dot.start === this.tokens[this.pos - 1]!.end) {
        this.next();
        continue;
      }
      if (this.isOp(dot, '-') && dot.start === this.tokens[this.pos - 1]!.end) {
        this.error(
          'A table name part with `-` must be quoted with backticks',
          dot,
          'e.g. from `web.iis.access-w3c-all`',
        );
      }
      break;
    }
    const last = parts[parts.length - 1]!;
    return {
      name: parts.map((p) => p.name).join('.'),
      parts,
      span: span(parts[0]!.span, last.span),
    };
  }

  private parseWhere(): Operation {
    const kw = this.next();
    const conditions: Expr[] = [this.parseExpr()];
    while (this.isOp(this.peek(), ',')) {
      this.next();
      conditions.push(this.parseExpr());
    }
    return { kind: 'where', conditions, span: span(kw, conditions[conditions.length - 1]!.span) };
  }

  private parseSelect(): Operation {
    const kw = this.next();
    const items: SelectItem[] = [];
    do {
      if (items.length > 0) this.next();
      const t = this.peek();
      if (this.isOp(t, '*')) {
        this.next();
        items.push({ kind: 'star', span: t });
        continue;
      }
      const expr = this.parseExpr();
      const alias = this.parseAlias();
      items.push({
        kind: 'expr',
        expr,
        ...(alias ? { alias } : {}),
        span: alias ? span(expr.span, alias.span) : expr.span,
      });
    } while (this.isOp(this.peek(), ','));
    return { kind: 'select', items, span: span(kw, items[items.length - 1]!.span) };
  }

  private parseAlias(): Name | undefined {
    if (!this.isKw(this.peek(), 'as')) return undefined;
    this.next();
    const t = this.peek();
    if (t.kind === 'quoted') {
      this.next();
      return { name: t.name, quoted: true, span: t };
    }
    if (t.kind === 'ident') {
      if (KEYWORDS.has(t.name) || CONTEXTUAL_KEYWORDS.has(t.name)) {
        this.error(
          `\`${t.name}\` is a keyword and cannot name a column`,
          t,
          'choose another name, or quote it with backticks',
        );
      }
      this.next();
      return { name: t.name, quoted: false, span: t };
    }
    this.unexpected(t, 'a column name after `as`');
  }

  private parsePeriod(): Period {
    const t = this.peek();
    if (t.kind === 'duration') {
      this.next();
      if (t.ms <= 0) this.error('A period must be longer than zero', t);
      return { ms: t.ms, span: t };
    }
    if (this.isOp(t, '-')) {
      this.next();
      return { ms: null, span: t };
    }
    if (t.kind === 'int' && t.value === 0n) {
      this.next();
      return { ms: null, span: t };
    }
    this.unexpected(t, 'a period after `every` (e.g. 5m, 1h, 1d, or `-` for none)');
  }

  private parseGroup(): Operation {
    const kw = this.next();
    let every: Period | undefined;
    let align: Expr | undefined;
    let clientEvery: Period | undefined;
    const keys: GroupKey[] = [];
    let end: Span = kw;
    if (this.isKw(this.peek(), 'every')) {
      this.next();
      every = this.parsePeriod();
      end = every.span;
      if (this.isOp(this.peek(), '|')) {
        this.next();
        align = this.parseExpr();
        end = align.span;
      }
    }
    if (this.isKw(this.peek(), 'by')) {
      this.next();
      do {
        if (keys.length > 0) this.next();
        const expr = this.parseExpr();
        const alias = this.parseAlias();
        const key: GroupKey = {
          expr,
          ...(alias ? { alias } : {}),
          span: alias ? span(expr.span, alias.span) : expr.span,
        };
        keys.push(key);
        end = key.span;
      } while (this.isOp(this.peek(), ','));
    }
    if (this.isKw(this.peek(), 'every')) {
      this.next();
      clientEvery = this.parsePeriod();
      end = clientEvery.span;
    }
    const op: GroupOp = {
      kind: 'group',
      ...(every ? { every } : {}),
      ...(align ? { align } : {}),
      keys,
      ...(clientEvery ? { clientEvery } : {}),
      span: span(kw, end),
    };
    return op;
  }

  private parseOrder(): OrderItem[] {
    this.next();
    this.next();
    const items: OrderItem[] = [];
    do {
      if (items.length > 0) this.next();
      const expr = this.parseExpr();
      let desc = false;
      let end = expr.span;
      const t = this.peek();
      if (this.isKw(t, 'asc') || this.isKw(t, 'desc')) {
        this.next();
        desc = this.isKw(t, 'desc');
        end = t;
      }
      items.push({ expr, desc, span: span(expr.span, end) });
    } while (this.isOp(this.peek(), ','));
    return items;
  }

  private parseCount(what: string): { value: bigint; span: Span } {
    const t = this.peek();
    if (t.kind !== 'int') this.unexpected(t, `a whole number after \`${what}\``);
    this.next();
    return { value: t.value, span: t };
  }

  private parsePragma(): Pragma {
    const kw = this.next();
    const parts: string[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'ident') this.unexpected(t, 'a pragma name');
      this.next();
      parts.push(t.name);
      if (!this.isOp(this.peek(), '.')) break;
      this.next();
    }
    const sep = this.peek();
    if (!this.isOp(sep, ':') && !this.isOp(sep, '='))
      this.unexpected(sep, '`:` after the pragma name');
    this.next();
    const value = this.parseExpr();
    return { name: parts.join('.'), value, span: span(kw, value.span) };
  }

  // ---- expressions

  parseExpr(): Expr {
    return this.parseOr();
  }

  private parseOr(): Expr {
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

  private parseAnd(): Expr {
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

  private parseNot(): Expr {
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

  private parseCompare(): Expr {
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

  private parseContainer(): Expr {
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

  private parseAdd(): Expr {
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

  private parseMul(): Expr {
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

  private parseUnary(): Expr {
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

  private parsePostfix(): Expr {
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

  private parseList(close: Operator, open: Token): Expr[] {
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

  private parsePrimary(): Expr {
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

  private parseCall(nameTok: Token & { name: string }): Expr {
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

/** Suggests a clause keyword for a misspelt one (used by tests and the CLI). */
export function suggestKeyword(word: string): string | undefined {
  return didYouMean(word, [...KEYWORDS, ...CLAUSE_KEYWORDS]);
}
