// Parses a configuration file: JSON, with comments allowed (the starting config `init` writes
// explains itself in comments). Syntax errors name the line and column and say what to do; a
// missing comma (the vendor's own template misses one) points where the comma belongs.
import {
  findNodeAtLocation,
  parseTree,
  printParseErrorCode,
  type Node,
  type ParseError,
} from 'jsonc-parser';
import { M365HuntError } from '../util/errors.js';
import { caretLine, lineAndColumn } from '../util/text-position.js';

export interface ParsedJsonc {
  readonly text: string;
  readonly value: unknown;
  readonly tree: Node | undefined;
}

const MESSAGES: Partial<Record<string, string>> = {
  CommaExpected: 'a comma is missing',
  ColonExpected: 'a colon is missing after the key',
  PropertyNameExpected: 'a key (in double quotes) is expected',
  ValueExpected: 'a value is expected',
  CloseBraceExpected: 'a closing } is missing',
  CloseBracketExpected: 'a closing ] is missing',
  EndOfFileExpected: 'there is text after the end of the configuration',
  InvalidSymbol: 'this is not valid JSON',
  UnexpectedEndOfString: 'a string is not closed',
  InvalidCharacter: 'a string holds a character that must be escaped',
};

function previousTokenEnd(text: string, offset: number): number {
  let i = offset - 1;
  while (i >= 0 && /\s/.test(text[i]!)) i--;
  return i + 1;
}

export function parseJsonc(text: string, source: string): ParsedJsonc {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first) {
    const code = printParseErrorCode(first.error);
    let offset = first.offset;
    let hint: string | undefined;
    if (code === 'CommaExpected') {
      // Point at the end of the value that needs the comma after it, not at the next key.
      offset = previousTokenEnd(text, first.offset);
      const before =
        text
          .slice(Math.max(0, offset - 40), offset)
          .trim()
          .split('\n')
          .pop() ?? '';
      hint = `Add a comma after ${before.trim()}. (The vendor's template misses the one after "azure_active_directory": {}.)`;
    }
    const { line, column } = lineAndColumn(text, offset);
    throw new M365HuntError(`${MESSAGES[code] ?? code}\n${caretLine(text, line, column)}`, {
      position: { source, line, column },
      hint,
    });
  }
  if (!tree) throw new M365HuntError('The configuration is empty.', { position: { source } });
  return { text, value: nodeValue(tree), tree };
}

function nodeValue(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      const result: Record<string, unknown> = {};
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? [];
        if (key && value) result[String(key.value)] = nodeValue(value);
      }
      return result;
    }
    case 'array':
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value as unknown;
  }
}

/** Line and column of the value at a path (or of its closest existing parent). */
export function positionOf(
  parsed: ParsedJsonc,
  path: ReadonlyArray<string | number>,
): { line: number; column: number } | undefined {
  if (!parsed.tree) return undefined;
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(parsed.tree, path.slice(0, n) as Array<string | number>);
    if (node) {
      // For a property, point at its key rather than its value.
      const target = node.parent?.type === 'property' ? (node.parent.children?.[0] ?? node) : node;
      return lineAndColumn(parsed.text, target.offset);
    }
  }
  return undefined;
}
