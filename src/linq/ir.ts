// The checked, typed form of a query that the SQL generators walk: expressions over resolved
// columns and bound literals, and a plan of segments separated by groups.
import type { LogicalTable } from '../store/schema.js';
import type { CompileTimeType, LType } from './types.js';

/** A literal value bound as a query parameter (timestamps as `YYYY-MM-DD HH:MM:SS.mmm` UTC). */
export type LitValue = string | bigint | number | boolean;

/** A step of a JSON path known at compile time: an object key or a 0-based array index. */
export type JsonStep = { readonly key: string } | { readonly index: number };

export type CompileValue =
  | { readonly kind: 'regex'; readonly pattern: string; readonly groups: number }
  | { readonly kind: 'glob'; readonly pattern: string }
  | { readonly kind: 'template'; readonly text: string }
  | { readonly kind: 'jq'; readonly program: string; readonly path: readonly JsonStep[] | null };

export type DatePart =
  | 'year'
  | 'month'
  | 'day'
  | 'hour'
  | 'minute'
  | 'second'
  | 'millisecond'
  | 'dayofweek'
  | 'dayofyear';

/** A piece of a date format: a calendar part with its zero-padded width, or literal text. */
export type DateFormatPiece =
  { readonly part: DatePart; readonly width: number } | { readonly text: string };

export type Op =
  // logic and comparison
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'and'
  | 'or'
  | 'not'
  | 'isnull'
  | 'isnotnull'
  | 'in_list'
  | 'not_in_list'
  | 'between'
  // arithmetic
  | 'neg'
  | 'add'
  | 'sub'
  | 'mul'
  | 'rdiv'
  | 'idiv'
  | 'rem'
  | 'mod'
  | 'concat'
  | 'ts_add'
  | 'ts_sub'
  | 'ts_diff'
  | 'arr_append'
  | 'arr_concat'
  // conversions
  | 'to_str'
  | 'to_int'
  | 'to_float'
  | 'to_bool'
  | 'ip4_parse'
  | 'ip4_text'
  | 'ts_parse'
  | 'ts_from_ms'
  | 'epoch'
  | 'json_parse'
  | 'json_path'
  | 'json_get'
  | 'json_str'
  | 'json_text'
  | 'to_json'
  | 'jq'
  // Devo's flattened arrays of {"Name", "Value"} (columns/index.ts)
  | 'json_find'
  | 'json_pairs_text'
  | 'json_names_text'
  // a lookup's column for a key (functions/lookups.ts): a join with the lookup's version
  | 'lookup'
  // an engine function of sql/calls.ts, by the compiler's name for it
  | 'call'
  // strings
  | 'contains'
  | 'icontains'
  | 'startswith'
  | 'endswith'
  | 'regex'
  | 'lower'
  | 'upper'
  | 'length_str'
  | 'split_idx'
  | 'split_arr'
  | 'splitre_idx'
  | 'splitre_arr'
  | 'substring'
  | 'subs'
  | 'replace'
  | 'peek'
  | 'join'
  | 'lpad0'
  // arrays
  | 'array'
  | 'arr_index'
  | 'arr_contains'
  | 'arr_icontains'
  | 'length_arr'
  // conditionals
  | 'case'
  | 'switch'
  | 'coalesce'
  // math
  | 'round'
  | 'round_n'
  | 'floor'
  | 'ceil'
  | 'abs'
  | 'sqrt'
  | 'cbrt'
  | 'pow'
  | 'sign'
  | 'exp'
  | 'ln'
  | 'log10'
  // time
  | 'period'
  | 'datepart'
  | 'parsedate'
  // extension point: a function registered in the engine by a function provider
  | 'udf';

