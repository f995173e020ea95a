// The jq sandbox: a program may use only the builtins listed here, checked on its parsed form
// (string interpolations included), never by searching its text for names. Whatever is not on
// the list is refused: the environment ($ENV, env), other inputs (input, inputs, input_filename),
// paths and modules (get_search_list, get_jq_origin, import), the clock and the time zone, and
// anything a later jq adds. See docs/security.md, "Query limits and jq".
//
// The parser follows jq 1.7's grammar closely enough to find every name a program refers to and
// the scope it is defined in; where it is unsure it refuses (fail closed): jq's own compiler then
// still checks the programs let through. A program may not define a name jq already has unless
// that name is allowed, nor bind $ENV, $ARGS or a $__name, so a mistake in a scope here cannot
// make a refused builtin reachable.

/** Builtins a program may call (jq 1.7.1's `builtins`, less what reads outside the value). */
const ALLOWED = new Set(
  (
    'IN INDEX JOIN abs acos acosh add all any arrays ascii_downcase ascii_upcase asin asinh atan atan2 ' +
    'atanh booleans bsearch capture cbrt ceil combinations contains copysign cos cosh del delpaths ' +
    'drem empty endswith erf erfc error exp exp10 exp2 explode expm1 fabs fdim finites first flatten ' +
    'floor fma fmax fmin fmod format frexp from_entries fromdate fromdateiso8601 fromjson fromstream ' +
    'gamma getpath gmtime group_by gsub has hypot implode in index indices infinite inside isempty ' +
    'isfinite isinfinite isnan isnormal iterables j0 j1 jn join keys keys_unsorted last ldexp length ' +
    'lgamma lgamma_r limit log log10 log1p log2 logb ltrimstr map map_values match max max_by min ' +
    'min_by mktime modf nan nearbyint nextafter nexttoward normals not nth nulls numbers objects path ' +
    'paths pick pow pow10 range recurse remainder repeat reverse rindex rint round rtrimstr scalars ' +
    'scalb scalbln scan select setpath significand sin sinh sort sort_by split splits sqrt ' +
    'startswith strings strptime sub tan tanh test tgamma to_entries todate todateiso8601 tojson ' +
    'tonumber tostream tostring transpose trunc truncate_stream type unique unique_by until ' +
    'utf8bytelength values walk while with_entries y0 y1 yn'
  ).split(' '),
);

/**
 * jq 1.7.1's other builtins (refused), and names jq keeps for itself: a program may not define
 * these, so that a call to one can never be taken for a call to the program's own function.
 */
const REFUSED = new Set(
  (
    'builtins debug env get_jq_origin get_prog_origin get_search_list halt halt_error input ' +
    'input_filename input_line_number inputs localtime modulemeta now stderr strflocaltime strftime ' +
    // jq 1.8's additions, refused until someone looks at them
    'have_decnum have_literal_numbers toarray trim ltrim rtrim'
  ).split(' '),
);

const FORMATS = new Set([
  'text',
  'json',
  'html',
  'uri',
  'csv',
  'tsv',
  'sh',
  'base64',
  'base64d',
  'base32',
  'base32d',
]);

const KEYWORDS = new Set([
  'def',
  'if',
  'then',
  'elif',
  'else',
  'end',
  'as',
  'reduce',
  'foreach',
  'try',
  'catch',
  'label',
  'import',
  'include',
  'module',
  'and',
  'or',
  '__loc__',
  'break',
]);

/** The longest program accepted (jq compiles long programs slowly: 99,000 characters took 10 s). */
export const MAX_JQ_PROGRAM = 10_000;
const MAX_DEPTH = 200;

export class JqSandboxError extends Error {
  constructor(
    message: string,
    /** Offset in the program (0-based). */
    readonly offset: number,
    /** Whether the program could not be read (jq's own compiler may say better why). */
    readonly syntax = false,
  ) {
    super(message);
  }
}

type Kind = 'ident' | 'keyword' | 'field' | 'var' | 'format' | 'num' | 'str' | 'op' | 'eof';

