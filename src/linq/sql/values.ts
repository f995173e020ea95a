// Overridable pieces of SQL (DuckDB spelling by default): arithmetic, time, conversions, addresses
// and JSON.
import type { JsonStep, TExpr } from '../ir.js';
import type { LType } from '../types.js';
import { jsonPointer, IP4_PATTERN, INT_PATTERN } from './primitives.js';
import { SqlPrimitives } from './primitives.js';

export abstract class ValueSql extends SqlPrimitives {
  // ---- overridable pieces (DuckDB spelling by default)

  protected realDivision(a: string, b: string): string {
    return `(CAST(${a} AS DOUBLE) / NULLIF(CAST(${b} AS DOUBLE), 0))`;
  }

  protected intDivision(a: string, b: string, ints: boolean): string {
    if (ints) return `(${a} // NULLIF(${b}, 0))`;
    return this.toIntChecked(`trunc(CAST(${a} AS DOUBLE) / NULLIF(CAST(${b} AS DOUBLE), 0))`);
  }

  protected remainder(a: string, b: string): string {
    return `(${a} % NULLIF(${b}, 0))`;
  }

  protected modulo(a: string, b: string): string {
    return `(((${a} % NULLIF(${b}, 0)) + ${b}) % NULLIF(${b}, 0))`;
  }

  protected concat(parts: string[]): string {
    return `(${parts.join(' || ')})`;
  }

  protected timestampShift(ts: string, ms: string, sign: 1 | -1): string {
    return `(${ts} ${sign > 0 ? '+' : '-'} to_milliseconds(${ms}))`;
  }

  protected epochMs(ts: string): string {
    return this.fn('epoch_ms', ts);
  }

  protected timestampFromMs(ms: string): string {
    return this.fn('epoch_ms', `CAST(${ms} AS BIGINT)`);
  }

  protected timestampParse(s: string): string {
    return `TRY_CAST(${s} AS TIMESTAMP)`;
  }

  protected toStr(x: string, from: LType): string {
    if (from === 'bool') {
      return `(CASE WHEN ${x} THEN ${this.constant('true')} WHEN NOT ${x} THEN ${this.constant('false')} END)`;
    }
    if (from === 'timestamp') return this.fn('strftime', x, this.constant('%Y-%m-%d %H:%M:%S.%g'));
    // floats: 15 significant digits, the same text on every engine (2.5, 2, 0.3, 1e+20)
    if (from === 'float') return `printf(${this.constant('%.15g')}, ${x})`;
    return `CAST(${x} AS VARCHAR)`;
  }

  protected toInt(x: string, from: LType): string {
    if (from === 'str') {
      return `TRY_CAST(CASE WHEN regexp_matches(${x}, ${this.str(INT_PATTERN)}) THEN trim(${x}) END AS BIGINT)`;
    }
    if (from === 'float') return this.toIntChecked(this.fn('trunc', x));
    return `CAST(${x} AS BIGINT)`;
  }

  /** A float to a BIGINT, null when it does not fit. */
  protected toIntChecked(x: string): string {
    return `TRY_CAST(${x} AS BIGINT)`;
  }

  protected castInt(x: string): string {
    return `CAST(${x} AS BIGINT)`;
  }

  protected toFloat(x: string, from: LType): string {
    if (from === 'str') return `TRY_CAST(${x} AS DOUBLE)`;
    return `CAST(${x} AS DOUBLE)`;
  }

  protected ip4Parse(s: string): string {
    const part = (i: number) => `CAST(split_part(${s}, ${this.constant('.')}, ${i}) AS BIGINT)`;
    return `(CASE WHEN regexp_matches(${s}, ${this.str(IP4_PATTERN)}) THEN ${part(1)} * 16777216 + ${part(2)} * 65536 + ${part(3)} * 256 + ${part(4)} END)`;
  }

  protected ip4Text(x: string): string {
    return `printf(${this.constant('%d.%d.%d.%d')}, ${x} // 16777216, (${x} // 65536) % 256, (${x} // 256) % 256, ${x} % 256)`;
  }

