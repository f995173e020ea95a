// Edits of a LINQ query's text that the app makes for the analyst: a filter added for a value
// ("filter for" / "filter out" on a field), and the drill-down from a grouped answer (a bar, a
// table row) to the records behind it. LINQ takes a `where` after any clause but order, limit,
// offset and pragma, which must stay last; a `where` after a `group … select` filters the groups,
// one before the group the records.

/** Top-level keyword positions (outside strings, comments and brackets). */
function keywords(text: string): Array<{ word: string; at: number }> {
  const out: Array<{ word: string; at: number }> = [];
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"' || ch === "'") {
      i++;
      while (i < text.length && text[i] !== ch) i += text[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (/[A-Za-z_]/.test(ch) && (i === 0 || !/[\w.$]/.test(text[i - 1]!))) {
      const m = /^[A-Za-z_]\w*/.exec(text.slice(i))!;
      if (depth === 0) out.push({ word: m[0].toLowerCase(), at: i });
      i += m[0].length;
      continue;
    }
    i++;
  }
  return out;
}

const TAIL = new Set(['order', 'limit', 'offset', 'pragma']);
const CLAUSES = new Set(['from', 'where', 'select', 'group', ...TAIL]);

/** A value as a LINQ literal: JSON's string escapes are LINQ's double-quoted ones. */
export function literal(value: string | number | boolean): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** The condition that keeps (or drops) rows whose field has this value. */
export function condition(
  field: string,
  value: string | number | boolean | null,
  negate = false,
  /** A field of the raw record (`message`), not a column. */
  raw = false,
): string {
  const ref =
    !raw && /^[A-Za-z_]\w*$/.test(field) ? field : `str(jsonparse(message)[${literal(field)}])`;
  if (value === null || value === '') return `${negate ? 'isnotnull' : 'isnull'}(${ref})`;
  return `${ref} ${negate ? '!=' : '='} ${literal(value)}`;
}

/** Adds `where <condition>` to a query, before its order/limit clauses. */
export function addWhere(query: string, cond: string): string {
  const text = query.trimEnd();
  const tail = keywords(text).find((k) => TAIL.has(k.word));
  if (!tail) return `${text}\nwhere ${cond}`;
  return `${text.slice(0, tail.at).trimEnd()}\nwhere ${cond}\n${text.slice(tail.at)}`;
}

/** "Filter for" / "filter out" a value of a field. */
export function addFilter(
  query: string,
  field: string,
  value: string | number | boolean | null,
  negate = false,
  raw = false,
): string {
  return addWhere(query, condition(field, value, negate, raw));
}

/**
 * The records behind one group of a grouped query: the query up to its `group`, with the group's
 * key values as filters. A query without a group gets the filters added.
 */
export function drillQuery(
  query: string,
  keys: ReadonlyArray<{ field: string; value: string | number | boolean | null }>,
): string {
  const words = keywords(query);
  const gi = words.findIndex((k) => k.word === 'group');
  if (gi < 0) return keys.reduce((q, k) => addFilter(q, k.field, k.value), query);
  // `group [every 1h] by a, expr as b`: a key made in the group clause is filtered by its expression.
  const by = words.slice(gi).find((k) => k.word === 'by');
  const end = words.slice(gi).find((k) => k.at > (by?.at ?? 0) && CLAUSES.has(k.word));
  const made = new Map<string, string>();
  if (by) {
    for (const part of splitTop(query.slice(by.at + 2, end?.at ?? query.length))) {
      const m = /^(.*\S)\s+as\s+([A-Za-z_]\w*)$/s.exec(part.trim());
      if (m) made.set(m[2]!, m[1]!);
    }
  }
  let base = query.slice(0, words[gi]!.at).trimEnd();
  for (const k of keys) {
    const expr = made.get(k.field);
    base = expr
      ? addWhere(base, k.value === null ? `isnull(${expr})` : `${expr} = ${literal(k.value)}`)
      : addFilter(base, k.field, k.value);
  }
  return base;
}

/** Splits a clause's list on its top-level commas. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Whether a query groups (its answer has one row per group, not per record). */
export function isGrouped(query: string): boolean {
  return keywords(query).some((k) => k.word === 'group');
}

/** Whether a query orders its rows itself. */
export function isOrdered(query: string): boolean {
  return keywords(query).some((k) => k.word === 'order');
}
