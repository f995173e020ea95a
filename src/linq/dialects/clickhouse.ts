// ClickHouse: typed named placeholders ({p1:String}), 1-based arrays with out-of-range defaults
// instead of NULL, JSON kept as text and read with JSONExtract*, functions that throw on division
// by zero, banker's rounding, and aggregates that return 0 instead of NULL on empty input. Each of
// those differences is one override below; everything else comes from the default generator.
import type { Dialect } from '../../store/store.js';
import type { Aggregate, DateFormatPiece, DatePart, GroupPlan, JsonStep, TExpr } from '../ir.js';
import { INT_PATTERN, IP4_PATTERN, SqlGenerator } from '../sql/generator.js';
import { elementOf, isArray, type LType } from '../types.js';

export class ClickHouseGenerator extends SqlGenerator {
  readonly dialect: Dialect = 'clickhouse';

  protected override readonly renames: Readonly<Record<string, string>> = {
    starts_with: 'startsWith',
    ends_with: 'endsWith',
    lower: 'lowerUTF8',
    upper: 'upperUTF8',
    length: 'lengthUTF8',
    len: 'length',
    regexp_matches: 'match',
    list_append: 'arrayPushBack',
    list_concat: 'arrayConcat',
    list_contains: 'has',
    substr: 'substringUTF8',
    array_to_string: 'arrayStringConcat',
    lpad: 'leftPad',
    ln: 'log',
  };

  protected placeholder(index: number, type: LType): string {
    return `{p${index}:${this.paramType(type)}}`;
  }

  private paramType(t: LType): string {
    switch (t) {
      case 'int':
      case 'duration':
      case 'ip4':
        return 'Int64';
      case 'float':
        return 'Float64';
      case 'bool':
        return 'Bool';
      case 'timestamp':
        return "DateTime64(3, 'UTC')";
      default:
        return 'String';
    }
  }

  protected sqlType(t: LType): string {
    if (isArray(t)) return `Array(${this.sqlType(elementOf(t))})`;
    return `Nullable(${this.paramType(t)})`;
  }

  protected override typedNull(t: LType): string {
    if (isArray(t)) return `CAST([] AS ${this.sqlType(t)})`;
    return super.typedNull(t);
  }

  protected override outputScalar(e: TExpr, sql: string): string {
    switch (e.type) {
      case 'bool':
        return `CAST(${sql} AS Nullable(Bool))`;
      case 'int':
      case 'duration':
        return `CAST(${sql} AS Nullable(Int64))`;
      case 'float':
        return `CAST(${sql} AS Nullable(Float64))`;
      default:
        return sql;
    }
  }

  protected override realDivision(a: string, b: string): string {
    return `(toFloat64(${a}) / nullIf(toFloat64(${b}), 0))`;
  }

  protected override intDivision(a: string, b: string, ints: boolean): string {
    if (ints) return `if(${b} = 0, NULL, intDivOrZero(${a}, ${b}))`;
    return this.toIntChecked(`trunc(toFloat64(${a}) / nullIf(toFloat64(${b}), 0))`);
  }

  protected override remainder(a: string, b: string): string {
    return `if(${b} = 0, NULL, moduloOrZero(${a}, ${b}))`;
  }

  protected override modulo(a: string, b: string): string {
    return `if(${b} = 0, NULL, moduloOrZero(moduloOrZero(${a}, ${b}) + ${b}, ${b}))`;
  }

  protected override concat(parts: string[]): string {
    return `concat(${parts.join(', ')})`;
  }

  protected override timestampShift(ts: string, ms: string, sign: 1 | -1): string {
    return `${sign > 0 ? 'addMilliseconds' : 'subtractMilliseconds'}(${ts}, ${ms})`;
  }

  protected override epochMs(ts: string): string {
    return `toUnixTimestamp64Milli(${ts})`;
  }

  protected override timestampFromMs(ms: string): string {
    return `fromUnixTimestamp64Milli(toInt64(${ms}), ${this.constant('UTC')})`;
  }

  protected override timestampParse(s: string): string {
    return `parseDateTime64BestEffortOrNull(${s}, 3, ${this.constant('UTC')})`;
  }

