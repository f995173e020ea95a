// The tokens of LINQ (docs/linq.md, "Grammar, tokens and types"). Keywords are lower case and are
// recognised by the parser from plain identifiers, so a backtick-quoted `in` is a name, never the
// keyword.

export interface TokenBase {
  /** Offset of the first character in the query text. */
  readonly start: number;
  /** Offset after the last character. */
  readonly end: number;
}

export type Token =
  | (TokenBase & { readonly kind: 'ident'; readonly name: string })
  | (TokenBase & { readonly kind: 'quoted'; readonly name: string })
  | (TokenBase & { readonly kind: 'string'; readonly value: string; readonly quote: '"' | "'" })
  | (TokenBase & { readonly kind: 'int'; readonly value: bigint })
  | (TokenBase & { readonly kind: 'float'; readonly value: number })
  | (TokenBase & { readonly kind: 'duration'; readonly ms: number })
  | (TokenBase & { readonly kind: 'ip4'; readonly value: number })
  | (TokenBase & { readonly kind: 'cidr4'; readonly value: number; readonly bits: number })
  | (TokenBase & { readonly kind: 'op'; readonly op: Operator })
  | (TokenBase & { readonly kind: 'eof' });

export type TokenKind = Token['kind'];

/** Operators and punctuation, longest first where one is a prefix of another. */
export const OPERATORS = [
  '->>',
  '->',
  '<-',
  '<=',
  '>=',
  '==',
  '!=',
  '/=',
  '%%',
  '<',
  '>',
  '=',
  '~',
  '+',
  '-',
  '*',
  '/',
  '\\',
  '%',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  '.',
  ':',
  '|',
] as const;

export type Operator = (typeof OPERATORS)[number];

/** Words with a meaning of their own: never field names or aliases unless backtick-quoted. */
export const KEYWORDS = new Set([
  'from',
  'where',
  'select',
  'as',
  'group',
  'every',
  'by',
  'and',
  'or',
  'not',
  'in',
  'limit',
  'pragma',
  'true',
  'false',
  'null',
]);

/**
 * Words that start a clause or have a meaning in one place only. They stay usable as field names
 * but not as aliases (docs/linq.md reserves `tag` and `comm` too).
 */
export const CONTEXTUAL_KEYWORDS = new Set(['order', 'offset', 'asc', 'desc', 'is', 'tag', 'comm']);

/** Words that start a clause: after an expression, only these (or `,`) may follow. */
export const CLAUSE_KEYWORDS = ['where', 'select', 'group', 'limit', 'offset', 'order', 'pragma'];

export const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'ident':
      return KEYWORDS.has(t.name) ? `keyword \`${t.name}\`` : `name \`${t.name}\``;
    case 'quoted':
      return `quoted name \`${t.name}\``;
    case 'string':
      return 'a string';
    case 'int':
    case 'float':
      return `number ${t.kind === 'int' ? t.value.toString() : String(t.value)}`;
    case 'duration':
      return 'a duration';
    case 'ip4':
      return 'an IPv4 address';
    case 'cidr4':
      return 'a CIDR network';
    case 'op':
      return `\`${t.op}\``;
    case 'eof':
      return 'the end of the query';
  }
}
