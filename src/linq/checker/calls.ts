// Names and function calls: resolving identifiers, checking arguments against the function table,
// and registering aggregates with their group.
import type { Arg, CallExpr, Span } from '../ast.js';
import { convert, nul, op } from '../build.js';
import { devoColumn, devoColumnNames } from '../columns/index.js';
import { lookupForm } from '../lookup-form.js';
import { didYouMean } from '../errors.js';
import type { CheckedArg, FnContext } from '../functions/types.js';
import type { TExpr } from '../ir.js';
import { isArray, isCompileTime, isNumeric, type LType } from '../types.js';
import { type ExprCtx, exprKey } from './context.js';
import { ValueChecker } from './values.js';

export abstract class CallChecker extends ValueChecker {
  protected name(name: string, at: Span, ctx: ExprCtx): TExpr {
    const b = ctx.scope.names.get(name);
    if (b) return b.expr;
    const scope = ctx.scope;
    if (scope.segment === 0) {
      const devo = devoColumn(this.table.family, name);
      if (devo) return devo;
    }
    if (scope.segment > 0 && this.prevScope && !ctx.inAgg) {
      if (this.prevScope.names.has(name) || this.visible.some((c) => c.name === name)) {
        this.error(
          `\`${name}\` does not exist after \`group\`: it is not a group key`,
          at,
          `group by it, or carry it with last(${name}) or first(${name})`,
        );
      }
    }
    if (this.table.family.columns.some((c) => c.internal && c.name === name)) {
      this.error(`\`${name}\` is an internal column`, at);
    }
    let hint = didYouMean(name, [
      ...scope.names.keys(),
      ...(scope.segment === 0 ? devoColumnNames(this.table.family) : []),
    ]);
    if (!hint && /^(rawMessage|raw|rawSource)$/.test(name))
      hint = 'the raw record is the `message` column';
    if (!hint && this.options.functions.has(name))
      hint = `\`${name}\` is a function: write ${name}(…)`;
    if (!hint && scope.segment === 0 && this.messageColumn)
      hint = `for a field of the record that is not a column: jsonparse(${this.messageColumn.name})["${name}"]`;
    this.error(`Unknown identifier \`${name}\``, at, hint);
  }