  protected jsonParse(s: string): string {
    return `(CASE WHEN json_valid(${s}) THEN CAST(${s} AS JSON) END)`;
  }

  protected jsonPath(base: string, steps: readonly JsonStep[]): string {
    return `nullif(json_extract(${base}, ${this.str(jsonPointer(steps))}), ${this.constant('null')})`;
  }

  protected jsonGet(base: string, key: string, index: boolean): string {
    const pointer = index
      ? `(CASE WHEN ${key} >= 0 THEN ${this.constant('/')} || CAST(${key} AS VARCHAR) END)`
      : `(${this.constant('/')} || replace(replace(${key}, ${this.constant('~')}, ${this.constant('~0')}), ${this.constant('/')}, ${this.constant('~1')}))`;
    return `nullif(json_extract(${base}, ${pointer}), ${this.constant('null')})`;
  }

  /** str() of a JSON path: the bare scalar, null for objects, arrays and null. */
  protected jsonPathString(base: string, steps: readonly JsonStep[]): string {
    return `json_extract_string(json_value(${base}, ${this.str(jsonPointer(steps))}), ${this.constant('')})`;
  }

  protected jsonString(j: string): string {
    return `json_extract_string(json_value(${j}, ${this.constant('')}), ${this.constant('')})`;
  }

  protected jsonText(j: string): string {
    return `CAST(${j} AS VARCHAR)`;
  }

  /** An array of `{"Name", "Value"}` at `steps`, as a DuckDB list of JSON (null otherwise). */
  protected nameValues(base: string, steps: readonly JsonStep[]): { test: string; list: string } {
    const ptr = this.str(jsonPointer(steps));
    return {
      test: `json_type(${base}, ${ptr}) = ${this.constant('ARRAY')}`,
      list: `CAST(json_extract(${base}, ${ptr}) AS JSON[])`,
    };
  }

  /** The `Value` of the element whose `Name` is `key` (Devo's `Parameters_<Name>`). */
  protected jsonFind(base: string, steps: readonly JsonStep[], key: string): string {
    const { test, list } = this.nameValues(base, steps);
    const hit = `list_filter(${list}, lambda __e: json_extract_string(__e, ${this.constant('/Name')}) = ${this.str(key)})[1]`;
    return `(CASE WHEN ${test} THEN nullif(json_extract(${hit}, ${this.constant('/Value')}), ${this.constant('null')}) END)`;
  }

  /** The array as JSON text with `", "` and `": "` separators (Devo's `Parameters_Raw`). */
  protected jsonPairsText(base: string, steps: readonly JsonStep[]): string {
    const { test, list } = this.nameValues(base, steps);
    const raw = (k: string) =>
      `coalesce(CAST(json_extract(__e, ${this.constant(`/${k}`)}) AS VARCHAR), ${this.constant('null')})`;
    const item = `${this.str('{"Name": ')} || ${raw('Name')} || ${this.str(', "Value": ')} || ${raw('Value')} || ${this.str('}')}`;
    return `(CASE WHEN ${test} THEN ${this.str('[')} || array_to_string(list_transform(${list}, lambda __e: ${item}), ${this.constant(', ')}) || ${this.str(']')} END)`;
  }

  /** The names of the array's elements, as JSON text (Devo's `Parameters_Name_str`). */
  protected jsonNamesText(base: string, steps: readonly JsonStep[]): string {
    const { test, list } = this.nameValues(base, steps);
    return `(CASE WHEN ${test} THEN CAST(to_json(list_transform(${list}, lambda __e: json_extract_string(__e, ${this.constant('/Name')}))) AS VARCHAR) END)`;
  }

  protected toJson(e: TExpr, from: LType): string {
    if (from === 'timestamp') return `to_json(${this.toStr(this.expr(e), 'timestamp')})`;
    if (from === 'ip4') return `to_json(${this.ip4Text(this.expr(e))})`;
    return `to_json(${this.expr(e)})`;
  }

  protected arrayJson(x: string): string {
    return `CAST(to_json(${x}) AS VARCHAR)`;
  }

  protected jq(program: string, json: string): string {
    return `linq_jq(${program}, CAST(${json} AS VARCHAR))`;
  }
}
