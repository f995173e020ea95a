// Operators: arithmetic, comparisons and LINQ's conversions between the two sides.
import type { CompareOp, Expr, Span } from '../ast.js';
import { cidrBounds, convert, isLit, lit, nul, op, parseIp4 } from '../build.js';
import { inIp6Network, ip4OfText } from '../functions/network.js';
import type { TExpr } from '../ir.js';
import { formatTimestamp } from '../time-range.js';
import { elementOf, isArray, isCompileTime, isNumeric, type LType } from '../types.js';
import { type ExprCtx, COMPARE_FN } from './context.js';
import { CheckerBase } from './base.js';

export abstract class OperatorChecker extends CheckerBase {
  protected asBool(t: TExpr, at: Span, what: string): TExpr {
    if (t.type === 'bool') return t;
    if (t.type === 'null') return nul('bool');
    this.error(`${what} needs a true/false value; this is ${t.type}`, at);
  }

  protected binary(e: Extract<Expr, { kind: 'binary' }>, ctx: ExprCtx): TExpr {
    const l = this.expr(e.left, ctx);
    const r = this.expr(e.right, ctx);
    if (e.op === 'and' || e.op === 'or') {
      return op(
        e.op,
        [this.asBool(l, e.left.span, `\`${e.op}\``), this.asBool(r, e.right.span, `\`${e.op}\``)],
        'bool',
      );
    }
    return this.arith(e.op, l, r, e.left.span, e.right.span, e.opSpan);
  }

  arith(
    o: '+' | '-' | '*' | '/' | '\\' | '%' | '%%',
    l: TExpr,
    r: TExpr,
    ls: Span,
    rs: Span,
    os: Span,
  ): TExpr {
    const lt = l.type === 'json' ? 'json' : l.type;
    const rt = r.type === 'json' ? 'json' : r.type;
    const bad = (): never =>
      this.error(
        `\`${o}\` cannot combine ${lt} and ${rt}`,
        os,
        o === '+' && (lt === 'json' || rt === 'json') ? 'use str(…) on the json value' : undefined,
      );
    if (lt === 'null' || rt === 'null') {
      const other = lt === 'null' ? rt : lt;
      return nul(o === '/' ? 'float' : o === '\\' ? 'int' : other === 'null' ? 'null' : other);
    }
    if (o === '+') {
      if (isArray(lt)) {
        if (isArray(rt)) return op('arr_concat', [l, r], lt);
        const c = convert(r, elementOf(lt));
        if (!c) bad();
        return op('arr_append', [l, c!], lt);
      }
      if (lt === 'str' || rt === 'str') {
        const a = lt === 'str' ? l : convert(l, 'str');
        const b = rt === 'str' ? r : convert(r, 'str');
        if (!a || !b || lt === 'json' || rt === 'json') bad();
        return op('concat', [a!, b!], 'str');
      }
      if (lt === 'timestamp' && rt === 'duration') return this.tsShift(l, r, 1);
      if (lt === 'duration' && rt === 'timestamp') return this.tsShift(r, l, 1);
    }
    if (o === '-') {
      if (lt === 'timestamp' && rt === 'duration') return this.tsShift(l, r, -1);
      if (lt === 'timestamp' && rt === 'timestamp') return op('ts_diff', [l, r], 'duration');
    }
    const num = (t: LType) => isNumeric(t) || t === 'duration';
    if (!num(lt) || !num(rt)) bad();
    if (lt === 'duration' || rt === 'duration') {
      if ((o === '+' || o === '-') && lt === rt)
        return op(o === '+' ? 'add' : 'sub', [l, r], 'duration');
      if (o === '*' && (isNumeric(lt) || isNumeric(rt))) return op('mul', [l, r], 'duration');
      if (o === '/') return op('rdiv', [l, r], 'float');
      if (o === '\\' && isNumeric(rt)) return op('idiv', [l, r], 'duration');
      bad();
    }
    const type: LType = lt === 'int' && rt === 'int' ? 'int' : 'float';
    switch (o) {
      case '+':
        return op('add', [l, r], type);
      case '-':
        return op('sub', [l, r], type);
      case '*':
        return op('mul', [l, r], type);
      case '/':
        return op('rdiv', [l, r], 'float');
      case '\\':
        return op('idiv', [l, r], 'int');
      case '%':
        return op('rem', [l, r], type);
      case '%%':
        return op('mod', [l, r], type);
    }
  }

  protected tsShift(ts: TExpr, d: TExpr, sign: 1 | -1): TExpr {
    if (ts.k === 'lit' && d.k === 'lit') {
      const t =
        Date.parse(`${String(ts.value).replace(' ', 'T')}Z`) + sign * Number(d.value as bigint);
      if (Number.isFinite(t)) return lit(formatTimestamp(new Date(t)), 'timestamp');
    }
    return op(sign === 1 ? 'ts_add' : 'ts_sub', [ts, d], 'timestamp');
  }