  protected fnContext(call: CallExpr): FnContext {
    const err = (m: string, s: Span, h?: string): never => this.error(m, s, h);
    const conv = (a: CheckedArg, to: LType, what?: string): TExpr => {
      if (a.expr.type === 'json' && to === 'str' && what !== 'json-ok') {
        // str() of json is explicit in LINQ: a json value is not silently a string
        err(
          `\`${call.name}\` needs a str here; this is json`,
          a.span,
          'use str(…) for the bare value, or stringify(…) for the JSON text',
        );
      }
      if (isCompileTime(a.expr.type) || (isArray(a.expr.type) && to !== a.expr.type)) {
        err(`\`${call.name}\` needs a ${to} here; this is ${a.expr.type}`, a.span);
      }
      if (to === 'timestamp' || to === 'ip4') {
        const c = convert(a.expr, to);
        if (c && c.k === 'null' && a.expr.k === 'lit') {
          err(
            `Cannot read ${JSON.stringify(String(a.expr.value))} as ${to === 'ip4' ? 'an IPv4 address' : 'a time'}`,
            a.span,
          );
        }
        if (c) return c;
      }
      const c = convert(a.expr, to);
      if (!c) err(`\`${call.name}\` needs a ${to} here; this is ${a.expr.type}`, a.span);
      return c!;
    };
    const jsonParse = (e: TExpr) => this.jsonParse(e);
    return {
      call,
      dialect: this.options.dialect,
      now: this.options.now,
      jqPrograms: this.options.jqPrograms,
      lookups: this.options.lookups,
      error: err,
      str: (a) => conv(a, 'str'),
      int: (a) => conv(a, 'int'),
      number: (a) =>
        isNumeric(a.expr.type) ? a.expr : a.expr.type === 'null' ? nul('float') : conv(a, 'float'),
      timestamp: (a) => conv(a, 'timestamp'),
      ip4: (a) => conv(a, 'ip4'),
      bool: (a) =>
        a.expr.type === 'bool' ? a.expr : a.expr.type === 'null' ? nul('bool') : conv(a, 'bool'),
      json: (a) => {
        if (a.expr.type === 'json') return a.expr;
        if (a.expr.type === 'str') return jsonParse(a.expr);
        return conv(a, 'json');
      },
      to: (a, t) => conv(a, t, 'json-ok'),
      literalString(a, what) {
        if (a.expr.k === 'lit' && a.expr.type === 'str') return a.expr.value as string;
        err(`${what} must be a string literal`, a.span);
        return '';
      },
      literalInt(a, what) {
        if (a.expr.k === 'lit' && a.expr.type === 'int') {
          const v = a.expr.value as bigint;
          if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER))
            err(`${what} is too large`, a.span);
          return Number(v);
        }
        err(`${what} must be a whole number literal`, a.span);
        return 0;
      },
      literalBool(a, what) {
        if (a.expr.k === 'lit' && a.expr.type === 'bool') return a.expr.value as boolean;
        err(`${what} must be \`true\` or \`false\``, a.span);
        return false;
      },
      compiled(a, kinds, what) {
        if (a.expr.k === 'compile' && kinds.includes(a.expr.value.kind)) return a.expr.value;
        const hint =
          a.expr.type === 'str' && kinds.includes('regex')
            ? `write re(${a.node.kind === 'str' ? JSON.stringify(a.node.value) : '"…"'})`
            : a.expr.type === 'str' && kinds.includes('jq')
              ? 'write jqcompile("…")'
              : a.expr.type === 'str' && kinds.includes('template')
                ? 'write template("…")'
                : undefined;
        err(`${what}; this is ${a.expr.type}`, a.span, hint);
        throw new Error('unreachable');
      },
      compare: (o, a, b) => this.compare(o, a.expr, b.expr, a.span, b.span),
      common: (args, what) => this.common(args, what),
      contains: (hay, needle, ci) =>
        this.contains(hay.expr, needle.expr, hay.span, needle.span, ci),
      arith: (o, a, b) => this.arith(o, a.expr, b.expr, a.span, b.span, call.nameSpan),
      trustedJson: (e) => e.k === 'col' && e.name === this.messageColumn?.name,
    };
  }

  jsonParse(e: TExpr): TExpr {
    if (e.type === 'json') return e;
    const trusted = e.k === 'col' && e.name === this.messageColumn?.name;
    return op('json_parse', [e], 'json', { trusted: trusted || undefined });
  }

  protected call(e: CallExpr, ctx: ExprCtx): TExpr {
    const fns = this.options.functions;
    if (e.quoted && e.name.startsWith('lu/')) return this.call(lookupForm(e, this.text), ctx);
    const def = fns.get(e.name);
    if (!def) {
      if (e.name === 'countdistinct') {
        this.error(
          'No function named `countdistinct`',
          e.nameSpan,
          'use sizedistinct(f) (exact) or hllppcount(f)',
        );
      }
      const local = ctx.scope.names.has(e.name);
      this.error(
        `No function named \`${e.name}\``,
        e.nameSpan,
        didYouMean(e.name, fns.keys()) ??
          (local ? `\`${e.name}\` is a column, not a function` : undefined),
      );
    }
    const n = e.args.length;
    if (n < def.min || n > def.max) {
      const range =
        def.min === def.max
          ? `${def.min}`
          : def.max === Infinity
            ? `at least ${def.min}`
            : `${def.min} to ${def.max}`;
      this.error(
        `\`${e.name}\` takes ${range} argument${def.max === 1 && def.min === 1 ? '' : 's'}, not ${n}`,
        e.span,
        `usage: ${def.signature}`,
      );
    }
    let argCtx = ctx;
    if (def.kind === 'aggregate') {
      if (ctx.inAgg) this.error('Aggregates cannot be nested', e.span);
      if (!ctx.aggAllowed) {
        if (ctx.scope.segment === 0 && !ctx.inKey) {
          this.error(
            `The aggregate \`${e.name}\` needs a \`group\` before it`,
            e.span,
            'add `group` (one row for the whole range) or `group by <keys>` before this clause',
          );
        }
        this.error(`A group key cannot be an aggregate (\`${e.name}\`)`, e.span);
      }
      argCtx = { scope: this.prevScope!, aggAllowed: false, inAgg: true };
    }
    const args: CheckedArg[] = e.args.map((a: Arg) => {
      if (a.kind === 'star') {
        if (def.kind !== 'aggregate' || !def.star)
          this.error(`\`*\` is not an argument of \`${e.name}\``, a.span);
        return { expr: nul('null'), span: a.span, node: a };
      }
      return { expr: this.expr(a, argCtx), span: a.span, node: a };
    });
    const fctx = this.fnContext(e);
    if (def.kind === 'scalar') return def.check(args, fctx);
    const spec = def.check(args, fctx);
    const group = this.groups[ctx.scope.segment - 1]!;
    const key = exprKey({
      k: 'op',
      op: 'udf',
      args: spec.args,
      type: spec.type,
      data: { udf: `${spec.op}/${spec.fraction ?? ''}` },
    });
    const known = group.aggIndex.get(key);
    if (known) return known;
    const sqlName = this.fresh('a');
    group.aggregates.push({
      sqlName,
      op: spec.op,
      args: spec.args,
      type: spec.type,
      ...(spec.fraction !== undefined ? { fraction: spec.fraction } : {}),
    });
    if (
      spec.op === 'first' ||
      spec.op === 'last' ||
      spec.op === 'nnfirst' ||
      spec.op === 'nnlast'
    ) {
      const gi = ctx.scope.segment - 1;
      if (gi > 0) this.groups[gi - 1]!.emitOrd = true;
    }
    const ref: TExpr = { k: 'col', name: sqlName, type: spec.type };
    group.aggIndex.set(key, ref);
    return ref;
  }
}