interface Token {
  kind: Kind;
  text: string;
  at: number;
  /** For strings: the interpolated programs' tokens, each ending with an eof token. */
  parts?: Token[][];
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*/y;
const NUMBER = /(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/y;
const OPS = [
  '?//',
  '//=',
  '|=',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '==',
  '!=',
  '<=',
  '>=',
  '//',
  '..',
  '.',
  '[',
  ']',
  '{',
  '}',
  '(',
  ')',
  ',',
  ':',
  ';',
  '|',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '?',
];

/**
 * Tokens from `at` until the end (top level) or until the `)` closing an interpolation; returns
 * the tokens (ending with eof) and where it stopped.
 */
function lex(src: string, start: number, inner: boolean): { tokens: Token[]; end: number } {
  const tokens: Token[] = [];
  let i = start;
  let depth = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      // jq 1.7.1 continues a comment after a backslash at the end of a line: refuse backslashes
      // in comments rather than guess where one ends.
      let j = i;
      while (j < n && src[j] !== '\n') {
        if (src[j] === '\\' || src[j] === '\r') {
          throw new JqSandboxError('a comment may not hold a backslash', j);
        }
        j++;
      }
      i = j;
      continue;
    }
    if (c === '"') {
      const s = lexString(src, i);
      tokens.push(s.token);
      i = s.end;
      continue;
    }
    if (c === '$') {
      if (src.startsWith('$__loc__', i) && !/[A-Za-z0-9_]/.test(src[i + 8] ?? '')) {
        throw new JqSandboxError('`$__loc__` is not allowed in a jq program here', i);
      }
      IDENT.lastIndex = i + 1;
      const m = IDENT.exec(src);
      if (!m) throw new JqSandboxError('`$` must be followed by a variable name', i);
      tokens.push({ kind: 'var', text: m[0], at: i });
      i += 1 + m[0].length;
      continue;
    }
    if (c === '@') {
      IDENT.lastIndex = i + 1;
      const m = IDENT.exec(src);
      if (!m || !FORMATS.has(m[0])) {
        throw new JqSandboxError(`unknown format @${m?.[0] ?? ''}`, i);
      }
      tokens.push({ kind: 'format', text: m[0], at: i });
      i += 1 + m[0].length;
      continue;
    }
    NUMBER.lastIndex = i;
    const num = /[0-9.]/.test(c) ? NUMBER.exec(src) : null;
    if (num) {
      tokens.push({ kind: 'num', text: num[0], at: i });
      i += num[0].length;
      continue;
    }
    if (c === '.' && /[A-Za-z_]/.test(src[i + 1] ?? '')) {
      const m = /[A-Za-z_][A-Za-z0-9_]*/y;
      m.lastIndex = i + 1;
      const f = m.exec(src)!;
      tokens.push({ kind: 'field', text: f[0], at: i });
      i += 1 + f[0].length;
      continue;
    }
    IDENT.lastIndex = i;
    const id = /[A-Za-z_]/.test(c) ? IDENT.exec(src) : null;
    if (id) {
      tokens.push({ kind: KEYWORDS.has(id[0]) ? 'keyword' : 'ident', text: id[0], at: i });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new JqSandboxError(`unexpected character ${JSON.stringify(c)}`, i);
    if (inner && op === '(') depth++;
    if (inner && op === ')') {
      if (depth === 0) {
        tokens.push({ kind: 'eof', text: '', at: i });
        return { tokens, end: i + 1 };
      }
      depth--;
    }
    tokens.push({ kind: 'op', text: op, at: i });
    i += op.length;
  }
  if (inner) throw new JqSandboxError('an interpolation \\( is not closed', start);
  tokens.push({ kind: 'eof', text: '', at: n });
  return { tokens, end: n };
}

function lexString(src: string, start: number): { token: Token; end: number } {
  const parts: Token[][] = [];
  let i = start + 1;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"') return { token: { kind: 'str', text: '', at: start, parts }, end: i + 1 };
    if (c === '\\') {
      const e = src[i + 1];
      if (e === '(') {
        const inner = lex(src, i + 2, true);
        parts.push(inner.tokens);
        i = inner.end;
        continue;
      }
      if (e === 'u') {
        if (!/^[0-9A-Fa-f]{4}$/.test(src.slice(i + 2, i + 6))) {
          throw new JqSandboxError('a \\u escape needs four hexadecimal digits', i);
        }
        i += 6;
        continue;
      }
      if (e === undefined || !'"\\/bfnrt'.includes(e)) {
        throw new JqSandboxError('unknown escape in a string', i);
      }
      i += 2;
      continue;
    }
    i++;
  }
  throw new JqSandboxError('a string is not closed', start);
}

/** What a name means in a scope: the program's own function or variable. */
interface Scope {
  readonly parent: Scope | null;
  readonly functions: ReadonlySet<string>;
  readonly variables: ReadonlySet<string>;
}

