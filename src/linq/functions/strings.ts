// Pattern and string functions (docs/linq.md, "The language").
import { lit, nul, op } from '../build.js';
import type { CompileValue, TExpr } from '../ir.js';
import { checkRegex, globPattern } from '../patterns.js';
import { arrayOf, isArray, type LType } from '../types.js';
import { scalar, type CheckedArg, type FnContext, type ScalarFunction } from './types.js';

export const compiled = (value: CompileValue): TExpr => ({
  k: 'compile',
  type: value.kind === 'glob' ? 'glob' : value.kind,
  value,
});

function regexOf(a: CheckedArg, ctx: FnContext, what: string): { pattern: string; groups: number } {
  const v = ctx.compiled(a, ['regex'], `${what} needs a regular expression re("…")`);
  return v as { pattern: string; groups: number };
}

/** A separator: ClickHouse needs it to be a literal. */
function separator(a: CheckedArg, ctx: FnContext): TExpr {
  const e = ctx.str(a);
  if (ctx.dialect === 'clickhouse' && e.k !== 'lit') {
    ctx.error(
      'On ClickHouse the separator must be a literal string',
      a.span,
      'write it in quotes, e.g. "-"',
    );
  }
  return e;
}

function nonNegative(a: CheckedArg, ctx: FnContext, what: string): TExpr {
  const e = ctx.int(a);
  if (e.k === 'lit' && (e.value as bigint) < 0n) {
    ctx.error(`${what} counts from 0 and cannot be negative`, a.span);
  }
  return e;
}

function humanSize(bytes: TExpr, si: boolean): TExpr {
  const base = si ? 1000n : 1024n;
  const units = si ? ['kB', 'MB', 'GB', 'TB', 'PB'] : ['KB', 'MB', 'GB', 'TB', 'PB'];
  const cat = (...parts: TExpr[]): TExpr => op('concat', parts, 'str');
  const s = (e: TExpr): TExpr => op('to_str', [e], 'str', { from: 'int' });
  const args: TExpr[] = [
    op('lt', [bytes, lit(base, 'int')], 'bool'),
    cat(s(bytes), lit(' B', 'str')),
  ];
  let scale = base;
  for (let i = 0; i < units.length; i++) {
    const whole = op('idiv', [bytes, lit(scale, 'int')], 'int');
    const tenth = op(
      'idiv',
      [
        op('mul', [op('rem', [bytes, lit(scale, 'int')], 'int'), lit(10n, 'int')], 'int'),
        lit(scale, 'int'),
      ],
      'int',
    );
    const text = cat(s(whole), lit('.', 'str'), s(tenth), lit(` ${units[i]!}`, 'str'));
    if (i < units.length - 1) args.push(op('lt', [bytes, lit(scale * base, 'int')], 'bool'), text);
    else args.push(text);
    scale *= base;
  }
  return op('case', args, 'str', { hasElse: true });
}