  /** Brings two values to one type for a comparison (docs/linq.md, "Grammar, tokens and types"). */
  unify(a: TExpr, b: TExpr, as: Span, bs: Span, at: Span): [TExpr, TExpr] {
    if (a.type === 'json' && b.type === 'json')
      return [op('json_text', [a], 'str'), op('json_text', [b], 'str')];
    if (a.type === 'json') return this.unify(op('json_str', [a], 'str'), b, as, bs, at);
    if (b.type === 'json') return this.unify(a, op('json_str', [b], 'str'), as, bs, at);
    if (a.type === b.type) {
      if (isCompileTime(a.type) || isArray(a.type))
        this.error(`Cannot compare ${a.type} values`, at);
      return [a, b];
    }
    if (a.type === 'null') return [nul(b.type), b];
    if (b.type === 'null') return [a, nul(a.type)];
    const numeric = (t: LType) => isNumeric(t) || t === 'duration' || t === 'ip4';
    if (numeric(a.type) && numeric(b.type)) {
      if (a.type === 'float' || b.type === 'float') {
        return [
          convert({ ...a, type: a.type === 'float' ? 'float' : 'int' } as TExpr, 'float')!,
          convert({ ...b, type: b.type === 'float' ? 'float' : 'int' } as TExpr, 'float')!,
        ];
      }
      return [a, b];
    }
    const literalTo = (l: TExpr, to: LType, ls: Span): TExpr | null => {
      const c = convert(l, to);
      if (c && c.k === 'null' && (to === 'timestamp' || to === 'ip4')) {
        this.error(
          `Cannot read ${JSON.stringify(String((l as { value: unknown }).value))} as ${to === 'ip4' ? 'an IPv4 address' : 'a time'}`,
          ls,
        );
      }
      return c;
    };
    if (isLit(b) && !isLit(a)) {
      const c = literalTo(b, a.type, bs);
      if (c) return [a, c];
    }
    if (isLit(a) && !isLit(b)) {
      const c = literalTo(a, b.type, as);
      if (c) return [c, b];
    }
    if (a.type === 'str' && !isCompileTime(b.type) && !isArray(b.type)) {
      const c = convert(a, b.type);
      if (c) return [c, b];
    }
    if (b.type === 'str' && !isCompileTime(a.type) && !isArray(a.type)) {
      const c = convert(b, a.type);
      if (c) return [a, c];
    }
    this.error(`Cannot compare ${a.type} with ${b.type}`, at);
  }

  compare(
    o: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge',
    a: TExpr,
    b: TExpr,
    as: Span,
    bs: Span,
    at?: Span,
  ): TExpr {
    if ((a.k === 'null' && a.type === 'null') || (b.k === 'null' && b.type === 'null')) {
      const other = a.k === 'null' && a.type === 'null' ? b : a;
      if (o === 'eq') return op('isnull', [other], 'bool');
      if (o === 'ne') return op('isnotnull', [other], 'bool');
      return nul('bool');
    }
    const [x, y] = this.unify(a, b, as, bs, at ?? { start: as.start, end: bs.end });
    return op(o, [x, y], 'bool');
  }

  protected compareOp(o: CompareOp, l: TExpr, r: TExpr, ls: Span, rs: Span, os: Span): TExpr {
    const fn = COMPARE_FN[o];
    if (fn) return this.compare(fn, l, r, ls, rs, os);
    if (o === '->') return this.contains(l, r, ls, rs, false);
    if (o === '->>') return this.contains(l, r, ls, rs, true);
    if (o === '<-') return this.contains(r, l, rs, ls, false);
    // `~`
    if (r.k !== 'compile' || (r.value.kind !== 'regex' && r.value.kind !== 'glob')) {
      this.error(
        '`~` needs a regular expression on its right',
        rs,
        r.type === 'str' ? 'write re("…")' : undefined,
      );
    }
    return this.regexMatch(l, r.value.pattern, ls);
  }

  regexMatch(l: TExpr, pattern: string, ls: Span): TExpr {
    const s = this.stringOperand(l, ls);
    return op('regex', [s, lit(pattern, 'str')], 'bool');
  }

  protected stringOperand(e: TExpr, at: Span): TExpr {
    if (e.type === 'str') return e;
    if (e.type === 'json') {
      this.error(
        'A json value is not a string',
        at,
        'use str(…) for the bare value, or stringify(…) for the JSON text',
      );
    }
    const c = isCompileTime(e.type) || isArray(e.type) ? null : convert(e, 'str');
    if (!c) this.error(`Expected a str; this is ${e.type}`, at);
    return c!;
  }

  /** `hay -> needle` (has), `->>` (weakhas), `needle <- hay` (in). */
  contains(hay: TExpr, needle: TExpr, hs: Span, ns: Span, ci: boolean): TExpr {
    if (hay.type === 'null' || needle.type === 'null') return nul('bool');
    if (isArray(hay.type)) {
      const el = elementOf(hay.type);
      const c = el === 'null' ? needle : convert(needle, el);
      if (!c) this.error(`Cannot look for a ${needle.type} in an ${hay.type}`, ns);
      return op(ci ? 'arr_icontains' : 'arr_contains', [hay, c!], 'bool');
    }
    if (hay.type === 'net4' && hay.k === 'lit') {
      const [ip, bits] = String(hay.value).split('/');
      const { lo, hi } = cidrBounds(Number(parseIp4(ip!)), Number(bits));
      // a text address in any of its forms (::ffff:a.b.c.d, Microsoft's ffff:a.b.c.d)
      const ipExpr =
        needle.type === 'ip4'
          ? needle
          : needle.type === 'str'
            ? ip4OfText(needle)
            : convert(needle, 'ip4');
      if (!ipExpr || needle.type === 'json')
        this.error(`Cannot test whether a ${needle.type} is in a network`, ns);
      return op('between', [ipExpr!, lit(lo, 'ip4'), lit(hi, 'ip4')], 'bool');
    }
    if (hay.type === 'net6' && hay.k === 'lit') {
      // IPv6 networks compare addresses as 32 hex digits (functions/network.ts)
      const text =
        needle.type === 'str' ? needle : needle.type === 'ip4' ? convert(needle, 'str') : null;
      if (!text) this.error(`Cannot test whether a ${needle.type} is in a network`, ns);
      return inIp6Network(String(hay.value), text!);
    }
    const h = this.stringOperand(hay, hs);
    const n = this.stringOperand(needle, ns);
    return op(ci ? 'icontains' : 'contains', [h, n], 'bool');
  }
}
