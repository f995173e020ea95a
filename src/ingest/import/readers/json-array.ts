// JSON arrays (`[{…},{…}]`, the shape of a Management API content blob) are read whole and split
// by the shared splitter, which keeps each element's text byte for byte. Only NDJSON and CSV
// stream; arrays larger than MAX_ARRAY_CHARS are refused with the way out.
import { JsonSplitError, splitJsonArray } from '../../json-array-splitter.js';
import { importError } from '../errors.js';
import type { TextSource } from '../text-source.js';

/** Largest array read whole (characters); beyond it memory, not the format, is the limit. */
export const MAX_ARRAY_CHARS = 256 * 1024 * 1024;

export interface ArrayElement {
  readonly text: string;
  readonly line: number;
}

function lineAt(text: string, from: number, to: number, line: number): number {
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

export async function readJsonArray(source: TextSource): Promise<ArrayElement[]> {
  const parts: string[] = [];
  let length = 0;
  for await (const chunk of source.chunks()) {
    length += chunk.length;
    if (length > MAX_ARRAY_CHARS) {
      throw importError(
        source.file,
        undefined,
        `The JSON array is larger than ${MAX_ARRAY_CHARS / 1024 / 1024} MiB; arrays are read whole.`,
        { hint: 'Write the records one per line (NDJSON), which streams at any size.' },
      );
    }
    parts.push(chunk);
  }
  const text = parts.join('');
  let elements: string[];
  try {
    elements = splitJsonArray(text).elements;
  } catch (error) {
    if (error instanceof JsonSplitError) {
      const line = lineAt(text, 0, error.offset, 1);
      throw importError(source.file, line, `The JSON array is malformed: ${error.message}.`, {
        cause: error,
      });
    }
    throw error;
  }
  // Each element's line: elements follow one another, separated only by commas and white space.
  const out: ArrayElement[] = [];
  let cursor = 0;
  let line = 1;
  for (const element of elements) {
    const at = text.indexOf(element, cursor);
    line = lineAt(text, cursor, at, line);
    out.push({ text: element, line });
    cursor = at;
  }
  return out;
}
