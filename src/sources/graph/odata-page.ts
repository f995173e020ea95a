// A Graph collection page, `{"@odata.context": …, "value": [ … ], "@odata.nextLink": "…"}`,
// split without parsing the records: each record's exact text (the stored `message` is the
// record as received, and the engine parses it), and the nextLink to follow verbatim.
import {
  isSpace,
  JsonSplitError,
  skipString,
  splitJsonArray,
} from '../../ingest/json-array-splitter.js';

export interface ODataPage {
  readonly records: string[];
  readonly nextLink: string | null;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Index past the JSON value starting at `i` (structure only; scalars are not checked). */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 0x22) return skipString(text, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (let k = i; k < text.length; k++) {
      const ch = text.charCodeAt(k);
      if (ch === 0x22) {
        k = skipString(text, k) - 1;
      } else if (ch === 0x7b || ch === 0x5b) {
        depth++;
      } else if (ch === 0x7d || ch === 0x5d) {
        depth--;
        if (depth === 0) return k + 1;
      }
    }
    throw new JsonSplitError('unterminated object or array', i);
  }
  let k = i;
  while (k < text.length) {
    const ch = text.charCodeAt(k);
    if (ch === 0x2c || ch === 0x7d || ch === 0x5d || isSpace(ch)) break;
    k++;
  }
  if (k === i) throw new JsonSplitError('expected a value', i);
  return k;
}

/** Splits a Graph collection page; throws JsonSplitError when it is not one. */
export function splitODataPage(text: string): ODataPage {
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) === 0xfeff) i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) !== 0x7b) throw new JsonSplitError('expected {', i);
  i = skipSpace(text, i + 1);
  let records: string[] | null = null;
  let nextLink: string | null = null;
  while (text.charCodeAt(i) !== 0x7d) {
    if (text.charCodeAt(i) !== 0x22) throw new JsonSplitError('expected a key', i);
    const keyEnd = skipString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== 0x3a) throw new JsonSplitError('expected :', i);
    i = skipSpace(text, i + 1);
    const end = skipValue(text, i);
    if (key === 'value') records = splitJsonArray(text.slice(i, end)).elements;
    else if (key === '@odata.nextLink') {
      const link = JSON.parse(text.slice(i, end)) as unknown;
      nextLink = typeof link === 'string' && link !== '' ? link : null;
    }
    i = skipSpace(text, end);
    if (text.charCodeAt(i) === 0x2c) i = skipSpace(text, i + 1);
    else if (text.charCodeAt(i) !== 0x7d) throw new JsonSplitError('expected , or }', i);
  }
  if (records === null) throw new JsonSplitError('no "value" array in the page', 0);
  return { records, nextLink };
}
