// String, JSON, conversion, conditional and math functions (docs/linq.md, "The language").
import { ip4Text, lit, nul, op, parseIp4, cidrBounds } from '../build.js';
import type { CompileValue, JsonStep, TExpr } from '../ir.js';
import { jqCompileError, JqTimeoutError } from '../jq-engine.js';
import { simplePath } from '../jq-path.js';
import { checkJqSandbox, JqSandboxError } from '../jq-sandbox.js';
import { checkRegex, globPattern } from '../patterns.js';
import { formatTimestamp, parseTimestampLiteral } from '../time-range.js';
import { arrayOf, isArray, isCompileTime, type LType } from '../types.js';
import { scalar, type CheckedArg, type FnContext, type ScalarFunction } from './types.js';

const compiled = (value: CompileValue): TExpr => ({
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

function jqValue(a: CheckedArg, ctx: FnContext): Extract<CompileValue, { kind: 'jq' }> {
  if (a.expr.k === 'lit' && a.expr.type === 'str') return compileJq(a.expr.value as string, a, ctx);
  return ctx.compiled(a, ['jq'], '`jqeval` needs a program from jqcompile("…")') as Extract<
    CompileValue,
    { kind: 'jq' }
  >;
}

function compileJq(
  program: string,
  a: CheckedArg,
  ctx: FnContext,
): Extract<CompileValue, { kind: 'jq' }> {
  const path = simplePath(program);
  if (!path) {
    const compileError = (): string | null => {
      try {
        return jqCompileError(program);
      } catch (e) {
        if (!(e instanceof JqTimeoutError)) throw e;
        return e.message;
      }
    };
    try {
      checkJqSandbox(program);
    } catch (e) {
      if (!(e instanceof JqSandboxError)) throw e;
      // A program that cannot be read: jq's compiler names the mistake better, when it runs here.
      const jqSays = e.syntax && ctx.jqPrograms ? compileError() : null;
      if (jqSays) ctx.error(`jq cannot compile this program: ${jqSays}`, a.span);
      ctx.error(
        `${e.message} (at character ${e.offset + 1} of the jq program)`,
        a.span,
        'a jq program sees only the value it is given; see docs/security.md, "Query limits and jq"',
      );
    }
    if (ctx.jqPrograms) {
      const error = compileError();
      if (error) ctx.error(`jq cannot compile this program: ${error}`, a.span);
    } else {
      ctx.error(
        `This jq program is not a simple path, and ${ctx.dialect === 'clickhouse' ? 'ClickHouse' : 'this engine'} can only run simple paths`,
        a.span,
        'simple paths are .a.b, .a[0].b and .["key"]; extract with them and test the values with LINQ functions',
      );
    }
  }
  return { kind: 'jq', program, path };
}

/** `j` followed by more JSON steps, fused into one path when `j` already is one. */
export function jsonPath(j: TExpr, steps: readonly JsonStep[]): TExpr {
  if (steps.length === 0) return j;
  if (j.k === 'op' && j.op === 'json_path') {
    return op('json_path', j.args, 'json', { steps: [...(j.data?.steps ?? []), ...steps] });
  }
  return op('json_path', [j], 'json', { steps });
}

function toStr(a: CheckedArg, ctx: FnContext): TExpr {
  const t = a.expr.type;
  if (t === 'json') return op('json_str', [a.expr], 'str');
  if (t === 'null') return nul('str');
  if (isArray(t)) return op('json_text', [op('to_json', [a.expr], 'json', { from: t })], 'str');
  if (isCompileTime(t)) ctx.error(`Cannot convert a ${t} to str`, a.span);
  return ctx.to(a, 'str');
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

const math1 = (
  name: string,
  o: 'sqrt' | 'cbrt' | 'exp' | 'ln' | 'log10',
  doc: string,
): ScalarFunction =>
  scalar({
    name,
    signature: `${name}(x)`,
    doc,
    min: 1,
    max: 1,
    check: ([x], ctx) => op(o, [ctx.number(x!)], 'float'),
  });

const toward = (name: 'floor' | 'ceil'): ScalarFunction =>
  scalar({
    name,
    signature: `${name}(x)`,
    doc:
      name === 'floor'
        ? 'Largest whole number not above x (an int).'
        : 'Smallest whole number not below x (an int).',
    min: 1,
    max: 1,
    check: ([x], ctx) => {
      const v = ctx.number(x!);
      return v.type === 'int' ? v : op(name, [v], 'int');
    },
  });

const arithmetic = (
  name: string,
  o: '+' | '-' | '*' | '/' | '\\' | '%' | '%%',
  doc: string,
): ScalarFunction =>
  scalar({
    name,
    signature: `${name}(a, b)`,
    doc,
    min: 2,
    max: 2,
    check: ([a, b], ctx) => ctx.arith(o, a!, b!),
  });

export const VALUES: readonly ScalarFunction[] = [
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
    signature: 'join(array, sep)',
    doc: 'The elements joined with sep.',
    min: 2,
    max: 2,
    check: ([a, sep], ctx) => {
      if (!isArray(a!.expr.type))
        ctx.error(`\`join\` needs an array; this is ${a!.expr.type}`, a!.span);
      return op('join', [a!.expr, separator(sep!, ctx)], 'str');
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
  // ---- JSON
  scalar({
    name: 'jsonparse',
    signature: 'jsonparse(s)',
    doc: 'The JSON value of a str (null when the text is not JSON). Subscript it with ["key"] and [0].',
    min: 1,
    max: 1,
    check: ([s], ctx) => {
      if (s!.expr.type === 'json') return s!.expr;
      const e = ctx.str(s!);
      return op(
        'json_parse',
        [e],
        'json',
        ctx.trustedJson(e) ? { trusted: true } : { trusted: false },
      );
    },
  }),
  scalar({
    name: 'jqcompile',
    signature: 'jqcompile(".path")',
    doc: "A jq program for jqeval(). Simple paths (.a.b[0]) compile to the engine's JSON path; other programs run in jq (DuckDB only).",
    min: 1,
    max: 1,
    check: ([p], ctx) => compiled(compileJq(ctx.literalString(p!, 'The jq program'), p!, ctx)),
  }),
  scalar({
    name: 'jqeval',
    signature: 'jqeval(jqcompile(".path"), json)',
    doc: 'Runs the program on the json value; null when the path is missing.',
    min: 2,
    max: 2,
    check: ([p, j], ctx) => {
      const prog = jqValue(p!, ctx);
      const json = ctx.json(j!);
      if (prog.path) return jsonPath(json, prog.path);
      return op('jq', [lit(prog.program, 'str'), json], 'json');
    },
  }),
  scalar({
    name: 'str',
    signature: 'str(x)',
    doc: 'x as a str; on json, the bare value (no quotes), null for objects and arrays.',
    min: 1,
    max: 1,
    check: ([x], ctx) => toStr(x!, ctx),
  }),
  scalar({
    name: 'stringify',
    signature: 'stringify(x)',
    doc: 'The JSON text of x (strings keep their quotes).',
    min: 1,
    max: 1,
    check: ([x], ctx) => {
      const t = x!.expr.type;
      if (t === 'json') return op('json_text', [x!.expr], 'str');
      if (t === 'null') return nul('str');
      if (isCompileTime(t)) ctx.error(`Cannot stringify a ${t}`, x!.span);
      return op('json_text', [op('to_json', [x!.expr], 'json', { from: t })], 'str');
    },
  }),
  // ---- conversions
  ...['int', 'int4', 'int8'].map((name) =>
    scalar({
      name,
      signature: `${name}(x)`,
      doc: 'x as a whole number (str parsed, float truncated, timestamp as epoch ms); null when it does not convert.',
      min: 1,
      max: 1,
      check: ([x], ctx) => {
        if (x!.expr.type === 'timestamp') return op('epoch', [x!.expr], 'int');
        return ctx.to(x!, 'int');
      },
    }),
  ),
  ...['float', 'float8'].map((name) =>
    scalar({
      name,
      signature: `${name}(x)`,
      doc: 'x as a floating-point number.',
      min: 1,
      max: 1,
      check: ([x], ctx) => ctx.to(x!, 'float'),
    }),
  ),
  scalar({
    name: 'bool',
    signature: 'bool(x)',
    doc: 'x as true or false: "true"/"false" (any case) for a str, not 0 for a number; null otherwise.',
    min: 1,
    max: 1,
    check: ([x], ctx) => {
      const t = x!.expr.type;
      if (t === 'bool' || t === 'null') return x!.expr;
      if (t === 'int' || t === 'float')
        return ctx.compare('ne', x!, { ...x!, expr: lit(0n, 'int') });
      return op('to_bool', [op('lower', [ctx.str(x!)], 'str')], 'bool', { from: 'str' });
    },
  }),
  scalar({
    name: 'ip4',
    signature: 'ip4(s)',
    doc: 'An IPv4 address from its text; null for IPv6, ports and anything malformed.',
    min: 1,
    max: 1,
    check: ([x], ctx) => {
      if (x!.expr.k === 'lit' && x!.expr.type === 'str') {
        const v = parseIp4(x!.expr.value as string);
        return v === null ? nul('ip4') : lit(v, 'ip4');
      }
      return ctx.to(x!, 'ip4');
    },
  }),
  scalar({
    name: 'net4',
    signature: 'net4("a.b.c.d/n")',
    doc: 'An IPv4 network, for `ip <- net`.',
    min: 1,
    max: 1,
    check: ([x], ctx) => {
      const text = ctx.literalString(x!, 'The network');
      const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(text);
      const ip = m ? parseIp4(m[1]!) : null;
      if (!m || ip === null || Number(m[2]) > 32)
        ctx.error(`\`${text}\` is not an IPv4 network (a.b.c.d/n)`, x!.span);
      const { lo } = cidrBounds(Number(ip), Number(m![2]));
      return lit(`${ip4Text(lo)}/${m![2]}`, 'net4');
    },
  }),
  scalar({
    name: 'timestamp',
    signature: 'timestamp(x)',
    doc: 'A time from epoch milliseconds or from "YYYY-MM-DD HH:mm:ss" (UTC).',
    min: 1,
    max: 1,
    check: ([x], ctx) => {
      const t = x!.expr.type;
      if (t === 'timestamp') return x!.expr;
      if (t === 'int') return op('ts_from_ms', [x!.expr], 'timestamp');
      if (t === 'float')
        return op('ts_from_ms', [op('to_int', [x!.expr], 'int', { from: 'float' })], 'timestamp');
      if (x!.expr.k === 'lit' && t === 'str') {
        const d = parseTimestampLiteral(x!.expr.value as string);
        if (!d)
          ctx.error(
            `Cannot read ${JSON.stringify(x!.expr.value)} as a time`,
            x!.span,
            'write "YYYY-MM-DD HH:mm:ss" (UTC)',
          );
        return lit(formatTimestamp(d!), 'timestamp');
      }
      return ctx.timestamp(x!);
    },
  }),
  scalar({
    name: 'duration',
    signature: 'duration(ms)',
    doc: 'A duration of ms milliseconds.',
    min: 1,
    max: 1,
    check: ([x], ctx) => ({ ...ctx.int(x!), type: 'duration' }) as TExpr,
  }),
  // ---- conditionals
  scalar({
    name: 'ifthenelse',
    signature: 'ifthenelse(condition, a, b)',
    doc: 'a when the condition is true; b when it is false or null.',
    min: 3,
    max: 3,
    check: ([c, a, b], ctx) => {
      const type = ctx.common([a!, b!], '`ifthenelse`');
      const conv = (x: CheckedArg) => (type === 'null' ? x.expr : ctx.to(x, type));
      return op('case', [ctx.bool(c!), conv(a!), conv(b!)], type === 'null' ? 'str' : type, {
        hasElse: true,
      });
    },
  }),
  scalar({
    name: 'nvl',
    signature: 'nvl(x, default)',
    doc: 'x, or default when x is null.',
    min: 2,
    max: 2,
    check: ([x, d], ctx) => {
      const type = ctx.common([x!, d!], '`nvl`');
      if (type === 'null') return nul('null');
      return op('coalesce', [ctx.to(x!, type), ctx.to(d!, type)], type);
    },
  }),
  // ---- math
  scalar({
    name: 'round',
    signature: 'round(x[, digits])',
    doc: 'x rounded half away from zero: an int, or a float with digits after the point.',
    min: 1,
    max: 2,
    check: ([x, n], ctx) => {
      const v = ctx.number(x!);
      if (n)
        return op(
          'round_n',
          [
            ctx.to({ ...x!, expr: v }, 'float'),
            lit(BigInt(ctx.literalInt(n, 'The number of digits')), 'int'),
          ],
          'float',
        );
      return v.type === 'int' ? v : op('round', [v], 'int');
    },
  }),
  toward('floor'),
  toward('ceil'),
  scalar({
    name: 'abs',
    signature: 'abs(x)',
    doc: 'Absolute value.',
    min: 1,
    max: 1,
    check: ([x], ctx) => {
      const v = ctx.number(x!);
      return op('abs', [v], v.type);
    },
  }),
  math1('sqrt', 'sqrt', 'Square root.'),
  math1('cbrt', 'cbrt', 'Cube root.'),
  math1('exp', 'exp', 'e to the power x.'),
  math1('ln', 'ln', 'Natural logarithm.'),
  math1('log', 'ln', 'Natural logarithm.'),
  math1('log10', 'log10', 'Base-10 logarithm.'),
  scalar({
    name: 'pow',
    signature: 'pow(x, y)',
    doc: 'x to the power y.',
    min: 2,
    max: 2,
    check: ([x, y], ctx) => op('pow', [ctx.to(x!, 'float'), ctx.to(y!, 'float')], 'float'),
  }),
  ...['signum', 'sign'].map((name) =>
    scalar({
      name,
      signature: `${name}(x)`,
      doc: '-1, 0 or 1.',
      min: 1,
      max: 1,
      check: ([x], ctx) => op('sign', [ctx.number(x!)], 'int'),
    }),
  ),
  arithmetic('add', '+', 'a + b'),
  arithmetic('sub', '-', 'a - b'),
  arithmetic('mul', '*', 'a * b'),
  arithmetic('div', '\\', 'a \\ b (integer division)'),
  arithmetic('rdiv', '/', 'a / b (real division)'),
  arithmetic('rem', '%', 'a % b (remainder, sign of a)'),
  arithmetic('mod', '%%', 'a %% b (modulo, never negative for positive b)'),
];
