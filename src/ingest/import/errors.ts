// Errors of the import, made here: each names the file and, when known, the line it is about, so
// the CLI prints `FILE:LINE: problem` and the server can point at the same place.
import { M365HuntError } from '../../util/errors.js';

export function importError(
  file: string,
  line: number | undefined,
  message: string,
  options: { hint?: string; cause?: unknown } = {},
): M365HuntError {
  return new M365HuntError(message, {
    position: { source: file, line },
    hint: options.hint,
    cause: options.cause,
  });
}
