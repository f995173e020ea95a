// Line by line over a text source, in batches (one per chunk read), so memory holds one chunk and
// its lines whatever the size of the file. Blank lines are skipped but counted, so that every
// line keeps the number an editor shows for it.
import type { TextSource } from './text-source.js';

export interface LineBatch {
  /** Each non-blank line without its line ending (LF or CRLF). */
  readonly texts: string[];
  /** The 1-based line number of each, parallel to `texts`. */
  readonly numbers: number[];
}

function isBlank(line: string): boolean {
  if (line.length === 0) return true;
  const c = line.charCodeAt(0);
  // Records start with a non-space character: only then is the trim worth doing.
  return (c === 0x20 || c === 0x09 || c === 0x0d) && line.trim().length === 0;
}

export async function* readLines(source: TextSource): AsyncGenerator<LineBatch, void, undefined> {
  let carry = '';
  let next = 1;
  for await (const chunk of source.chunks()) {
    const text = carry.length > 0 ? carry + chunk : chunk;
    const texts: string[] = [];
    const numbers: number[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl;
      const line = text.slice(start, end);
      if (!isBlank(line)) {
        texts.push(line);
        numbers.push(next);
      }
      next++;
      start = nl + 1;
    }
    carry = text.slice(start);
    if (texts.length > 0) yield { texts, numbers };
  }
  if (carry.endsWith('\r')) carry = carry.slice(0, -1);
  if (!isBlank(carry)) yield { texts: [carry], numbers: [next] };
}
