// The one way text becomes a LINQ string literal in a query m365hunt writes (rules' tunables, the
// alert and action logs, the server's links): LINQ's double-quoted escapes are JSON's (\" \\ \n
// \uXXXX), so JSON's quoting is LINQ's, control characters included.

/** A string as a LINQ double-quoted literal. */
export function linqString(text: string): string {
  return JSON.stringify(text);
}
