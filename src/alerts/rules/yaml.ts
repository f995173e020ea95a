// YAML with positions: the value of a file, and the line and column of any path in it, so that a
// rule's problems point at the line to fix (`file:line:column`), as the configuration's do.
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { M365HuntError } from '../../util/errors.js';
import { caretLine } from '../../util/text-position.js';

export interface ParsedYaml {
  readonly file: string;
  readonly text: string;
  readonly value: unknown;
  /** 1-based line and column of the node at `path` (or of its closest existing parent). */
  positionOf(path: ReadonlyArray<PropertyKey>): { line: number; column: number };
  /** Where the key of a mapping entry is written (for "unknown key"). */
  keyPositionOf(path: ReadonlyArray<PropertyKey>, key: string): { line: number; column: number };
  /**
   * Where the text of a string scalar starts, to map a position inside a multi-line value (a LINQ
   * query) to the file: its first content line and the indentation of its lines.
   */
  scalarOrigin(path: ReadonlyArray<PropertyKey>): ScalarOrigin | undefined;
}

export interface ScalarOrigin {
  /** File line of the scalar's first content line. */
  readonly line: number;
  /** Column (1-based) of its first content character. */
  readonly column: number;
  /** Block scalars: every content line is indented this much. */
  readonly block: boolean;
  readonly indent: number;
}

export function parseYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const pos = lineCounter.linePos(first.pos[0]);
    const message = first.message.split('\n')[0] ?? first.message;
    throw new M365HuntError(`YAML syntax: ${message}\n${caretLine(text, pos.line, pos.col)}`, {
      position: { source: file, line: pos.line, column: pos.col },
    });
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  const nodeAt = (path: ReadonlyArray<PropertyKey>) => {
    for (let n = path.length; n >= 0; n--) {
      const keys = path.slice(0, n).filter((k): k is string | number => typeof k !== 'symbol');
      const node = doc.getIn(keys, true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return { node, exact: n === path.length };
    }
    return undefined;
  };
  return {
    file,
    text,
    value,
    positionOf(path) {
      const hit = nodeAt(path);
      const offset = hit?.node.range?.[0] ?? 0;
      const pos = lineCounter.linePos(offset);
      return { line: pos.line, column: pos.col };
    },
    keyPositionOf(path, key) {
      const keys = path.filter((k): k is string | number => typeof k !== 'symbol');
      const parent = keys.length === 0 ? doc.contents : doc.getIn(keys, true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
        const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
        if (range) {
          const pos = lineCounter.linePos(range[0]);
          return { line: pos.line, column: pos.col };
        }
      }
      return this.positionOf(path);
    },
    scalarOrigin(path) {
      const hit = nodeAt(path);
      if (!hit?.exact || !isScalar(hit.node)) return undefined;
      const node = hit.node;
      const start = node.range?.[0] ?? 0;
      const pos = lineCounter.linePos(start);
      if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
        // The header (`|`, `>-`) ends its line; content starts on the next non-empty line.
        let i = text.indexOf('\n', start) + 1;
        while (i < text.length && text[i] === '\n') i++;
        let indent = 0;
        while (text[i + indent] === ' ') indent++;
        const content = lineCounter.linePos(i);
        return { line: content.line, column: indent + 1, block: true, indent };
      }
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
      return { line: pos.line, column: pos.col + (quoted ? 1 : 0), block: false, indent: 0 };
    },
  };
}

/** Maps a 1-based (line, column) inside a scalar's text to the file. */
export function mapIntoFile(
  origin: ScalarOrigin,
  line: number,
  column: number,
): { line: number; column: number } {
  if (origin.block) return { line: origin.line + line - 1, column: origin.indent + column };
  return line === 1
    ? { line: origin.line, column: origin.column + column - 1 }
    : { line: origin.line + line - 1, column };
}
