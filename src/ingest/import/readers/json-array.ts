// JSON arrays (`[{…},{…}]`, the shape of a Management API content blob and of many exports) stream
// through the splitter chunk by chunk, in linear time whatever the layout (one line or one element
// per line), each element's text kept byte for byte. Memory holds one chunk and one element; an
// element over the record size limit keeps a prefix and its hash (see oversized.ts).
import {
  JsonArrayStream,
  JsonSplitError,
  type StreamedElement,
} from '../../json-array-splitter.js';
import { importError } from '../errors.js';
import type { TextSource } from '../text-source.js';
import { DEFAULT_RECORD_LIMITS, type RecordLimits } from './oversized.js';

/** Elements of the array, in batches (one per chunk of the file that completes any). */
export async function* readJsonArray(
  source: TextSource,
  limits: RecordLimits = DEFAULT_RECORD_LIMITS,
): AsyncGenerator<StreamedElement[], void, undefined> {
  const stream = new JsonArrayStream({
    maxChars: limits.maxRecordChars,
    prefixChars: limits.keptChars,
  });
  try {
    for await (const chunk of source.chunks()) {
      const elements = stream.push(chunk);
      if (elements.length > 0) yield elements;
    }
    const last = stream.end();
    if (last.length > 0) yield last;
  } catch (error) {
    if (error instanceof JsonSplitError) {
      throw importError(source.file, error.line, `The JSON array is malformed: ${error.message}.`, {
        cause: error,
      });
    }
    throw error;
  }
}
