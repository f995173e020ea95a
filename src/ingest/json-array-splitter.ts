// Splits the text of a JSON array into the exact text of each element, without parsing the
// elements: the stored `message` must be the record byte for byte as Microsoft sent it, and the
// engine (not JavaScript) parses it. Strings are skipped with indexOf, which is what makes this
// faster than JSON.parse on audit records (they are mostly string bytes).
import { createHash, type Hash } from 'node:crypto';

export interface SplitResult {
  /** Each element's text, untrimmed of nothing inside, trimmed of surrounding white space. */
  readonly elements: string[];
}

export class JsonSplitError extends Error {
  constructor(
    message: string,
    /** 0-based character offset of the problem in the text. */
    readonly offset: number,
    /** 1-based line of the problem, when the splitter counted lines. */
    readonly line?: number,
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

/** An element of a streamed array. */
export interface StreamedElement {
  /** The element's exact text; for an element over the size limit, its first characters only. */
  readonly text: string;
  /** 1-based line the element starts on. */
  readonly line: number;
  /** Set when the element is larger than the limit: its whole length and SHA-256 (of its UTF-8). */
  readonly oversize?: { readonly chars: number; readonly sha256: string };
}

export interface JsonArrayStreamOptions {
  /** Elements longer than this (characters) are not kept whole (default: no limit). */
  readonly maxChars?: number;
  /** Characters kept of an element over the limit (default 64 KiB). */
  readonly prefixChars?: number;
}

const QUOTE_OR_BACKSLASH = /["\\]/g;
const NEWLINE = 0x0a;

/**
 * `splitJsonArray` over text that arrives in chunks: each chunk is scanned once, in linear time,
 * and only the element under way is kept between chunks (an element over `maxChars` keeps its
 * prefix and a running hash instead), so memory holds one chunk and one element whatever the
 * size of the array, and an array on a single line costs the same as one element per line.
 */
export class JsonArrayStream {
  private readonly maxChars: number;
  private readonly prefixChars: number;
  private started = false;
  private done = false;
  private expectElement = true;
  private sawElement = false;
  private inElement = false;
  private scalar = false;
  private inString = false;
  private escaped = false;
  private depth = 0;
  private line = 1;
  private elementLine = 1;
  private elementStart = 0;
  /** Characters of the file before the current chunk (for error offsets). */
  private consumed = 0;
  private parts: string[] = [];
  private partsChars = 0;
  private hash: Hash | undefined;

  constructor(options: JsonArrayStreamOptions = {}) {
    this.maxChars = options.maxChars ?? Infinity;
    this.prefixChars = Math.min(options.prefixChars ?? 64 * 1024, this.maxChars);
  }

  private fail(message: string, at: number): never {
    throw new JsonSplitError(message, this.consumed + at, this.line);
  }

  /** Keeps a piece of the element under way (all of it, or its prefix and the hash). */
  private keep(piece: string): void {
    if (piece.length === 0) return;
    if (!this.hash && this.partsChars + piece.length <= this.maxChars) {
      this.parts.push(piece);
      this.partsChars += piece.length;
      return;
    }
    if (!this.hash) {
      this.hash = createHash('sha256');
      const kept = this.parts.join('');
      this.hash.update(kept);
      this.parts = [kept.slice(0, this.prefixChars)];
    }
    this.hash.update(piece);
    if (this.parts[0]!.length < this.prefixChars) {
      this.parts[0] += piece.slice(0, this.prefixChars - this.parts[0]!.length);
    }
    this.partsChars += piece.length;
  }

  private finish(chunk: string, end: number, out: StreamedElement[]): void {
    this.keep(chunk.slice(this.elementStart, end));
    const text = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    out.push(
      this.hash
        ? {
            text,
            line: this.elementLine,
            oversize: { chars: this.partsChars, sha256: this.hash.digest('hex') },
          }
        : { text, line: this.elementLine },
    );
    this.parts = [];
    this.partsChars = 0;
    this.hash = undefined;
    this.inElement = false;
    this.sawElement = true;
    this.expectElement = false;
  }

  /** Scans the next chunk; returns the elements it completes. */
  push(chunk: string): StreamedElement[] {
    const out: StreamedElement[] = [];
    const n = chunk.length;
    this.elementStart = 0;
    let i = 0;
    while (i < n) {
      if (this.inElement) {
        if (this.inString) {
          if (this.escaped) {
            this.escaped = false;
            i++;
            continue;
          }
          QUOTE_OR_BACKSLASH.lastIndex = i;
          const m = QUOTE_OR_BACKSLASH.exec(chunk);
          if (!m) {
            i = n;
            break;
          }
          i = m.index + 1;
          if (chunk.charCodeAt(m.index) === BACKSLASH) {
            this.escaped = true;
            continue;
          }
          this.inString = false;
          if (this.depth === 0) this.finish(chunk, i, out);
          continue;
        }
        const c = chunk.charCodeAt(i);
        if (this.scalar) {
          if (c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE || isSpace(c)) {
            this.finish(chunk, i, out);
            continue; // the delimiter is read between elements
          }
          i++;
          continue;
        }
        i++;
        if (c === QUOTE) this.inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
        else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          if (--this.depth === 0) this.finish(chunk, i, out);
        } else if (c === NEWLINE) this.line++;
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (isSpace(c)) {
        if (c === NEWLINE) this.line++;
        i++;
        continue;
      }
      if (!this.started) {
        if (c === 0xfeff && this.consumed + i === 0) {
          i++;
          continue;
        }
        if (c !== OPEN_BRACKET) this.fail('expected [', i);
        this.started = true;
        i++;
        continue;
      }
      if (this.done) this.fail('unexpected text after the array', i);
      if (c === CLOSE_BRACKET) {
        if (this.expectElement && this.sawElement) this.fail('trailing comma', i);
        this.done = true;
        i++;
        continue;
      }
      if (!this.expectElement) {
        if (c !== COMMA) this.fail('expected , or ]', i);
        this.expectElement = true;
        i++;
        continue;
      }
      if (c === COMMA || c === CLOSE_BRACE) this.fail('expected a value', i);
      this.inElement = true;
      this.elementStart = i;
      this.elementLine = this.line;
      this.depth = 0;
      this.inString = false;
      this.escaped = false;
      this.scalar = c !== QUOTE && c !== OPEN_BRACE && c !== OPEN_BRACKET;
      if (!this.scalar) {
        if (c === QUOTE) this.inString = true;
        else this.depth = 1;
      }
      i++;
    }
    if (this.inElement) this.keep(chunk.slice(this.elementStart));
    this.consumed += n;
    return out;
  }

  /** After the last chunk: checks that the array was closed. */
  end(): StreamedElement[] {
    const out: StreamedElement[] = [];
    if (!this.started) this.fail('expected [', 0);
    if (this.inElement && this.scalar && !this.done) {
      this.finish('', 0, out); // `[1` then the end: reported as unterminated below
    }
    if (this.inString) this.fail('unterminated string', 0);
    if (!this.done) this.fail('unterminated array', 0);
    return out;
  }
}
