// The LINQ lexer (docs/linq.md, "Grammar, tokens and types"): longest match for operators, IPv4 and
// CIDR literals before decimals, durations before integers, `//` and `/* */` comments skipped.
import { LinqError } from './errors.js';
import { OPERATORS, type Operator, type Token } from './tokens.js';

/** Longest query the compiler accepts, in characters. */
export const MAX_QUERY_LENGTH = 1_000_000;

const DURATION_UNITS: ReadonlyArray<readonly [string, number]> = [
  ['ms', 1],
  ['s', 1000],
  ['m', 60_000],
  ['h', 3_600_000],
  ['d', 86_400_000],
  ['w', 604_800_000],
];

const INT64_MAX = (1n << 63n) - 1n;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isIdentStart = (c: string | undefined): boolean =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
const isIdentPart = (c: string | undefined): boolean => isIdentStart(c) || isDigit(c);

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  '"': '"',
  "'": "'",
  '/': '/',
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
};

/** Where a mistake is, and what it is. */
type Fail = (message: string, start: number, end: number, hint?: string) => never;

export function lex(text: string): Token[] {
  if (text.length > MAX_QUERY_LENGTH) {
    throw new LinqError(
      `The query is too long (${text.length} characters; at most ${MAX_QUERY_LENGTH})`,
      text,
      { start: MAX_QUERY_LENGTH, end: MAX_QUERY_LENGTH + 1 },
    );
  }
  const tokens: Token[] = [];
  const err: Fail = (message, start, end, hint) => {
    throw new LinqError(message, text, { start, end }, hint);
  };
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    // whitespace
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    // comments
    if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) err('Unterminated block comment', i, i + 2, 'close it with `*/`');
      i = close + 2;
      continue;
    }
    if (c === '#') {
      err('`#` does not start a comment in LINQ', i, i + 1, 'comments start with `//`');
    }
    const token = lexToken(text, i, err);
    tokens.push(token);
    i = token.end;
  }
  tokens.push({ kind: 'eof', start: n, end: n });
  return tokens;
}

/** The token that starts at `start` (not whitespace nor a comment). */
function lexToken(text: string, start: number, err: Fail): Token {
  const c = text[start]!;
  // identifiers and keywords
  if (isIdentStart(c)) return identifier(text, start);
  // backtick-quoted names
  if (c === '`') return quotedName(text, start, err);
  // strings
  if (c === '"') return doubleQuoted(text, start, err);
  if (c === "'") return singleQuoted(text, start, err);
  // numbers, durations, IPv4 addresses and networks
  if (isDigit(c)) return numeric(text, start, err);
  // operators and punctuation
  return operator(text, start, err);
}

/** An identifier or a keyword. */
function identifier(text: string, start: number): Token {
  const n = text.length;
  let i = start;
  while (i < n && isIdentPart(text[i])) i++;
  return { kind: 'ident', name: text.slice(start, i), start, end: i };
}

/** A backtick-quoted name. */
function quotedName(text: string, start: number, err: Fail): Token {
  let i = start;
  const close = text.indexOf('`', i + 1);
  if (close < 0) err('Unterminated quoted name', i, i + 1, 'close it with a backtick');
  const name = text.slice(i + 1, close);
  if (name.length === 0) err('Empty quoted name', i, close + 1);
  if (name.includes('\n')) err('A quoted name cannot span lines', i, close + 1);
  i = close + 1;
  return { kind: 'quoted', name, start, end: i };
}

/** A double-quoted string: backslash escapes. */
function doubleQuoted(text: string, start: number, err: Fail): Token {
  const n = text.length;
  let i = start;
  let value = '';
  i++;
  for (;;) {
    if (i >= n) err('Unterminated string', start, start + 1, 'close it with `"`');
    const d = text[i]!;
    if (d === '"') {
      i++;
      break;
    }
    if (d === '\\') {
      const e = text[i + 1];
      if (e === 'u') {
        const hex = text.slice(i + 2, i + 6);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) {
          err('Malformed \\u escape: four hexadecimal digits expected', i, i + 2);
        }
        value += String.fromCharCode(parseInt(hex, 16));
        i += 6;
        continue;
      }
      const mapped = e === undefined ? undefined : ESCAPES[e];
      if (mapped === undefined) {
        err(
          `Unknown escape \`\\${e ?? ''}\` in a double-quoted string`,
          i,
          Math.min(n, i + 2),
          "in double quotes a backslash escapes the next character: write `\\\\` for one backslash, or use single quotes, which take backslashes literally (re('\\.'))",
        );
      }
      value += mapped;
      i += 2;
      continue;
    }
    value += d;
    i++;
  }
  return { kind: 'string', value, quote: '"', start, end: i };
}

/** A single-quoted string: backslashes are literal. */
function singleQuoted(text: string, start: number, err: Fail): Token {
  let i = start;
  const close = text.indexOf("'", i + 1);
  if (close < 0) err('Unterminated string', i, i + 1, "close it with `'`");
  const value = text.slice(i + 1, close);
  i = close + 1;
  return { kind: 'string', value, quote: "'", start, end: i };
}