  protected override toStr(x: string, from: LType): string {
    if (from === 'bool' || from === 'float') return super.toStr(x, from);
    if (from === 'timestamp') return `toString(toDateTime64(${x}, 3, ${this.constant('UTC')}))`;
    return `toString(${x})`;
  }

  protected override toInt(x: string, from: LType): string {
    if (from === 'str') {
      return `if(match(${x}, ${this.str(INT_PATTERN)}), toInt64OrNull(replaceRegexpOne(trimBoth(${x}), ${this.str('^[+]')}, ${this.constant('')})), NULL)`;
    }
    if (from === 'float') return this.toIntChecked(`trunc(${x})`);
    return `toInt64(${x})`;
  }

  protected override toIntChecked(x: string): string {
    return `accurateCastOrNull(${x}, ${this.constant('Int64')})`;
  }

  protected override castInt(x: string): string {
    return `toInt64(${x})`;
  }

  protected override toFloat(x: string, from: LType): string {
    return from === 'str' ? `toFloat64OrNull(${x})` : `toFloat64(${x})`;
  }

  protected override ip4Parse(s: string): string {
    return `if(match(${s}, ${this.str(IP4_PATTERN)}), toInt64(toUInt32(toIPv4OrNull(${s}))), NULL)`;
  }

  protected override ip4Text(x: string): string {
    return `IPv4NumToString(toUInt32(${x}))`;
  }

  protected override jsonParse(s: string): string {
    return `if(isValidJSON(${s}), ${s}, NULL)`;
  }

  private jsonArgs(steps: readonly JsonStep[]): string[] {
    return steps.map((s) => ('key' in s ? this.str(s.key) : this.int(s.index + 1)));
  }

  protected override jsonPath(base: string, steps: readonly JsonStep[]): string {
    return `nullIf(nullIf(JSONExtractRaw(${[base, ...this.jsonArgs(steps)].join(', ')}), ${this.constant('')}), ${this.constant('null')})`;
  }

  protected override jsonGet(base: string, key: string, index: boolean): string {
    // JSONExtractRaw refuses a Nullable key (a column): a null key gives null.
    const raw = (k: string) =>
      `if(isNull(${key}), NULL, nullIf(nullIf(JSONExtractRaw(${base}, ${k}), ${this.constant('')}), ${this.constant('null')}))`;
    return index
      ? `if(${key} >= 0, ${raw(`toInt64(assumeNotNull(${key})) + 1`)}, NULL)`
      : raw(`assumeNotNull(${key})`);
  }

  protected override jsonPathString(base: string, steps: readonly JsonStep[]): string {
    return this.jsonString(this.jsonPath(base, steps));
  }

  protected override jsonString(j: string): string {
    return `multiIf(JSONType(${j}) = ${this.constant('String')}, JSONExtractString(${j}), JSONType(${j}) IN (${this.constant('Int64')}, ${this.constant('UInt64')}, ${this.constant('Double')}, ${this.constant('Bool')}), ${j}, NULL)`;
  }

  protected override jsonText(j: string): string {
    return j;
  }

  /** JSON text as DuckDB writes it: ClickHouse escapes `/` as `\/`, which is undone here. */
  private jsonOf(x: string): string {
    return `replaceAll(toJSONString(${x}), ${this.str('\\/')}, ${this.str('/')})`;
  }

  protected override toJson(e: TExpr, from: LType): string {
    const x = this.expr(e);
    if (from === 'bool') return this.toStr(x, 'bool');
    if (from === 'timestamp') return this.jsonOf(this.toStr(x, 'timestamp'));
    if (from === 'ip4') return this.jsonOf(this.ip4Text(x));
    return this.jsonOf(x);
  }

  protected override jsonFind(base: string, steps: readonly JsonStep[], key: string): string {
    const items = `JSONExtractArrayRaw(${[`ifNull(${base}, ${this.constant('')})`, ...this.jsonArgs(steps)].join(', ')})`;
    const hit = `arrayFirst(__e -> JSONExtractString(__e, ${this.constant('Name')}) = ${this.str(key)}, ${items})`;
    return `nullIf(nullIf(JSONExtractRaw(${hit}, ${this.constant('Value')}), ${this.constant('')}), ${this.constant('null')})`;
  }

