// What a LINQ function is to the checker: a name, an arity, and a `check` that resolves its
// overload from the argument types and returns the typed expression (or aggregate) to compile.
import type { LookupCatalog } from '../../store/lookups.js';
import type { Dialect } from '../../store/store.js';
import type { Arg as AstArg, CallExpr, Span } from '../ast.js';
import type { AggOp, CompileValue, TExpr } from '../ir.js';
import type { LType } from '../types.js';

export interface CheckedArg {
  readonly expr: TExpr;
  readonly span: Span;
  readonly node: AstArg;
}

export interface FnContext {
  readonly call: CallExpr;
  readonly dialect: Dialect;
  readonly now: Date;
  /** Whether the dialect runs jq programs that are not simple paths. */
  readonly jqPrograms: boolean;
  /** The lookups a query may read (their current versions). */
  readonly lookups: LookupCatalog;
  error(message: string, span: Span, hint?: string): never;
  /** Implicit conversion to str (numbers, booleans, times, addresses); json and arrays refused. */
  str(a: CheckedArg, what?: string): TExpr;
  /** Implicit conversion to int (str is parsed; null when it does not parse). */
  int(a: CheckedArg): TExpr;
  /** int or float, unchanged; str parsed as float. */
  number(a: CheckedArg): TExpr;
  timestamp(a: CheckedArg): TExpr;
  ip4(a: CheckedArg): TExpr;
  bool(a: CheckedArg): TExpr;
  json(a: CheckedArg): TExpr;
  /** Converts to a type or fails with a positioned type error. */
  to(a: CheckedArg, type: LType): TExpr;
  /** A compile-time string literal argument. */
  literalString(a: CheckedArg, what: string): string;
  literalInt(a: CheckedArg, what: string): number;
  literalBool(a: CheckedArg, what: string): boolean;
  /** A compile-time value (re(…), nameglob(…), template(…), jqcompile(…)). */
  compiled(a: CheckedArg, kinds: readonly CompileValue['kind'][], what: string): CompileValue;
  /** A comparison with LINQ's conversions (`eq`, `gt`, …). */
  compare(op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge', a: CheckedArg, b: CheckedArg): TExpr;
  /** The most general type of values (numbers widen to float; null fits any). */
  common(args: readonly CheckedArg[], what: string): LType;
  /** `hay -> needle` (substring, array membership, CIDR), case-insensitive with `ci`. */
  contains(hay: CheckedArg, needle: CheckedArg, ci: boolean): TExpr;
  /** Arithmetic with LINQ's typing (`+` concatenates strings, timestamp ± duration, …). */
  arith(op: '+' | '-' | '*' | '/' | '\\' | '%' | '%%', a: CheckedArg, b: CheckedArg): TExpr;
  /** Whether an expression is the raw record column (valid JSON by construction). */
  trustedJson(e: TExpr): boolean;
}

export interface ScalarFunction {
  readonly kind: 'scalar';
  readonly name: string;
  /** How the function is called, for messages and docs/linq.md: `split(s, sep[, i])`. */
  readonly signature: string;
  readonly doc: string;
  readonly min: number;
  readonly max: number;
  check(args: readonly CheckedArg[], ctx: FnContext): TExpr;
}

export interface AggregateSpec {
  readonly op: AggOp;
  readonly args: readonly TExpr[];
  readonly type: LType;
  readonly fraction?: number;
}

export interface AggregateFunction {
  readonly kind: 'aggregate';
  readonly name: string;
  readonly signature: string;
  readonly doc: string;
  readonly min: number;
  readonly max: number;
  /** Whether `count(*)` style star arguments are accepted. */
  readonly star?: boolean;
  check(args: readonly CheckedArg[], ctx: FnContext): AggregateSpec;
}

export type FunctionDef = ScalarFunction | AggregateFunction;

/** Functions by name. Pass a table to `compileLinq` to add or replace functions (e.g. GeoIP). */
export type FunctionTable = ReadonlyMap<string, FunctionDef>;

export const scalar = (def: Omit<ScalarFunction, 'kind'>): ScalarFunction => ({
  kind: 'scalar',
  ...def,
});

export const aggregate = (def: Omit<AggregateFunction, 'kind'>): AggregateFunction => ({
  kind: 'aggregate',
  ...def,
});
