// Small scans over JSON text that do not parse it: the importer hands raw records to the store
// byte for byte and the engine parses them, so JavaScript only needs to peek at a record (its
// tenant) or find where the first element of an array ends (to recognise the file's format).

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Index just past the closing quote of the string opening at `open`, or -1 when unterminated. */
export function skipJsonString(text: string, open: number): number {
  let i = open + 1;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) return -1;
    // The quote is escaped when an odd number of backslashes precede it.
    let backslashes = 0;
    for (let k = q - 1; k > open && text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
    if ((backslashes & 1) === 0) return q + 1;
    i = q + 1;
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * The value of a top-level string field of the JSON object in `text`, or undefined (no such
 * field, not a string, not an object, malformed). Nested fields of the same name are ignored.
 * Scans only up to the field, which comes early in Management API records.
 */
export function topLevelString(text: string, name: string): string | undefined {
  const n = text.length;
  let depth = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = skipJsonString(text, i);
      if (end < 0) return undefined;
      if (depth === 1) {
        let j = end;
        while (j < n && isSpace(text.charCodeAt(j))) j++;
        // A key: compare it, and read its value when it is the one asked for.
        if (text.charCodeAt(j) === 0x3a && text.slice(i + 1, end - 1) === name) {
          j++;
          while (j < n && isSpace(text.charCodeAt(j))) j++;
          if (text.charCodeAt(j) !== QUOTE) return undefined;
          const valueEnd = skipJsonString(text, j);
          if (valueEnd < 0) return undefined;
          const raw = text.slice(j + 1, valueEnd - 1);
          if (!raw.includes('\\')) return raw;
          try {
            return JSON.parse(text.slice(j, valueEnd)) as string;
          } catch {
            return undefined;
          }
        }
      }
      i = end;
      continue;
    }
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth <= 0) return undefined;
    }
    i++;
  }
  return undefined;
}

/**
 * Where the JSON value starting at `start` ends (index just past it), or -1 when `text` stops
 * before it does. Only containers and strings are tracked: enough to cut one element out of the
 * head of a file; the element is then parsed properly.
 */
export function endOfJsonValue(text: string, start: number): number {
  const n = text.length;
  let depth = 0;
  let i = start;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = skipJsonString(text, i);
      if (end < 0) return -1;
      if (depth === 0) return end;
      i = end;
      continue;
    }
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return i + 1;
      if (depth < 0) return i;
    } else if (depth === 0 && (c === 0x2c || isSpace(c))) return i;
    i++;
  }
  return -1;
}

/**
 * The top-level keys of the JSON object that starts `text`, as far as `text` goes: for the head of
 * a record too large to parse whole (its first keys say which schema it is in).
 */
export function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  const n = text.length;
  let depth = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = skipJsonString(text, i);
      if (end < 0) break;
      if (depth === 1) {
        let j = end;
        while (j < n && isSpace(text.charCodeAt(j))) j++;
        if (text.charCodeAt(j) === 0x3a) {
          try {
            keys.push(JSON.parse(text.slice(i, end)) as string);
          } catch {
            break;
          }
        }
      }
      i = end;
      continue;
    }
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth <= 0) break;
    }
    i++;
  }
  return keys;
}
