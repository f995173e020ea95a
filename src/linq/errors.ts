// Errors of the LINQ compiler: every one names a place in the query (offset, line, column, length)
// and may carry a hint such as "did you mean `UserId`?". They are made here and rendered here.
import { M365HuntError } from '../util/errors.js';

/** A half-open range of UTF-16 offsets into the query text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export class LinqError extends M365HuntError {
  /** 1-based line of the problem. */
  readonly line: number;
  /** 1-based column of the problem (in characters of that line). */
  readonly column: number;
  /** How many characters the caret underlines (at least 1). */
  readonly length: number;
  /** Offset of the problem in the query text. */
  readonly offset: number;

  constructor(message: string, text: string, span: Span, hint?: string) {
    const start = Math.max(0, Math.min(span.start, text.length));
    const end = Math.max(start, Math.min(span.end, text.length));
    const { line, column } = lineColumn(text, start);
    super(message, {
      hint,
      position: { source: 'query', line, column },
      exitCode: 2,
    });
    this.name = 'LinqError';
    this.line = line;
    this.column = column;
    this.offset = start;
    this.length = Math.max(1, end - start);
  }

  /** The message, the query line with a caret under the problem, and the hint. */
  render(text: string): string {
    const lines = text.split('\n');
    const raw = lines[this.line - 1] ?? '';
    const src = raw.replace(/\t/g, ' ').replace(/\r$/, '');
    const width = 110;
    let from = 0;
    if (src.length > width && this.column > width - 20) {
      from = Math.max(0, Math.min(this.column - 1 - 40, src.length - width));
    }
    const shown = src.slice(from, from + width);
    const prefix = from > 0 ? '…' : '';
    const suffix = from + width < src.length ? '…' : '';
    const caretStart = this.column - 1 - from + prefix.length;
    const lineRemaining = Math.max(1, shown.length + prefix.length - caretStart);
    const caretLength = Math.max(1, Math.min(this.length, lineRemaining));
    const gutter = `${this.line} | `;
    const out = [
      `error: ${this.message} (line ${this.line}, column ${this.column})`,
      `${gutter}${prefix}${shown}${suffix}`,
      `${' '.repeat(gutter.length + caretStart)}${'^'.repeat(caretLength)}`,
    ];
    if (this.hint) out.push(`hint: ${this.hint}`);
    return out.join('\n');
  }
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Damerau-Levenshtein (optimal string alignment) distance, case-sensitive. */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, prev2[j - 2]! + 1);
      }
      cur[j] = v;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n]!;
}

/**
 * The candidate closest to `name`: a case-insensitive match first, then the smallest edit distance
 * within a third of the name's length (at least 1, at most 3). Undefined when nothing is close.
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  for (const c of candidates) {
    if (c === name) continue;
    const cl = c.toLowerCase();
    if (cl === lower) return c;
    if (Math.abs(c.length - name.length) > limit) continue;
    const d = editDistance(lower, cl);
    if (d <= limit && d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** "did you mean `x`?" or undefined. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const c = closest(name, candidates);
  return c === undefined ? undefined : `did you mean \`${c}\`?`;
}
