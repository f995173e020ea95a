// The operations of a typed expression, one method per family of operations (the families of
// ../ir.ts's Op); each writes its operations through the overridable pieces of the layers below.
import type { LitValue, Op, TExpr } from '../ir.js';
import { callSql } from './calls.js';
import { type OpExpr, SAFE_IDENT } from './primitives.js';
import { AggregateSql } from './aggregates.js';

export abstract class OpSql extends AggregateSql {
  /** One operation: each family of operations has its method below. */
  protected op(e: OpExpr): string {
    return (
      this.logicOp(e) ??
      this.arithmeticOp(e) ??
      this.conversionOp(e) ??
      this.stringOp(e) ??
      this.arrayOp(e) ??
      this.valueOp(e) ??
      unreachable(e.op)
    );
  }

  /** Logic and comparison. */
  protected logicOp(e: OpExpr): string | undefined {
    const a = (i: number): string => this.expr(e.args[i]!);
    const all = (): string[] => e.args.map((x) => this.expr(x));
    const bin = (o: string) => `(${a(0)} ${o} ${a(1)})`;
    switch (e.op) {
      case 'eq':
        return bin('=');
      case 'ne':
        return bin('<>');
      case 'lt':
        return bin('<');
      case 'le':
        return bin('<=');
      case 'gt':
        return bin('>');
      case 'ge':
        return bin('>=');
      case 'and':
        return `(${all().join(' AND ')})`;
      case 'or':
        return `(${all().join(' OR ')})`;
      case 'not':
        return `(NOT ${a(0)})`;
      case 'isnull':
        return `(${a(0)} IS NULL)`;
      case 'isnotnull':
        return `(${a(0)} IS NOT NULL)`;
      case 'in_list':
      case 'not_in_list': {
        const [x, ...rest] = all();
        const literals = e.args.slice(1).every((arg) => arg.k === 'lit');
        return this.membership(x!, rest, e.op === 'not_in_list', literals);
      }
      case 'between':
        return `(${a(0)} BETWEEN ${a(1)} AND ${a(2)})`;
    }
    return undefined;
  }

  /** Arithmetic, on numbers, times, strings and arrays. */
  protected arithmeticOp(e: OpExpr): string | undefined {
    const a = (i: number): string => this.expr(e.args[i]!);
    const all = (): string[] => e.args.map((x) => this.expr(x));
    const bin = (o: string) => `(${a(0)} ${o} ${a(1)})`;
    switch (e.op) {
      case 'neg':
        return `(-${a(0)})`;
      case 'add':
        return bin('+');
      case 'sub':
        return bin('-');
      case 'mul':
        return bin('*');
      case 'rdiv':
        return this.realDivision(a(0), a(1));
      case 'idiv':
        return this.intDivision(a(0), a(1), isIntLike(e.args[0]!) && isIntLike(e.args[1]!));
      case 'rem':
        return this.remainder(a(0), a(1));
      case 'mod':
        return this.modulo(a(0), a(1));
      case 'concat':
        return this.concat(all());
      case 'ts_add':
        return this.timestampShift(a(0), a(1), 1);
      case 'ts_sub':
        return this.timestampShift(a(0), a(1), -1);
      case 'ts_diff':
        return `(${this.epochMs(a(0))} - ${this.epochMs(a(1))})`;
      case 'arr_append':
        return this.fn('list_append', a(0), a(1));
      case 'arr_concat':
        return this.fn('list_concat', a(0), a(1));
    }
    return undefined;
  }

  /** Conversions, addresses, JSON, lookups and the engine functions of ./calls.ts. */
  protected conversionOp(e: OpExpr): string | undefined {
    const a = (i: number): string => this.expr(e.args[i]!);
    const all = (): string[] => e.args.map((x) => this.expr(x));
    switch (e.op) {
      case 'to_str':
        return this.toStr(a(0), e.data?.from ?? 'str');
      case 'to_int':
        return this.toInt(a(0), e.data?.from ?? 'str');
      case 'to_float':
        return this.toFloat(a(0), e.data?.from ?? 'str');
      case 'to_bool':
        return `(CASE ${a(0)} WHEN ${this.constant('true')} THEN TRUE WHEN ${this.constant('false')} THEN FALSE END)`;
      case 'ip4_parse':
        return this.ip4Parse(a(0));
      case 'ip4_text':
        return this.ip4Text(a(0));
      case 'ts_parse':
        return this.timestampParse(a(0));
      case 'ts_from_ms':
        return this.timestampFromMs(a(0));
      case 'epoch':
        return this.epochMs(a(0));
      case 'json_parse':
        return e.data?.trusted ? a(0) : this.jsonParse(a(0));
      case 'json_path':
        return this.jsonPath(a(0), e.data?.steps ?? []);
      case 'json_get':
        return this.jsonGet(a(0), a(1), e.data?.index === true);
      case 'json_str': {
        const j = e.args[0]!;
        if (j.k === 'op' && j.op === 'json_path') {
          return this.jsonPathString(this.expr(j.args[0]!), j.data?.steps ?? []);
        }
        return this.jsonString(a(0));
      }
      case 'json_text':
        return this.jsonText(a(0));
      case 'to_json':
        return this.toJson(e.args[0]!, e.data?.from ?? e.args[0]!.type);
      case 'jq':
        return this.jq(a(0), a(1));
      case 'lookup':
        return this.lookupValue(e);
      case 'call': {
        const sql = callSql(this.dialect, e.data?.call ?? '');
        if (!sql) throw new Error(`no ${this.dialect} SQL for ${e.data?.call ?? '?'}`);
        return sql(all());
      }
      case 'json_find':
        return this.jsonFind(a(0), e.data?.steps ?? [], e.data?.key ?? '');
      case 'json_pairs_text':
        return this.jsonPairsText(a(0), e.data?.steps ?? []);
      case 'json_names_text':
        return this.jsonNamesText(a(0), e.data?.steps ?? []);
    }
    return undefined;
  }

