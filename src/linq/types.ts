// The value types of LINQ as the checker sees them (docs/linq.md, "Grammar, tokens and types"), and
// how a schema column maps.
import type { ColumnType } from '../store/schema.js';

/** Types a value of a row can have. `null` is the type of the `null` literal (fits anything). */
export type ScalarType =
  | 'str'
  | 'int'
  | 'float'
  | 'bool'
  | 'timestamp'
  | 'duration'
  | 'ip4'
  | 'net4'
  | 'net6'
  | 'json'
  | 'null';

/** Element types of arrays (`split(s, sep)`, `collectdistinct(f)`, `[a, b]`). */
export type ElementType = 'str' | 'int' | 'float' | 'bool' | 'timestamp' | 'ip4' | 'json' | 'null';

export type ArrayType = `array(${ElementType})`;

/** Compile-time values: patterns and programs that exist only while compiling. */
export type CompileTimeType = 'regex' | 'glob' | 'template' | 'jq';

export type LType = ScalarType | ArrayType | CompileTimeType;

export function columnLType(type: ColumnType): LType {
  switch (type) {
    case 'string':
      return 'str';
    case 'int':
      return 'int';
    case 'float':
      return 'float';
    case 'bool':
      return 'bool';
    case 'timestamp':
      return 'timestamp';
  }
}

export const isArray = (t: LType): t is ArrayType => t.startsWith('array(');

export function elementOf(t: ArrayType): ElementType {
  return t.slice(6, -1) as ElementType;
}

export function arrayOf(t: LType): ArrayType {
  const e: ElementType =
    t === 'str' ||
    t === 'int' ||
    t === 'float' ||
    t === 'bool' ||
    t === 'timestamp' ||
    t === 'ip4' ||
    t === 'json' ||
    t === 'null'
      ? t
      : 'str';
  return `array(${e})`;
}

export const isNumeric = (t: LType): boolean => t === 'int' || t === 'float';

export const isCompileTime = (t: LType): t is CompileTimeType =>
  t === 'regex' || t === 'glob' || t === 'template' || t === 'jq';

/** Types a query may output (compile-time values cannot be columns). */
export const isOutputType = (t: LType): boolean => !isCompileTime(t);

/** How a type is named in messages: `str`, `int`, `array(str)`, … */
export const typeName = (t: LType): string => t;