const ROOT: Scope = { parent: null, functions: new Set(), variables: new Set() };

function child(scope: Scope, functions: Iterable<string>, variables: Iterable<string>): Scope {
  return { parent: scope, functions: new Set(functions), variables: new Set(variables) };
}

function defines(scope: Scope | null, name: string, what: 'functions' | 'variables'): boolean {
  for (let s = scope; s; s = s.parent) if (s[what].has(name)) return true;
  return false;
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  private get t(): Token {
    return this.tokens[this.i]!;
  }

  private is(text: string, kind: Kind = 'op'): boolean {
    return this.t.kind === kind && this.t.text === text;
  }

  private eat(text: string, kind: Kind = 'op'): boolean {
    if (!this.is(text, kind)) return false;
    this.i++;
    return true;
  }

  private expect(text: string, kind: Kind = 'op'): void {
    if (!this.eat(text, kind)) throw this.unexpected(`expected ${text}`);
  }

  private unexpected(what = 'unexpected'): JqSandboxError {
    const t = this.t;
    const shown = t.kind === 'eof' ? 'the end' : t.kind === 'str' ? 'a string' : `"${t.text}"`;
    return new JqSandboxError(`cannot read the program: ${what}, found ${shown}`, t.at, true);
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) {
      throw new JqSandboxError('the program is nested too deeply', this.t.at);
    }
  }

  program(scope: Scope): void {
    this.pipe(scope);
    if (this.t.kind !== 'eof') throw this.unexpected();
  }

  /** Exp at the level of `|` (with `def`, `as` and `label`, which reach to its end). */
  pipe(scope: Scope): void {
    this.enter();
    if (this.is('def', 'keyword')) {
      const inner = this.definition(scope);
      this.pipe(inner);
    } else {
      this.comma(scope);
      if (this.eat('|')) this.pipe(scope);
    }
    this.depth--;
  }

  private definition(scope: Scope): Scope {
    this.expect('def', 'keyword');
    const name = this.t;
    if (name.kind !== 'ident' && name.kind !== 'keyword') throw this.unexpected('expected a name');
    this.checkDefinable(name.text, name.at, 'functions');
    this.i++;
    const functions: string[] = [];
    const variables: string[] = [];
    if (this.eat('(')) {
      do {
        const p = this.t;
        if (p.kind === 'var') {
          this.checkDefinable(p.text, p.at, 'variables');
          this.checkDefinable(p.text, p.at, 'functions');
          variables.push(p.text);
          functions.push(p.text);
        } else if (p.kind === 'ident') {
          this.checkDefinable(p.text, p.at, 'functions');
          functions.push(p.text);
        } else throw this.unexpected('expected a parameter');
        this.i++;
      } while (this.eat(';'));
      this.expect(')');
    }
    this.expect(':');
    const self = child(scope, [name.text], []);
    this.pipe(child(self, functions, variables));
    this.expect(';');
    return self;
  }

  private checkDefinable(name: string, at: number, what: 'functions' | 'variables'): void {
    const refused =
      what === 'variables'
        ? name === 'ENV' || name === 'ARGS' || name.startsWith('__') || name.includes('::')
        : (REFUSED.has(name) && !ALLOWED.has(name)) || name.startsWith('_') || name.includes('::');
    if (refused) {
      throw new JqSandboxError(
        `\`${what === 'variables' ? '$' : ''}${name}\` cannot be defined in a jq program here`,
        at,
      );
    }
  }

  private comma(scope: Scope): void {
    this.alternative(scope);
    while (this.eat(',')) this.alternative(scope);
  }

  private alternative(scope: Scope): void {
    this.assignment(scope);
    if (this.eat('//')) this.alternative(scope);
  }

  private assignment(scope: Scope): void {
    this.or(scope);
    if (['=', '|=', '+=', '-=', '*=', '/=', '%=', '//='].some((o) => this.is(o))) {
      this.i++;
      this.alternative(scope);
    }
  }

  private or(scope: Scope): void {
    this.and(scope);
    while (this.eat('or', 'keyword')) this.and(scope);
  }

  private and(scope: Scope): void {
    this.compare(scope);
    while (this.eat('and', 'keyword')) this.compare(scope);
  }

  private compare(scope: Scope): void {
    this.additive(scope);
    if (['==', '!=', '<', '<=', '>', '>='].some((o) => this.is(o))) {
      this.i++;
      this.additive(scope);
    }
  }

  private additive(scope: Scope): void {
    this.multiplicative(scope);
    while (this.is('+') || this.is('-')) {
      this.i++;
      this.multiplicative(scope);
    }
  }

  private multiplicative(scope: Scope): void {
    this.unary(scope);
    while (this.is('*') || this.is('/') || this.is('%')) {
      this.i++;
      this.unary(scope);
    }
  }

  private unary(scope: Scope): void {
    if (this.eat('-')) {
      this.unary(scope);
      return;
    }
    this.postfix(scope, true);
  }

  /** A term and its suffixes; with `as` allowed, `Term as $x | Exp` takes the rest. */
  private postfix(scope: Scope, allowAs: boolean): void {
    this.enter();
    this.term(scope);
    for (;;) {
      if (this.t.kind === 'field') this.i++;
      else if (this.is('.') && this.tokens[this.i + 1]?.kind === 'str') {
        this.i++;
        this.string(scope);
      } else if (this.is('.') && this.tokens[this.i + 1]?.text === '[') {
        this.i++;
        this.brackets(scope);
      } else if (this.is('[')) this.brackets(scope);
      else if (this.eat('?')) continue;
      else break;
    }
    if (allowAs && this.eat('as', 'keyword')) {
      const bound = this.patterns(scope);
      this.expect('|');
      this.pipe(child(scope, [], bound));
    }
    this.depth--;
  }

  /** `[…]` after a term: an index, a slice, or `[]`. */
  private brackets(scope: Scope): void {
    this.expect('[');
    if (this.eat(']')) return;
    if (this.eat(':')) {
      this.pipe(scope);
      this.expect(']');
      return;
    }
    this.pipe(scope);
    if (this.eat(':') && !this.is(']')) this.pipe(scope);
    this.expect(']');
  }

  private string(scope: Scope): void {
    const t = this.t;
    if (t.kind !== 'str') throw this.unexpected('expected a string');
    for (const part of t.parts ?? []) {
      const inner = new Parser(part);
      inner.depth = this.depth;
      inner.program(scope);
    }
    this.i++;
  }

  private term(scope: Scope): void {
    const t = this.t;
    switch (t.kind) {
      case 'num':
        this.i++;
        return;
      case 'str':
        this.string(scope);
        return;
      case 'field':
        this.i++;
        return;
      case 'format':
        this.i++;
        if (this.t.kind === 'str') this.string(scope);
        return;
      case 'var':
        if (!defines(scope, t.text, 'variables')) {
          throw new JqSandboxError(
            `\`$${t.text}\` is not defined here (a program sees only the value it is given)`,
            t.at,
          );
        }
        this.i++;
        return;
      case 'ident':
        this.call(scope);
        return;
      case 'keyword':
        this.keyword(scope);
        return;
      case 'op':
        break;
      default:
        throw this.unexpected();
    }
    if (this.eat('.')) {
      if (this.t.kind === 'str') this.string(scope);
      else if (this.is('[')) this.brackets(scope);
      return;
    }
    if (this.eat('..')) return;
    if (this.eat('(')) {
      this.pipe(scope);
      this.expect(')');
      return;
    }
    if (this.eat('[')) {
      if (!this.eat(']')) {
        this.pipe(scope);
        this.expect(']');
      }
      return;
    }
    if (this.is('{')) {
      this.object(scope);
      return;
    }
    if (this.eat('-')) {
      this.postfix(scope, false);
      return;
    }
    throw this.unexpected();
  }

  private call(scope: Scope): void {
    const t = this.t;
    const name = t.text;
    if (!defines(scope, name, 'functions') && !ALLOWED.has(name)) {
      throw new JqSandboxError(
        `\`${name}\` is not allowed in a jq program here (a program sees only the value it is given)`,
        t.at,
      );
    }
    this.i++;
    if (this.eat('(')) {
      do this.pipe(scope);
      while (this.eat(';'));
      this.expect(')');
    }
  }

  private keyword(scope: Scope): void {
    const t = this.t;
    switch (t.text) {
      case 'if': {
        this.i++;
        this.pipe(scope);
        this.expect('then', 'keyword');
        this.pipe(scope);
        while (this.eat('elif', 'keyword')) {
          this.pipe(scope);
          this.expect('then', 'keyword');
          this.pipe(scope);
        }
        if (this.eat('else', 'keyword')) this.pipe(scope);
        this.expect('end', 'keyword');
        return;
      }
      case 'try':
        this.i++;
        this.postfix(scope, false);
        if (this.eat('catch', 'keyword')) this.postfix(scope, false);
        return;
      case 'reduce':
      case 'foreach': {
        this.i++;
        this.postfix(scope, false);
        this.expect('as', 'keyword');
        const inner = child(scope, [], this.patterns(scope));
        this.expect('(');
        this.pipe(scope);
        this.expect(';');
        this.pipe(inner);
        if (t.text === 'foreach' && this.eat(';')) this.pipe(inner);
        this.expect(')');
        return;
      }
      case 'label': {
        this.i++;
        const v = this.t;
        if (v.kind !== 'var') throw this.unexpected('expected a $label');
        this.checkDefinable(v.text, v.at, 'variables');
        this.i++;
        this.expect('|');
        this.pipe(child(scope, [], [`*label*${v.text}`]));
        return;
      }
      case 'break': {
        this.i++;
        const v = this.t;
        if (v.kind !== 'var' || !defines(scope, `*label*${v.text}`, 'variables')) {
          throw this.unexpected('expected a $label defined by label');
        }
        this.i++;
        return;
      }
      case 'def': {
        const inner = this.definition(scope);
        this.pipe(inner);
        return;
      }
      default:
        throw new JqSandboxError(`\`${t.text}\` is not allowed in a jq program here`, t.at);
    }
  }

  private object(scope: Scope): void {
    this.expect('{');
    if (this.eat('}')) return;
    do {
      const k = this.t;
      if (k.kind === 'ident' || k.kind === 'keyword') {
        this.i++;
      } else if (k.kind === 'var') {
        // {$x} is {x: $x}
        this.term(scope);
      } else if (k.kind === 'str') {
        this.string(scope);
      } else if (k.kind === 'format' && this.tokens[this.i + 1]?.kind === 'str') {
        this.i++;
        this.string(scope);
      } else if (this.eat('(')) {
        this.pipe(scope);
        this.expect(')');
        this.expect(':');
        this.objectValue(scope);
        continue;
      } else throw this.unexpected('expected a key');
      if (this.eat(':')) this.objectValue(scope);
    } while (this.eat(','));
    this.expect('}');
  }

  /** jq's ExpD: terms joined by `|`, each maybe negated. */
  private objectValue(scope: Scope): void {
    do {
      while (this.eat('-'));
      this.postfix(scope, false);
    } while (this.eat('|'));
  }

  /** Patterns of `as`, alternatives joined by `?//`; returns every variable they bind. */
  private patterns(scope: Scope): string[] {
    const bound: string[] = [];
    do this.pattern(scope, bound);
    while (this.eat('?//'));
    return bound;
  }

  private pattern(scope: Scope, bound: string[]): void {
    this.enter();
    const t = this.t;
    if (t.kind === 'var') {
      this.checkDefinable(t.text, t.at, 'variables');
      bound.push(t.text);
      this.i++;
    } else if (this.eat('[')) {
      do this.pattern(scope, bound);
      while (this.eat(','));
      this.expect(']');
    } else if (this.eat('{')) {
      do {
        const k = this.t;
        if (k.kind === 'var') {
          this.checkDefinable(k.text, k.at, 'variables');
          bound.push(k.text);
          this.i++;
          if (this.eat(':')) this.pattern(scope, bound);
          continue;
        }
        if (k.kind === 'ident' || k.kind === 'keyword') this.i++;
        else if (k.kind === 'str') this.string(scope);
        else if (this.eat('(')) {
          this.pipe(scope);
          this.expect(')');
        } else throw this.unexpected('expected a key');
        this.expect(':');
        this.pattern(scope, bound);
      } while (this.eat(','));
      this.expect('}');
    } else throw this.unexpected('expected a pattern');
    this.depth--;
  }
}

/**
 * Checks that a jq program stays inside the value it is given: throws a JqSandboxError (with the
 * offset in the program) for a builtin that is not allowed, a variable the program does not
 * bind, a module directive, or a program too long or too deep to check.
 */
export function checkJqSandbox(program: string): void {
  if (program.length > MAX_JQ_PROGRAM) {
    throw new JqSandboxError(
      `the jq program is ${program.length} characters long; at most ${MAX_JQ_PROGRAM} are accepted`,
      0,
    );
  }
  const { tokens } = lex(program, 0, false);
  new Parser(tokens).program(ROOT);
}

/** The builtins a program may call, for the documentation and tests. */
export function allowedJqBuiltins(): string[] {
  return [...ALLOWED].sort();
}
