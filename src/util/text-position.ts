// Offsets to 1-based line and column, for errors that point into a file or a query.

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** The line at `line` (1-based) with a caret under `column`, for terminal messages. */
export function caretLine(text: string, line: number, column: number, length = 1): string {
  const source = text.split('\n')[line - 1] ?? '';
  return `${source}\n${' '.repeat(Math.max(0, column - 1))}${'^'.repeat(Math.max(1, length))}`;
}
