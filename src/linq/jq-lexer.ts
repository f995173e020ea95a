// The jq sandbox's lexer: a jq program's tokens, string interpolations included, and the error the
// sandbox throws (docs/security.md, "Query limits and jq"). src/linq/jq-sandbox.ts parses the tokens.

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

export type Kind = 'ident' | 'keyword' | 'field' | 'var' | 'format' | 'num' | 'str' | 'op' | 'eof';

export interface Token {
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
export function lex(src: string, start: number, inner: boolean): { tokens: Token[]; end: number } {
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
