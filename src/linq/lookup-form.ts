// `` `lu/Lookup/column`(key) ``: Devo's function form of a lookup, as its library writes it
// (SecOpsO365OneDriveDownload). The same as `lu("Lookup", "column", key)`; positions are kept so
// that a mistake in the name is shown under it.
import type { CallExpr } from './ast.js';
import { LinqError } from './errors.js';

export function lookupForm(e: CallExpr, text: string): CallExpr {
  const parts = e.name.split('/');
  if (parts.length !== 3 || parts[1] === '' || parts[2] === '') {
    throw new LinqError(
      `\`${e.name}\` is not a lookup: write \`lu/Lookup/column\`(key)`,
      text,
      e.nameSpan,
    );
  }
  if (e.args.length !== 1) {
    throw new LinqError(
      `\`${e.name}\` takes 1 argument (the key), not ${e.args.length}`,
      text,
      e.span,
    );
  }
  // offsets inside the backticks: `lu/` starts one character after the opening quote
  const start = e.nameSpan.start + 1;
  const lookupSpan = { start: start + 3, end: start + 3 + parts[1]!.length };
  const columnSpan = { start: lookupSpan.end + 1, end: lookupSpan.end + 1 + parts[2]!.length };
  return {
    kind: 'call',
    name: 'lu',
    quoted: false,
    nameSpan: e.nameSpan,
    span: e.span,
    args: [
      { kind: 'str', value: parts[1]!, span: lookupSpan },
      { kind: 'str', value: parts[2]!, span: columnSpan },
      e.args[0]!,
    ],
  };
}