/** An integer, or (after its digits) a decimal, an IPv4 address or network, or a duration. */
function numeric(text: string, start: number, err: Fail): Token {
  const n = text.length;
  let i = start;
  while (i < n && isDigit(text[i])) i++;
  // dotted: a decimal or an IPv4 address
  if (text[i] === '.' && isDigit(text[i + 1])) return dotted(text, start, i, err);
  // duration: one or more INT UNIT pairs, e.g. 5m, 15h45m50s
  if (isIdentStart(text[i])) return durationOrExponent(text, start, i, err);
  const digits = text.slice(start, i);
  const value = BigInt(digits);
  if (value > INT64_MAX) err(`Integer \`${digits}\` is too large`, start, i);
  return { kind: 'int', value, start, end: i };
}

/** After digits and a dot: a decimal, an IPv4 address or an IPv4 network. */
function dotted(text: string, start: number, from: number, err: Fail): Token {
  const n = text.length;
  let i = from;
  const parts = [text.slice(start, i)];
  while (text[i] === '.' && isDigit(text[i + 1])) {
    const p = i + 1;
    i = p;
    while (i < n && isDigit(text[i])) i++;
    parts.push(text.slice(p, i));
  }
  if (parts.length === 2) {
    // exponent
    if ((text[i] === 'e' || text[i] === 'E') && /^[eE][+-]?\d/.test(text.slice(i, i + 3))) {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      while (i < n && isDigit(text[i])) i++;
    }
    if (isIdentPart(text[i]) || text[i] === '.') {
      err(`Malformed number \`${text.slice(start, i + 1)}\``, start, i + 1);
    }
    return { kind: 'float', value: Number(text.slice(start, i)), start, end: i };
  }
  if (parts.length !== 4) {
    err(
      `Malformed number or IPv4 address \`${text.slice(start, i)}\``,
      start,
      i,
      'an IPv4 address has four parts (10.1.2.3); a decimal has one dot (6.0)',
    );
  }
  let ip = 0;
  for (const p of parts) {
    const v = Number(p);
    if (p.length > 3 || v > 255) {
      err(`\`${text.slice(start, i)}\` is not an IPv4 address (each part is 0-255)`, start, i);
    }
    ip = ip * 256 + v;
  }
  if (text[i] === '/' && isDigit(text[i + 1])) {
    const p = i + 1;
    i = p;
    while (i < n && isDigit(text[i])) i++;
    const bits = Number(text.slice(p, i));
    if (i - p > 2 || bits > 32) {
      err(`Malformed CIDR prefix length in \`${text.slice(start, i)}\` (0-32)`, start, i);
    }
    if (isIdentPart(text[i]) || text[i] === '.') {
      err(`Malformed CIDR network \`${text.slice(start, i + 1)}\``, start, i + 1);
    }
    return { kind: 'cidr4', value: ip, bits, start, end: i };
  }
  if (isIdentPart(text[i]) || text[i] === '.') {
    err(`Malformed IPv4 address \`${text.slice(start, i + 1)}\``, start, i + 1);
  }
  return { kind: 'ip4', value: ip, start, end: i };
}

/** After digits and a letter: a duration (5m, 1h30m) or a number with an exponent (1e6). */
function durationOrExponent(text: string, start: number, from: number, err: Fail): Token {
  const n = text.length;
  let i = from;
  let ms = 0;
  let j = start;
  let ok = true;
  while (j < n && isDigit(text[j])) {
    const d0 = j;
    while (j < n && isDigit(text[j])) j++;
    const amount = Number(text.slice(d0, j));
    const unit = DURATION_UNITS.find(([u]) => text.startsWith(u, j));
    if (!unit) {
      ok = false;
      break;
    }
    j += unit[0].length;
    ms += amount * unit[1];
  }
  if (ok && !isIdentPart(text[j])) {
    if (!Number.isSafeInteger(ms)) err('Duration too large', start, j);
    i = j;
    return { kind: 'duration', ms, start, end: i };
  }
  let k = i;
  while (k < n && isIdentPart(text[k])) k++;
  if (/^[0-9]+[eE][+-]?[0-9]+$/.test(text.slice(start, k))) {
    i = k;
    return { kind: 'float', value: Number(text.slice(start, i)), start, end: i };
  }
  err(
    `Malformed number or duration \`${text.slice(start, k)}\``,
    start,
    k,
    'durations are a number and a unit (ms, s, m, h, d, w) with no space, e.g. 5m or 1h30m; a name that starts with a digit needs backticks: `2my_field`',
  );
}

/** An operator or punctuation; anything else is an unexpected character. */
function operator(text: string, start: number, err: Fail): Token {
  const c = text[start]!;
  let i = start;
  const op = OPERATORS.find((o) => text.startsWith(o, i)) as Operator | undefined;
  if (op) {
    i += op.length;
    return { kind: 'op', op, start, end: i };
  }
  if (c === '!') err('`!` is not an operator', i, i + 1, 'use `not`, or `!=` for inequality');
  if (c === '&') err('`&` is not an operator', i, i + 1, 'use `and`');
  const cp = text.codePointAt(i) ?? 0;
  const ch = String.fromCodePoint(cp);
  err(
    `Unexpected character \`${ch}\``,
    i,
    i + ch.length,
    /\p{L}/u.test(ch)
      ? 'names are ASCII letters, digits and `_`; quote other names with backticks'
      : undefined,
  );
}
