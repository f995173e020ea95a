// JSON functions: parsing, paths, jq programs and the text of values (docs/linq.md, "The language").
import { lit, nul, op } from '../build.js';
import type { CompileValue, JsonStep, TExpr } from '../ir.js';
import { jqCompileError, JqTimeoutError } from '../jq-engine.js';
import { simplePath } from '../jq-path.js';
import { checkJqSandbox, JqSandboxError } from '../jq-sandbox.js';
import { isArray, isCompileTime } from '../types.js';
import { scalar, type CheckedArg, type FnContext, type ScalarFunction } from './types.js';
import { compiled } from './strings.js';

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

export const JSON_FUNCTIONS: readonly ScalarFunction[] = [
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
];
