// Overridable pieces of SQL (DuckDB spelling by default): strings, arrays, math and dates.
import type { DateFormatPiece, DatePart, TExpr } from '../ir.js';
import { ValueSql } from './values.js';

export abstract class TextSql extends ValueSql {
  protected contains(a: string, b: string): string {
    return this.fn('contains', a, b);
  }

  protected icontains(a: string, b: string): string {
    return `contains(lower(${a}), lower(${b}))`;
  }

  protected regexMatch(a: string, pattern: string): string {
    return this.fn('regexp_matches', a, pattern);
  }

  protected splitIndex(s: string, sep: string, i: { sql: string; literal: boolean }): string {
    return this.arrayIndex(this.fn('string_split', s, sep), i);
  }

  protected splitArray(s: string, sep: string): string {
    return this.fn('string_split', `coalesce(${s}, ${this.constant('')})`, sep);
  }

  protected splitRegexArray(s: string, pattern: string): string {
    return this.fn('regexp_split_to_array', `coalesce(${s}, ${this.constant('')})`, pattern);
  }

  protected arrayIndex(arr: string, i: { sql: string; literal: boolean }): string {
    if (i.literal) return `${arr}[${i.sql}]`;
    return `(CASE WHEN ${i.sql} >= 1 THEN ${arr}[${i.sql}] END)`;
  }

  protected substring(s: string, start: { sql: string; literal: boolean }, len?: string): string {
    return len === undefined
      ? this.fn('substr', s, start.sql)
      : this.fn('substr', s, start.sql, len);
  }

  protected regexReplace(s: string, pattern: string, template: string, all: boolean): string {
    return all
      ? this.fn('regexp_replace', s, pattern, template, this.constant('g'))
      : this.fn('regexp_replace', s, pattern, template);
  }

  protected textReplace(s: string, from: string, to: string, all: boolean): string {
    if (all) return this.fn('replace', s, from, to);
    const at = `strpos(${s}, ${from})`;
    return `(CASE WHEN ${at} > 0 AND length(${from}) > 0 THEN substr(${s}, 1, ${at} - 1) || ${to} || substr(${s}, ${at} + length(${from})) ELSE ${s} END)`;
  }

  protected peek(s: string, pattern: string, group: TExpr): string {
    return `nullif(regexp_extract(${s}, ${pattern}, CAST(${this.expr(group)} AS INTEGER)), ${this.constant('')})`;
  }

  protected join(arr: string, sep: string): string {
    return this.fn('array_to_string', arr, sep);
  }

  protected lpad0(s: string, width: number): string {
    return this.fn('lpad', s, `CAST(${this.int(width)} AS INTEGER)`, this.constant('0'));
  }

  protected arrayContains(arr: string, x: string): string {
    return this.fn('list_contains', arr, x);
  }

  protected arrayContainsIgnoreCase(arr: string, x: string): string {
    return `list_contains(list_transform(${arr}, lambda v: lower(v)), lower(${x}))`;
  }

  protected arrayLength(arr: string): string {
    return this.fn('len', arr);
  }

  protected roundDigits(x: string, digits: string): string {
    return this.fn('round', x, `CAST(${digits} AS INTEGER)`);
  }

  protected roundToInt(x: string): string {
    return this.toIntChecked(this.fn('round', x));
  }

  protected math(name: 'sqrt' | 'cbrt' | 'exp' | 'ln' | 'log10', x: string): string {
    if (name === 'sqrt') return `(CASE WHEN ${x} >= 0 THEN sqrt(${x}) END)`;
    if (name === 'ln' || name === 'log10')
      return `(CASE WHEN ${x} > 0 THEN ${this.fn(name, x)} END)`;
    return this.fn(name, x);
  }

  /**
   * Start of the `ms`-long bucket of a time: epoch-aligned (docs/linq.md, "Where m365hunt differs
   * from Devo").
   */
  protected period(ts: string, ms: number): string {
    return `epoch_ms((epoch_ms(${ts}) // ${this.int(ms)}) * ${this.int(ms)})`;
  }

  protected datePart(ts: string, part: DatePart): string {
    switch (part) {
      case 'millisecond':
        return `(millisecond(${ts}) % 1000)`;
      case 'dayofweek':
        return this.fn('isodow', ts);
      default:
        return this.fn(part, ts);
    }
  }

  protected parseDate(s: string, format: readonly DateFormatPiece[]): string {
    const fmt = format
      .map((p) =>
        'text' in p
          ? p.text.replace(/%/g, '%%')
          : ((
              {
                year: '%Y',
                month: '%m',
                day: '%d',
                hour: '%H',
                minute: '%M',
                second: '%S',
                millisecond: '%g',
              } as Record<string, string>
            )[p.part] ?? ''),
      )
      .join('');
    return this.fn('try_strptime', s, this.str(fmt));
  }
}