  private isArrayAt(base: string, steps: readonly JsonStep[]): string {
    return `JSONType(${[base, ...this.jsonArgs(steps)].join(', ')}) = ${this.constant('Array')}`;
  }

  protected override jsonPairsText(base: string, steps: readonly JsonStep[]): string {
    const items = `JSONExtractArrayRaw(${[`ifNull(${base}, ${this.constant('')})`, ...this.jsonArgs(steps)].join(', ')})`;
    const raw = (k: string) =>
      `if(JSONHas(__e, ${this.constant(k)}), JSONExtractRaw(__e, ${this.constant(k)}), ${this.constant('null')})`;
    const item = `concat(${this.str('{"Name": ')}, ${raw('Name')}, ${this.str(', "Value": ')}, ${raw('Value')}, ${this.str('}')})`;
    return `if(${this.isArrayAt(base, steps)}, concat(${this.str('[')}, arrayStringConcat(arrayMap(__e -> ${item}, ${items}), ${this.constant(', ')}), ${this.str(']')}), NULL)`;
  }

  protected override jsonNamesText(base: string, steps: readonly JsonStep[]): string {
    const items = `JSONExtractArrayRaw(${[`ifNull(${base}, ${this.constant('')})`, ...this.jsonArgs(steps)].join(', ')})`;
    return `if(${this.isArrayAt(base, steps)}, ${this.jsonOf(`arrayMap(__e -> JSONExtractString(__e, ${this.constant('Name')}), ${items})`)}, NULL)`;
  }

  protected override arrayJson(x: string): string {
    return this.jsonOf(x);
  }

  protected override jq(): string {
    throw new Error('ClickHouse cannot run jq programs (the checker refuses them)');
  }

  protected override contains(a: string, b: string): string {
    return `(position(${a}, ${b}) > 0)`;
  }

  protected override icontains(a: string, b: string): string {
    return `(positionCaseInsensitiveUTF8(${a}, ${b}) > 0)`;
  }

  protected override splitIndex(
    s: string,
    sep: string,
    i: { sql: string; literal: boolean },
  ): string {
    return `if(${s} IS NULL, NULL, ${this.arrayIndex(`splitByString(${sep}, ifNull(${s}, ${this.constant('')}))`, i)})`;
  }

  protected override splitArray(s: string, sep: string): string {
    return `splitByString(${sep}, ifNull(${s}, ${this.constant('')}))`;
  }

  protected override splitRegexArray(s: string, pattern: string): string {
    return `splitByRegexp(${pattern}, ifNull(${s}, ${this.constant('')}))`;
  }

  protected override arrayIndex(arr: string, i: { sql: string; literal: boolean }): string {
    if (i.literal) return `arrayElementOrNull(${arr}, ${i.sql})`;
    return `if(${i.sql} >= 1, arrayElementOrNull(${arr}, ${i.sql}), NULL)`;
  }

  protected override lpad0(s: string, width: number): string {
    return `leftPad(${s}, ${this.int(width)}, ${this.constant('0')})`;
  }

  protected override regexReplace(
    s: string,
    pattern: string,
    template: string,
    all: boolean,
  ): string {
    return `${all ? 'replaceRegexpAll' : 'replaceRegexpOne'}(${s}, ${pattern}, ${template})`;
  }

  protected override textReplace(s: string, from: string, to: string, all: boolean): string {
    return `${all ? 'replaceAll' : 'replaceOne'}(${s}, ${from}, ${to})`;
  }

  protected override peek(s: string, pattern: string, group: TExpr): string {
    return `nullIf(regexpExtract(${s}, ${pattern}, ${this.expr(group)}), ${this.constant('')})`;
  }

  protected override arrayContainsIgnoreCase(arr: string, x: string): string {
    return `has(arrayMap(v -> lowerUTF8(v), ${arr}), lowerUTF8(${x}))`;
  }

  private halfAway(x: string): string {
    return `if(${x} >= 0, floor(${x} + 0.5), -floor(-(${x}) + 0.5))`;
  }

