// The jq sandbox: a program may use only the builtins listed in jq-builtins.ts, checked on its
// parsed form (string interpolations included), never by searching its text for names. Whatever is
// not on the list is refused: the environment ($ENV, env), other inputs (input, inputs,
// input_filename), paths and modules (get_search_list, get_jq_origin, import), the clock and the
// time zone, and anything a later jq adds. See docs/security.md, "Query limits and jq".
//
// The parser follows jq 1.7's grammar closely enough to find every name a program refers to and
// the scope it is defined in; where it is unsure it refuses (fail closed): jq's own compiler then
// still checks the programs let through. A program may not define a name jq already has unless
// that name is allowed, nor bind $ENV, $ARGS or a $__name, so a mistake in a scope here cannot
// make a refused builtin reachable.

import { ALLOWED, REFUSED } from './jq-builtins.js';
import { JqSandboxError, lex, type Kind, type Token } from './jq-lexer.js';

export { JqSandboxError } from './jq-lexer.js';

/** The longest program accepted (jq compiles long programs slowly: 99,000 characters took 10 s). */
export const MAX_JQ_PROGRAM = 10_000;
const MAX_DEPTH = 200;

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