  /** Strings. */
  protected stringOp(e: OpExpr): string | undefined {
    const a = (i: number): string => this.expr(e.args[i]!);
    switch (e.op) {
      case 'contains':
        return this.contains(a(0), a(1));
      case 'icontains':
        return this.icontains(a(0), a(1));
      case 'startswith':
        return this.fn('starts_with', a(0), a(1));
      case 'endswith':
        return this.fn('ends_with', a(0), a(1));
      case 'regex':
        return this.regexMatch(a(0), a(1));
      case 'lower':
        return this.fn('lower', a(0));
      case 'upper':
        return this.fn('upper', a(0));
      case 'length_str':
        return this.fn('length', a(0));
      case 'split_idx':
        return this.splitIndex(a(0), a(1), this.index1(e.args[2]!));
      case 'split_arr':
        return this.splitArray(a(0), a(1));
      case 'splitre_idx':
        return this.arrayIndex(this.splitRegexArray(a(0), a(1)), this.index1(e.args[2]!));
      case 'splitre_arr':
        return this.splitRegexArray(a(0), a(1));
      case 'substring':
        return this.substring(a(0), this.index1(e.args[1]!), e.args[2] ? a(2) : undefined);
      case 'subs':
        return this.regexReplace(a(0), a(1), a(2), e.data?.all === true);
      case 'replace':
        return this.textReplace(a(0), a(1), a(2), e.data?.all === true);
      case 'peek':
        return this.peek(a(0), a(1), e.args[2]!);
      case 'join':
        return this.join(a(0), a(1));
      case 'lpad0':
        return this.lpad0(a(0), e.data?.width ?? 2);
    }
    return undefined;
  }

  /** Arrays. */
  protected arrayOp(e: OpExpr): string | undefined {
    const a = (i: number): string => this.expr(e.args[i]!);
    const all = (): string[] => e.args.map((x) => this.expr(x));
    switch (e.op) {
      case 'array':
        return `[${all().join(', ')}]`;
      case 'arr_index':
        return this.arrayIndex(a(0), this.index1(e.args[1]!));
      case 'arr_contains':
        return this.arrayContains(a(0), a(1));
      case 'arr_icontains':
        return this.arrayContainsIgnoreCase(a(0), a(1));
      case 'length_arr':
        return this.arrayLength(a(0));
    }
    return undefined;
  }

  /** Conditionals, math, time buckets and dates, and functions of a function provider. */
  protected valueOp(e: OpExpr): string | undefined {
    const a = (i: number): string => this.expr(e.args[i]!);
    const all = (): string[] => e.args.map((x) => this.expr(x));
    switch (e.op) {
      case 'case': {
        const args = all();
        const parts: string[] = [];
        const pairs = e.data?.hasElse ? args.length - 1 : args.length;
        for (let i = 0; i + 1 < pairs; i += 2) parts.push(`WHEN ${args[i]} THEN ${args[i + 1]}`);
        if (e.data?.hasElse) parts.push(`ELSE ${args[args.length - 1]}`);
        return `(CASE ${parts.join(' ')} END)`;
      }
      case 'switch': {
        const [x, ...rest] = all();
        const parts: string[] = [];
        const pairs = e.data?.hasElse ? rest.length - 1 : rest.length;
        for (let i = 0; i + 1 < pairs; i += 2) parts.push(`WHEN ${rest[i]} THEN ${rest[i + 1]}`);
        if (e.data?.hasElse) parts.push(`ELSE ${rest[rest.length - 1]}`);
        return `(CASE ${x} ${parts.join(' ')} END)`;
      }
      case 'coalesce':
        return this.fn('coalesce', ...all());
      case 'round':
        return this.roundToInt(a(0));
      case 'round_n':
        return this.roundDigits(a(0), a(1));
      case 'floor':
      case 'ceil':
        return this.toIntChecked(this.fn(e.op, a(0)));
      case 'abs':
        return this.fn('abs', a(0));
      case 'sqrt':
      case 'cbrt':
      case 'exp':
      case 'ln':
      case 'log10':
        return this.math(e.op, a(0));
      case 'pow':
        return this.fn('pow', a(0), a(1));
      case 'sign':
        return this.castInt(this.fn('sign', a(0)));
      case 'period':
        return this.period(a(0), Number(litOf(e.args[1]!)));
      case 'datepart':
        return this.datePart(a(0), e.data?.part ?? 'year');
      case 'parsedate':
        return this.parseDate(a(0), e.data?.format ?? []);
      case 'udf': {
        const name = e.data?.udf ?? '';
        if (!SAFE_IDENT.test(name))
          throw new Error(`refusing function name ${JSON.stringify(name)}`);
        return `${name}(${all().join(', ')})`;
      }
    }
    return undefined;
  }

  /** A 1-based index from a 0-based LINQ index (folded at compile time for literals). */
  protected index1(e: TExpr): { sql: string; literal: boolean } {
    if (e.k === 'lit' && typeof e.value === 'bigint')
      return { sql: this.int(e.value + 1n), literal: true };
    return { sql: `(${this.expr(e)} + 1)`, literal: false };
  }
}

function isIntLike(e: TExpr): boolean {
  return e.type === 'int' || e.type === 'duration' || e.type === 'ip4';
}

function litOf(e: TExpr): LitValue {
  if (e.k !== 'lit') throw new Error('expected a literal');
  return e.value;
}

function unreachable(op: Op): never {
  throw new Error(`no SQL for ${op}`);
}
