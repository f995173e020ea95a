// jq programs in `jqcompile("…")`: simple paths (`.a.b`, `.[0].x`, `.a[0]["b c"]`) become the engine's
// own JSON path at compile time; anything else runs in a real jq (see jq-engine.ts) where the engine
// allows it, inside the sandbox of jq-sandbox.ts.
import type { JsonStep } from './ir.js';

/** The steps of a simple path program, or null when the program is not one. */
export function simplePath(program: string): JsonStep[] | null {
  const p = program.trim();
  if (p === '.') return [];
  const steps: JsonStep[] = [];
  let i = 0;
  const n = p.length;
  const ident = /[A-Za-z_][A-Za-z0-9_]*/y;
  while (i < n) {
    if (p[i] === '.') {
      i++;
      if (p[i] === '[') continue;
      if (p[i] === '"') {
        const s = readString(p, i);
        if (!s) return null;
        steps.push({ key: s.value });
        i = s.end;
      } else {
        ident.lastIndex = i;
        const m = ident.exec(p);
        if (!m) return null;
        steps.push({ key: m[0] });
        i += m[0].length;
      }
    } else if (p[i] === '[') {
      if (steps.length === 0 && i === 0) return null;
      i++;
      if (p[i] === '"') {
        const s = readString(p, i);
        if (!s || p[s.end] !== ']') return null;
        steps.push({ key: s.value });
        i = s.end + 1;
      } else {
        const m = /^[0-9]+(?=\])/.exec(p.slice(i));
        if (!m) return null;
        const index = Number(m[0]);
        if (!Number.isSafeInteger(index)) return null;
        steps.push({ index });
        i += m[0].length + 1;
      }
    } else if (p[i] === '?') {
      i++;
    } else {
      return null;
    }
  }
  return steps;
}

function readString(p: string, start: number): { value: string; end: number } | null {
  // a JSON string literal, the jq spelling of a quoted key
  let i = start + 1;
  while (i < p.length && p[i] !== '"') i += p[i] === '\\' ? 2 : 1;
  if (i >= p.length) return null;
  try {
    return { value: JSON.parse(p.slice(start, i + 1)) as string, end: i + 1 };
  } catch {
    return null;
  }
}