export const STRING_FUNCTIONS: readonly ScalarFunction[] = [
  // ---- patterns
  scalar({
    name: 're',
    signature: 're("pattern")',
    doc: 'A regular expression (RE2 syntax) for matches, `~`, peek, splitre, subs.',
    min: 1,
    max: 1,
    check: ([p], ctx) => {
      const pattern = ctx.literalString(p!, 'The pattern of re()');
      const c = checkRegex(pattern);
      if (c.error) ctx.error(c.error.message, p!.span, c.error.hint);
      return compiled({ kind: 'regex', pattern, groups: c.groups });
    },
  }),
  scalar({
    name: 'nameglob',
    signature: 'nameglob("glob*")',
    doc: 'A glob over the whole value: `*` any text, `?` one character.',
    min: 1,
    max: 1,
    check: ([p], ctx) =>
      compiled({ kind: 'glob', pattern: globPattern(ctx.literalString(p!, 'The glob')) }),
  }),
  scalar({
    name: 'template',
    signature: 'template("\\\\1")',
    doc: 'A replacement for subs(): `\\1`… are the groups of the match.',
    min: 1,
    max: 1,
    check: ([p], ctx) =>
      compiled({ kind: 'template', text: ctx.literalString(p!, 'The template') }),
  }),
  // ---- strings
  scalar({
    name: 'split',
    signature: 'split(s, sep[, i])',
    doc: 'The i-th piece (0-based) of s cut at each sep; null when there is none. Without i, the array of pieces.',
    min: 2,
    max: 3,
    check: ([s, sep, i], ctx) =>
      i
        ? op(
            'split_idx',
            [ctx.str(s!), separator(sep!, ctx), nonNegative(i, ctx, 'The piece index')],
            'str',
          )
        : op('split_arr', [ctx.str(s!), separator(sep!, ctx)], 'array(str)'),
  }),
  scalar({
    name: 'splitre',
    signature: 'splitre(s, re("p")[, i])',
    doc: 'split() at each match of a regular expression.',
    min: 2,
    max: 3,
    check: ([s, p, i], ctx) => {
      const pat = lit(regexOf(p!, ctx, '`splitre`').pattern, 'str');
      return i
        ? op('splitre_idx', [ctx.str(s!), pat, nonNegative(i, ctx, 'The piece index')], 'str')
        : op('splitre_arr', [ctx.str(s!), pat], 'array(str)');
    },
  }),
  ...['substring', 'substr'].map((name) =>
    scalar({
      name,
      signature: `${name}(s, start[, length])`,
      doc: 'Characters of s from start (0-based), length of them or to the end.',
      min: 2,
      max: 3,
      check: ([s, start, len], ctx) =>
        op(
          'substring',
          [
            ctx.str(s!),
            nonNegative(start!, ctx, 'The start'),
            ...(len ? [nonNegative(len, ctx, 'The length')] : []),
          ],
          'str',
        ),
    }),
  ),
  ...(['subs', 'subsall'] as const).map((name) =>
    scalar({
      name,
      signature: `${name}(s, re("p"), template("\\\\1"))`,
      doc:
        name === 'subs'
          ? 'Replaces the first match of p in s; `\\1`… in the template are its groups (subsall: every match).'
          : 'Replaces every match of p in s; `\\1`… in the template are the groups.',
      min: 3,
      max: 3,
      check: ([s, p, t], ctx) => {
        const pat = regexOf(p!, ctx, `\`${name}\``).pattern;
        const text =
          t!.expr.k === 'lit' && t!.expr.type === 'str'
            ? (t!.expr.value as string)
            : (
                ctx.compiled(t!, ['template'], `\`${name}\` needs a template("…")`) as {
                  text: string;
                }
              ).text;
        return op('subs', [ctx.str(s!), lit(pat, 'str'), lit(text, 'str')], 'str', {
          all: name === 'subsall',
        });
      },
    }),
  ),
  ...(['replace', 'replaceall'] as const).map((name) =>
    scalar({
      name,
      signature: `${name}(s, "from", "to")`,
      doc:
        name === 'replace'
          ? 'Replaces the first occurrence of the text `from` (not a pattern) in s (replaceall: every one).'
          : 'Replaces every occurrence of the text `from` (not a pattern) in s.',
      min: 3,
      max: 3,
      check: ([s, a, b], ctx) => {
        if (s!.expr.k === 'compile' || a!.expr.k === 'compile' || b!.expr.k === 'compile') {
          const sig = [s!, a!, b!]
            .map((x) => (x.expr.type === 'regex' ? 're' : x.expr.type))
            .join(', ');
          ctx.error(
            `No function named \`${name}\` with arguments (${sig})`,
            ctx.call.span,
            `${name}() takes (str, str, str); for a regular expression use ${name === 'replace' ? 'subs' : 'subsall'}(s, re("p"), template("…"))`,
          );
        }
        return op('replace', [ctx.str(s!), ctx.str(a!), ctx.str(b!)], 'str', {
          all: name === 'replaceall',
        });
      },
    }),
  ),
  scalar({
    name: 'peek',
    signature: 'peek(s, re("p")[, n])',
    doc: 'The text of group n of the first match of p (without n, or n = 0: the whole match); null when none.',
    min: 2,
    max: 3,
    check: ([s, p, n], ctx) => {
      const r = regexOf(p!, ctx, '`peek`');
      // without a group, the whole match (docs/linq.md, "Strings")
      const g = n ? ctx.literalInt(n, 'The group number') : 0;
      if (g < 0 || g > r.groups) {
        ctx.error(
          `The regular expression has ${r.groups} group${r.groups === 1 ? '' : 's'}; there is no group ${g}`,
          (n ?? p!).span,
        );
      }
      return op('peek', [ctx.str(s!), lit(r.pattern, 'str'), lit(BigInt(g), 'int')], 'str');
    },
  }),
  scalar({
    name: 'length',
    signature: 'length(x)',
    doc: 'Characters of a str, or elements of an array.',
    min: 1,
    max: 1,
    check: ([x], ctx) => {
      const t = x!.expr.type;
      if (isArray(t)) return op('length_arr', [x!.expr], 'int');
      if (t === 'null') return nul('int');
      return op('length_str', [ctx.str(x!)], 'int');
    },
  }),
  ...(['lower', 'upper'] as const).map((name) =>
    scalar({
      name,
      signature: `${name}(s)`,
      doc: `${name === 'lower' ? 'Lower' : 'Upper'}-case.`,
      min: 1,
      max: 1,
      check: ([s], ctx) => op(name, [ctx.str(s!)], 'str'),
    }),
  ),
  scalar({
    name: 'join',
    signature: 'join(array[, sep])',
    doc: 'The elements joined with sep (with nothing between them when sep is left out).',
    min: 1,
    max: 2,
    check: ([a, sep], ctx) => {
      if (!isArray(a!.expr.type))
        ctx.error(`\`join\` needs an array; this is ${a!.expr.type}`, a!.span);
      // Devo's complex data types page joins with no separator: join([1, "Peter"]) is
      // "1Peter" (docs/devo-sources.md)
      return op('join', [a!.expr, sep ? separator(sep, ctx) : lit('', 'str')], 'str');
    },
  }),
  scalar({
    name: 'decode',
    signature: 'decode(x, k1, v1, k2, v2, …[, default])',
    doc: 'The v of the first k equal to x; the default (or null) otherwise.',
    min: 3,
    max: Infinity,
    check: ([x, ...rest], ctx) => {
      const hasElse = rest.length % 2 === 1;
      const values = rest.filter((_, i) => i % 2 === 1 || (hasElse && i === rest.length - 1));
      const type = ctx.common(values, '`decode`');
      const key = x!.expr.type === 'json' ? op('json_str', [x!.expr], 'str') : x!.expr;
      const args: TExpr[] = [key];
      rest.forEach((a, i) => {
        const isValue = i % 2 === 1 || (hasElse && i === rest.length - 1);
        if (isValue) args.push(type === 'null' ? a.expr : ctx.to(a, type));
        else
          args.push(key.type === 'null' || a.expr.type === key.type ? a.expr : ctx.to(a, key.type));
      });
      return op('switch', args, type === 'null' ? 'str' : type, { hasElse });
    },
  }),
  scalar({
    name: 'humanSize',
    signature: 'humanSize(bytes[, si])',
    doc: 'A size for people: 1.5 KB (1024-based; 1000-based when si is true).',
    min: 1,
    max: 2,
    check: ([b, si], ctx) =>
      humanSize(ctx.int(b!), si ? ctx.literalBool(si, 'The second argument') : false),
  }),
  scalar({
    name: 'mkarray',
    signature: 'mkarray(a, b, …)',
    doc: 'An array of the values (same as [a, b, …]).',
    min: 1,
    max: Infinity,
    check: (args, ctx) => {
      const type = ctx.common(args, 'An array');
      const el: LType = type === 'null' ? 'str' : type;
      return op(
        'array',
        args.map((a) => ctx.to(a, el)),
        arrayOf(el),
      );
    },
  }),
  // Devo's complex data types page names these, but what m365hunt could read of it leaves `at`'s
  // index base unknown, and m365hunt has no set type (docs/devo-sources.md): refused with the
  // reason rather than guessed
  scalar({
    name: 'at',
    signature: 'at(array, n)',
    doc: "Devo's n-th element: not supported (its index base is not documented where m365hunt could read it); use array[n], which counts from 0.",
    min: 2,
    max: 2,
    check: (_a, ctx) =>
      ctx.error(
        "`at` is not supported: whether Devo's `at` counts from 0 or from 1 could not be checked",
        ctx.call.nameSpan,
        'use array[n], which counts from 0',
      ),
  }),
  scalar({
    name: 'mkset',
    signature: 'mkset(a, b, …)',
    doc: "Devo's set: not supported (m365hunt has arrays, not sets).",
    min: 1,
    max: Infinity,
    check: (_a, ctx) =>
      ctx.error(
        '`mkset` is not supported: m365hunt has arrays, not sets',
        ctx.call.nameSpan,
        'use mkarray(…), an array (it keeps duplicates)',
      ),
  }),
];
