// The LINQ parser: recursive descent over the grammar of docs/linq.md, with its precedence
// (postfix, unary minus, * / \ % %%, + -, comparisons and in/~/->/->>/<-, not, and, or, comma).
import type {
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
import { didYouMean } from './errors.js';
import { lex } from './lexer.js';
import { CLAUSE_KEYWORDS, CONTEXTUAL_KEYWORDS, KEYWORDS, describeToken } from './tokens.js';
import { span } from './parser/base.js';
import { ExprParser } from './parser/operators.js';

export { MAX_DEPTH } from './parser/base.js';

/** Parses a query; throws a positioned LinqError. */
export function parseLinq(text: string): Query {
  const parser = new Parser(text, lex(text));
  return parser.parseTop();
}

class Parser extends ExprParser {
  parseTop(): Query {
    const q = this.parseQuery(false);
    const t = this.peek();
    if (t.kind !== 'eof') this.unexpected(t, 'the end of the query');
    return q;
  }

  // ---- query

  protected override parseQuery(nested: boolean): Query {
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

  protected parseTable(): FromClause {
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

  protected parseWhere(): Operation {
    const kw = this.next();
    const conditions: Expr[] = [this.parseExpr()];
    while (this.isOp(this.peek(), ',')) {
      this.next();
      conditions.push(this.parseExpr());
    }
    return { kind: 'where', conditions, span: span(kw, conditions[conditions.length - 1]!.span) };
  }

  protected parseSelect(): Operation {
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

  protected parseAlias(): Name | undefined {
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

  protected parsePeriod(): Period {
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

  protected parseGroup(): Operation {
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

  protected parseOrder(): OrderItem[] {
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

  protected parseCount(what: string): { value: bigint; span: Span } {
    const t = this.peek();
    if (t.kind !== 'int') this.unexpected(t, `a whole number after \`${what}\``);
    this.next();
    return { value: t.value, span: t };
  }

  protected parsePragma(): Pragma {
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
}

/** Suggests a clause keyword for a misspelt one (used by tests and the CLI). */
export function suggestKeyword(word: string): string | undefined {
  return didYouMean(word, [...KEYWORDS, ...CLAUSE_KEYWORDS]);
}
