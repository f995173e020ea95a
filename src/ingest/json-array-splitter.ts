// Splits the text of a JSON array into the exact text of each element, without parsing the
// elements: the stored `message` must be the record byte for byte as Microsoft sent it, and the
// engine (not JavaScript) parses it. Strings are skipped with indexOf, which is what makes this
// faster than JSON.parse on audit records (they are mostly string bytes).

export interface SplitResult {
  /** Each element's text, untrimmed of nothing inside, trimmed of surrounding white space. */
  readonly elements: string[];
}

export class JsonSplitError extends Error {
  constructor(
    message: string,
    /** 0-based character offset of the problem in the text. */
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
    this.name = 'JsonSplitError';
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/** JSON whitespace. */
export function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Index just past the closing quote of the string whose opening quote is at `open`. */
export function skipString(text: string, open: number): number {
  let i = open + 1;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) throw new JsonSplitError('unterminated string', open);
    // A quote is escaped when an odd number of backslashes precede it.
    let backslashes = 0;
    for (let k = q - 1; k > open && text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
    if ((backslashes & 1) === 0) return q + 1;
    i = q + 1;
  }
}

/**
 * Splits `[e1, e2, …]` into the texts of e1, e2, …. Checks the structure (brackets, strings,
 * commas between elements) but not the inside of scalars: the engine validates each element.
 */
export function splitJsonArray(text: string): SplitResult {
  const n = text.length;
  let i = 0;
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  if (i < n && text.charCodeAt(i) === 0xfeff) i++; // a UTF-8 BOM decoded as U+FEFF
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== OPEN_BRACKET) throw new JsonSplitError('expected [', i);
  i++;
  const elements: string[] = [];
  let expectElement = true;
  let sawElement = false;
  for (;;) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) throw new JsonSplitError('unterminated array', i);
    const c = text.charCodeAt(i);
    if (c === CLOSE_BRACKET) {
      if (expectElement && sawElement) throw new JsonSplitError('trailing comma', i);
      i++;
      break;
    }
    if (!expectElement) {
      if (c !== COMMA) throw new JsonSplitError('expected , or ]', i);
      i++;
      expectElement = true;
      continue;
    }
    const start = i;
    let depth = 0;
    // Walk one element: a string, a container (tracking depth) or a bare scalar.
    for (;;) {
      if (i >= n) throw new JsonSplitError('unterminated element', start);
      const d = text.charCodeAt(i);
      if (d === QUOTE) {
        i = skipString(text, i);
        if (depth === 0) break;
        continue;
      }
      if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
      else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
        if (depth === 0) break; // end of a bare scalar followed by ]
        depth--;
        if (depth === 0) {
          i++;
          break;
        }
      } else if (depth === 0 && (d === COMMA || isSpace(d))) break;
      i++;
    }
    if (i === start) throw new JsonSplitError('expected a value', i);
    elements.push(text.slice(start, i));
    sawElement = true;
    expectElement = false;
  }
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  if (i !== n) throw new JsonSplitError('unexpected text after the array', i);
  return { elements };
}
