// Filters and string tests (docs/linq.md, "The language": tests): usable in `where` and as boolean
// columns.
import { lit, nul, op } from '../build.js';
import type { TExpr } from '../ir.js';
import { isTokenChar, tokenPattern } from '../patterns.js';
import { isArray, isNumeric } from '../types.js';
import { scalar, type CheckedArg, type FnContext, type ScalarFunction } from './types.js';

const any = (parts: TExpr[]): TExpr => (parts.length === 1 ? parts[0]! : op('or', parts, 'bool'));

const comparison = (name: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le', doc: string): ScalarFunction =>
  scalar({
    name,
    signature: `${name}(a, b)`,
    doc,
    min: 2,
    max: 2,
    check: ([a, b], ctx) => ctx.compare(name, a!, b!),
  });

function hasAny(args: readonly CheckedArg[], ctx: FnContext, ci: boolean): TExpr {
  const [hay, ...needles] = args;
  // a number contains nothing but itself: has(int, 1, 2, 3) is equality with any of them, as the
  // Sigma backend for Devo writes lists of numbers (docs/linq.md, "Tests")
  if (isNumeric(hay!.expr.type)) return any(needles.map((n) => ctx.compare('eq', hay!, n)));
  return any(needles.map((n) => ctx.contains(hay!, n, ci)));
}

function token(args: readonly CheckedArg[], ctx: FnContext, ci: boolean): TExpr {
  const [a, v, l, r] = args;
  const needle = ctx.literalString(v!, `The text searched by \`${ctx.call.name}\``);
  const midStart = l ? ctx.literalBool(l, 'The third argument (may start mid-token)') : false;
  const midEnd = r ? ctx.literalBool(r, 'The fourth argument (may end mid-token)') : false;
  const s = ctx.str(a!);
  if (needle === '') return op('isnotnull', [s], 'bool');
  const chars = [...needle];
  // the boundary each end needs: none when the flag allows mid-token or the needle ends there in
  // a separator (`collector-`)
  const startFree = midStart || !isTokenChar(chars[0]);
  const endFree = midEnd || !isTokenChar(chars[chars.length - 1]);
  const n = lit(needle, 'str');
  if (startFree && endFree) return op(ci ? 'icontains' : 'contains', [s, n], 'bool');
  const regex = op('regex', [s, lit(tokenPattern(needle, midStart, midEnd, ci), 'str')], 'bool');
  if (ci) return regex;
  // cheap tests first: the regular expression only runs on values that contain the needle, and a
  // needle at the start (or end) of the value already has its boundary there
  const candidates = op('and', [op('contains', [s, n], 'bool'), regex], 'bool');
  if (endFree) return op('or', [op('startswith', [s, n], 'bool'), candidates], 'bool');
  if (startFree) return op('or', [op('endswith', [s, n], 'bool'), candidates], 'bool');
  return candidates;
}

const logic = (name: 'and' | 'or'): ScalarFunction =>
  scalar({
    name,
    signature: `\`${name}\`(a, b, …)`,
    doc: `Function form of \`${name}\`.`,
    min: 1,
    max: Infinity,
    check: (args, ctx) =>
      op(
        name,
        args.map((a) => ctx.bool(a)),
        'bool',
      ),
  });

export const FILTERS: readonly ScalarFunction[] = [
  comparison('eq', 'a = b'),
  comparison('ne', 'a != b'),
  comparison('gt', 'a > b'),
  comparison('ge', 'a >= b'),
  comparison('lt', 'a < b'),
  comparison('le', 'a <= b'),
  scalar({
    name: 'eqic',
    signature: 'eqic(a, b)',
    doc: 'Equality ignoring case.',
    min: 2,
    max: 2,
    check: ([a, b], ctx) =>
      op('eq', [op('lower', [ctx.str(a!)], 'str'), op('lower', [ctx.str(b!)], 'str')], 'bool'),
  }),
  scalar({
    name: 'has',
    signature: 'has(a, v1[, v2, …])',
    doc: 'a contains any of the values (substring of a str, element of an array). Same as `a -> v`.',
    min: 2,
    max: Infinity,
    check: (args, ctx) => hasAny(args, ctx, false),
  }),
  scalar({
    name: 'contains',
    signature: 'contains(a, v1[, v2, …])',
    doc: 'Same as has().',
    min: 2,
    max: Infinity,
    check: (args, ctx) => hasAny(args, ctx, false),
  }),
  scalar({
    name: 'weakhas',
    signature: 'weakhas(a, v1[, v2, …])',
    doc: 'a contains any of the values, ignoring case. Same as `a ->> v`.',
    min: 2,
    max: Infinity,
    check: (args, ctx) => hasAny(args, ctx, true),
  }),
  scalar({
    name: 'weakin',
    signature: 'weakin(v, a)',
    doc: 'v is in a (substring or element), ignoring case.',
    min: 2,
    max: 2,
    check: ([v, a], ctx) => ctx.contains(a!, v!, true),
  }),
  scalar({
    name: 'in',
    signature: '`in`(v, a) or `in`(v1, …, vn, x)',
    doc: 'Function form of `<-` (v is in a); with more values, x is one of v1…vn.',
    min: 2,
    max: Infinity,
    check: (args, ctx) => {
      if (args.length === 2) return ctx.contains(args[1]!, args[0]!, false);
      const x = args[args.length - 1]!;
      return any(args.slice(0, -1).map((v) => ctx.compare('eq', x, v)));
    },
  }),
  scalar({
    name: 'startswith',
    signature: 'startswith(a, prefix)',
    doc: 'a starts with prefix (case-sensitive).',
    min: 2,
    max: 2,
    check: ([a, p], ctx) => op('startswith', [ctx.str(a!), ctx.str(p!)], 'bool'),
  }),
  scalar({
    name: 'endswith',
    signature: 'endswith(a, suffix)',
    doc: 'a ends with suffix (case-sensitive).',
    min: 2,
    max: 2,
    check: ([a, p], ctx) => op('endswith', [ctx.str(a!), ctx.str(p!)], 'bool'),
  }),
  scalar({
    name: 'toktains',
    signature: 'toktains(a, "v"[, midStart, midEnd])',
    doc: 'a contains v as a whole token (letters and digits); the flags let v start or end inside a token.',
    min: 2,
    max: 4,
    check: (args, ctx) => token(args, ctx, false),
  }),
  scalar({
    name: 'weaktoktains',
    signature: 'weaktoktains(a, "v"[, midStart, midEnd])',
    doc: 'toktains ignoring case.',
    min: 2,
    max: 4,
    check: (args, ctx) => token(args, ctx, true),
  }),
  scalar({
    name: 'matches',
    signature: 'matches(a, re("p") | nameglob("g"))',
    doc: 'Regular expression search (`a ~ re(p)`), or a glob over the whole value.',
    min: 2,
    max: 2,
    check: ([a, p], ctx) => {
      const v = ctx.compiled(p!, ['regex', 'glob'], '`matches` needs re("…") or nameglob("…")');
      return op('regex', [ctx.str(a!), lit((v as { pattern: string }).pattern, 'str')], 'bool');
    },
  }),
  scalar({
    name: 'isnull',
    signature: 'isnull(x)',
    doc: 'x is null.',
    min: 1,
    max: 1,
    check: ([x]) => op('isnull', [x!.expr], 'bool'),
  }),
  scalar({
    name: 'isnotnull',
    signature: 'isnotnull(x)',
    doc: 'x is not null (false is not null).',
    min: 1,
    max: 1,
    check: ([x]) => op('isnotnull', [x!.expr], 'bool'),
  }),
  scalar({
    name: 'isempty',
    signature: 'isempty(x)',
    doc: 'x is the empty string or an empty array.',
    min: 1,
    max: 1,
    check: ([x], ctx) => {
      const t = x!.expr.type;
      if (t === 'null') return nul('bool');
      if (isArray(t)) return op('eq', [op('length_arr', [x!.expr], 'int'), lit(0n, 'int')], 'bool');
      if (t === 'json') {
        return op(
          'in_list',
          [op('json_text', [x!.expr], 'str'), lit('""', 'str'), lit('[]', 'str'), lit('{}', 'str')],
          'bool',
        );
      }
      return op('eq', [ctx.str(x!), lit('', 'str')], 'bool');
    },
  }),
  logic('and'),
  logic('or'),
  scalar({
    name: 'not',
    signature: '`not`(a)',
    doc: 'Function form of `not`.',
    min: 1,
    max: 1,
    check: ([a], ctx) => op('not', [ctx.bool(a!)], 'bool'),
  }),
];