  protected override roundToInt(x: string): string {
    return this.toIntChecked(this.halfAway(x));
  }

  protected override roundDigits(x: string, digits: string): string {
    const scale = `pow(10, ${digits})`;
    return `(${this.halfAway(`${x} * ${scale}`)} / ${scale})`;
  }

  protected override period(ts: string, ms: number): string {
    return `fromUnixTimestamp64Milli(intDiv(toUnixTimestamp64Milli(${ts}), ${this.int(ms)}) * ${this.int(ms)}, ${this.constant('UTC')})`;
  }

  protected override datePart(ts: string, part: DatePart): string {
    const fn: Record<DatePart, string> = {
      year: 'toYear',
      month: 'toMonth',
      day: 'toDayOfMonth',
      hour: 'toHour',
      minute: 'toMinute',
      second: 'toSecond',
      millisecond: '',
      dayofweek: 'toDayOfWeek',
      dayofyear: 'toDayOfYear',
    };
    if (part === 'millisecond') return `toInt64(moduloOrZero(toUnixTimestamp64Milli(${ts}), 1000))`;
    return `toInt64(${fn[part]}(${ts}))`;
  }

  protected override parseDate(s: string, format: readonly DateFormatPiece[]): string {
    const codes: Record<string, string> = {
      year: '%Y',
      month: '%m',
      day: '%d',
      hour: '%H',
      minute: '%i',
      second: '%s',
      millisecond: '%f',
    };
    const fmt = format
      .map((p) => ('text' in p ? p.text.replace(/%/g, '%%') : (codes[p.part] ?? '')))
      .join('');
    const fractional = format.some((p) => 'part' in p && p.part === 'millisecond');
    const parse = fractional ? 'parseDateTime64OrNull' : 'parseDateTimeOrNull';
    return `toDateTime64(${parse}(${s}, ${this.str(fmt)}, ${this.constant('UTC')}), 3, ${this.constant('UTC')})`;
  }

  protected override orderKey(keys: string[]): string {
    return keys.length === 1 ? keys[0]! : `tuple(${keys.join(', ')})`;
  }

  protected override argBy(
    x: string,
    order: string,
    dir: 'min' | 'max',
    withNulls: boolean,
  ): string {
    const f = dir === 'min' ? 'argMin' : 'argMax';
    // without rows, argMin gives the type's default value: null instead, as DuckDB does
    return withNulls
      ? `if(count() = 0, NULL, ${f}(tuple(${x}), ${order}).1)`
      : `${f}OrNull(${x}, ${order})`;
  }

  protected override collectDistinct(x: string): string {
    return `arraySort(groupUniqArray(${x}))`;
  }

  protected override quantile(x: string, fraction: number): string {
    return `quantileExactInclusiveOrNull(${this.param(fraction, 'float')})(toFloat64(${x}))`;
  }

  protected override statistic(
    op: 'stddev_pop' | 'stddev_samp' | 'var_pop' | 'var_samp',
    x: string,
  ): string {
    const name = {
      stddev_pop: 'stddevPop',
      stddev_samp: 'stddevSamp',
      var_pop: 'varPop',
      var_samp: 'varSamp',
    }[op];
    const v = `${name}OrNull(toFloat64(${x}))`;
    return op.endsWith('samp') ? `if(count(${x}) > 1, ${v}, NULL)` : v;
  }

  protected override aggregate(a: Aggregate, g: GroupPlan): string {
    const x = a.args[0] ? this.expr(a.args[0]) : '';
    switch (a.op) {
      case 'sum':
        return a.type === 'float' ? `sumOrNull(${x})` : `toInt64(sumOrNull(${x}))`;
      case 'avg':
        return `avgOrNull(${x})`;
      case 'min':
        return `minOrNull(${x})`;
      case 'max':
        return `maxOrNull(${x})`;
      case 'count_distinct':
        return a.type === 'float' ? `toFloat64(count(DISTINCT ${x}))` : `count(DISTINCT ${x})`;
      case 'sum2':
        return `sumOrNull(toFloat64(${x}) * toFloat64(${x}))`;
      default:
        return super.aggregate(a, g);
    }
  }
}