export interface OpData {
  /** json_path: the steps. */
  readonly steps?: readonly JsonStep[];
  /** json_parse: the input is known to be valid JSON (the raw record column). */
  readonly trusted?: boolean;
  /** json_get: the key is an array index. */
  readonly index?: boolean;
  /** to_str / to_int / to_float / to_json: the type converted from. */
  readonly from?: LType;
  /** case/switch: the last argument is the ELSE value. */
  readonly hasElse?: boolean;
  /** datepart. */
  readonly part?: DatePart;
  /** parsedate: the format, parsed. */
  readonly format?: readonly DateFormatPiece[];
  /** lpad0: the width. */
  readonly width?: number;
  /** udf: the engine function's name (from a function provider, never from the query). */
  readonly udf?: string;
  /** call: the name in sql/calls.ts. */
  readonly call?: string;
  /** subs, replace: every match (subsall, replaceall), not only the first. */
  readonly all?: boolean;
  /** json_find: the `Name` whose `Value` is wanted. */
  readonly key?: string;
  /** lookup: the version read and the column wanted. */
  readonly lookup?: { readonly versionId: string; readonly column: string };
}

export type TExpr =
  | { readonly k: 'col'; readonly name: string; readonly type: LType }
  | { readonly k: 'lit'; readonly value: LitValue; readonly type: LType }
  | { readonly k: 'null'; readonly type: LType }
  | {
      readonly k: 'op';
      readonly op: Op;
      readonly args: readonly TExpr[];
      readonly type: LType;
      readonly data?: OpData;
    }
  | {
      readonly k: 'in_sub';
      readonly value: readonly TExpr[];
      readonly plan: Plan;
      readonly negated: boolean;
      readonly type: 'bool';
    }
  | { readonly k: 'compile'; readonly type: CompileTimeType; readonly value: CompileValue };

export type AggOp =
  | 'count_star'
  | 'count'
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'first'
  | 'last'
  | 'nnfirst'
  | 'nnlast'
  | 'count_distinct'
  | 'collect_distinct'
  | 'quantile'
  | 'stddev_pop'
  | 'stddev_samp'
  | 'var_pop'
  | 'var_samp'
  | 'sum2';

export interface Aggregate {
  /** Column name in the grouped sub-select (`__a1`, …). */
  readonly sqlName: string;
  readonly op: AggOp;
  readonly args: readonly TExpr[];
  readonly type: LType;
  /** quantile: the fraction. */
  readonly fraction?: number;
}

export interface GroupPlan {
  /** Bucket period in ms; null = no time buckets. */
  readonly every: number | null;
  /** The `eventdate` of the segment before the group (bucketed when `every` is set). */
  readonly eventdate: TExpr | null;
  readonly keys: ReadonlyArray<{ readonly sqlName: string; readonly expr: TExpr }>;
  readonly aggregates: readonly Aggregate[];
  /** Order of rows for first/last: the segment's time, then its sequence (when known). */
  readonly orderKeys: readonly TExpr[];
  /** Emit `__ord` (the group's position) for a later group's first/last. */
  readonly emitOrd: boolean;
}

export interface OutputColumn {
  /** The name the analyst sees (alias, field name, or the expression as written). */
  readonly name: string;
  /** The SQL name of the output column (the name itself when it is a plain identifier). */
  readonly sqlName: string;
  readonly expr: TExpr;
  readonly type: LType;
  /**
   * `query`: selected, created, key or aggregate columns; `table`: a column of the table that the
   * answer carries after them (Devo's search shows every column; its API puts the query's first).
   */
  readonly origin: 'query' | 'table';
}

export interface Plan {
  readonly table: LogicalTable;
  /** Filters of each segment: [0] on the table's rows, [i] on the rows of group i. */
  readonly filters: ReadonlyArray<readonly TExpr[]>;
  readonly groups: readonly GroupPlan[];
  readonly outputs: readonly OutputColumn[];
  readonly order: ReadonlyArray<{ readonly expr: TExpr; readonly desc: boolean }>;
  readonly limit: bigint | null;
  readonly offset: bigint | null;
}
