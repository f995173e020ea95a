// Tunables: the values a tenant may change without copying a rule (thresholds, windows, allow-lists).
// A rule declares each with a default; queries use it as `$name` (outside string literals) and
// parameters as `"$name"`. Values are rendered as LINQ literals by one function, so an override is
// always a literal to the compiler (which binds it as a parameter) and never query text.
import { parseDuration } from '../../util/duration.js';
import type { TunableDef } from './schema.js';
import { linqString } from '../../linq/quote.js';

export type TunableType = 'number' | 'string' | 'strings' | 'duration' | 'boolean';
export type TunableValue = number | string | boolean | readonly string[];

export function tunableType(def: TunableDef): TunableType {
  if (def.type) return def.type;
  if (Array.isArray(def.default)) return 'strings';
  if (typeof def.default === 'number') return 'number';
  if (typeof def.default === 'boolean') return 'boolean';
  return 'string';
}

/** Checks a value against a tunable's type; returns the problem, or undefined when it fits. */
export function checkTunable(type: TunableType, value: unknown): string | undefined {
  switch (type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'duration':
      return typeof value === 'string' && parseDuration(value) !== undefined
        ? undefined
        : 'must be a duration such as 10m, 2h or 7d';
    case 'string':
      if (typeof value !== 'string') return 'must be a string';
      // eslint-disable-next-line no-control-regex
      return /[\u0000-\u001f]/.test(value) ? 'must not hold control characters' : undefined;
    case 'strings':
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
        return 'must be a list of strings';
      }
      // eslint-disable-next-line no-control-regex
      return value.some((v) => /[\u0000-\u001f]/.test(v as string))
        ? 'must not hold control characters'
        : undefined;
  }
}

/** Defaults merged with overrides; throws the first bad override as `name: problem`. */
export function resolveTunables(
  defs: Readonly<Record<string, TunableDef>>,
  overrides: Readonly<Record<string, unknown>> = {},
): Map<string, TunableValue> {
  const values = new Map<string, TunableValue>();
  for (const [name, def] of Object.entries(defs)) values.set(name, def.default);
  for (const [name, value] of Object.entries(overrides)) {
    const def = defs[name];
    if (!def) {
      const known = Object.keys(defs);
      throw new Error(
        `unknown tunable "${name}"${known.length ? ` (this rule has ${known.join(', ')})` : ' (this rule has none)'}`,
      );
    }
    const problem = checkTunable(tunableType(def), value);
    if (problem) throw new Error(`${name} ${problem}`);
    values.set(name, value as TunableValue);
  }
  return values;
}

// A string as a LINQ double-quoted literal: the one quoting function (src/linq/quote.ts).
export { linqString };

/** A value as LINQ literal text: numbers, strings, sets of strings, durations, booleans. */
export function linqLiteral(value: TunableValue, type: TunableType): string {
  switch (type) {
    case 'number':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'duration': {
      const ms = parseDuration(String(value)) ?? 0;
      return ms % 86_400_000 === 0
        ? `${ms / 86_400_000}d`
        : ms % 3_600_000 === 0
          ? `${ms / 3_600_000}h`
          : ms % 60_000 === 0
            ? `${ms / 60_000}m`
            : `${Math.ceil(ms / 1000)}s`;
    }
    case 'string':
      return linqString(String(value));
    case 'strings': {
      const list = value as readonly string[];
      // An empty set is not a LINQ literal: a set holding only "" matches no real value.
      return `{${(list.length > 0 ? list : ['']).map(linqString).join(', ')}}`;
    }
  }
}

interface Reference {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

/** `$name` references outside string literals, backtick identifiers and `//` comments. */
export function findReferences(text: string): Reference[] {
  const out: Reference[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === "'" || c === '`') {
      const close = text.indexOf(c, i + 1);
      i = close < 0 ? text.length : close + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (c === '$') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i));
      if (m) {
        out.push({ name: m[1]!, start: i, end: i + m[0].length });
        i += m[0].length;
      } else i++;
    } else i++;
  }
  return out;
}

/** Replaces each `$name` of a query with the tunable's value as a LINQ literal. */
export function renderQuery(
  text: string,
  defs: Readonly<Record<string, TunableDef>>,
  values: ReadonlyMap<string, TunableValue>,
): string {
  let out = '';
  let last = 0;
  for (const ref of findReferences(text)) {
    const def = defs[ref.name];
    const value = values.get(ref.name);
    if (!def || value === undefined) throw new Error(`$${ref.name} is not a declared tunable`);
    out += text.slice(last, ref.start) + linqLiteral(value, tunableType(def));
    last = ref.end;
  }
  return out + text.slice(last);
}

/** A count parameter: a number, or `$name` of a number tunable. */
export function resolveCount(value: number | string, values: ReadonlyMap<string, TunableValue>) {
  if (typeof value === 'number') return value;
  const v = values.get(value.slice(1));
  if (typeof v !== 'number') throw new Error(`${value} is not a number tunable`);
  return v;
}

/** A duration parameter in milliseconds: `10m`, or `$name` of a duration tunable. */
export function resolveDuration(value: string, values: ReadonlyMap<string, TunableValue>): number {
  const text = value.startsWith('$') ? values.get(value.slice(1)) : value;
  const ms = typeof text === 'string' ? parseDuration(text) : undefined;
  if (ms === undefined) throw new Error(`${value} is not a duration`);
  return ms;
}
