// The audited primitives of SQL generation: identifiers, fixed strings and bound parameters (every
// literal becomes a parameter). The layers of the generator (values, text, aggregates, ops) each
// extend the one before; ./generator.ts is the last and the dialects extend it.
import type { SqlValue } from '../../store/store.js';
import type { Dialect } from '../../store/store.js';
import type { JsonStep, LitValue, TExpr } from '../ir.js';
import type { LType } from '../types.js';

export type OpExpr = Extract<TExpr, { k: 'op' }>;

export const SAFE_IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SAFE_CONSTANT = /^[A-Za-z0-9_ %.:,()\-/~]*$/;

/** The JSON pointer (RFC 6901) of a path: `/a/0/b`, with `~` and `/` in keys escaped. */
export function jsonPointer(steps: readonly JsonStep[]): string {
  return steps
    .map((s) => ('key' in s ? `/${s.key.replace(/~/g, '~0').replace(/\//g, '~1')}` : `/${s.index}`))
    .join('');
}

export const IP4_PATTERN =
  '^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$';
export const INT_PATTERN = '^[[:space:]]*[-+]?[0-9]+[[:space:]]*$';

export abstract class SqlPrimitives {
  abstract readonly dialect: Dialect;
  protected readonly params: SqlValue[] = [];
  protected readonly paramTypes: LType[] = [];
  protected readonly paramIndex = new Map<string, number>();

  // ---- the audited primitives

  /** Quotes an identifier: catalog names and plain aliases only (IDENT rule), never other text. */
  quoteIdent(name: string): string {
    if (!SAFE_IDENT.test(name))
      throw new Error(`refusing to quote identifier ${JSON.stringify(name)}`);
    return `"${name}"`;
  }

  /** A fixed string of the compiler itself (format strings, JSON words), never user text. */
  protected constant(text: string): string {
    if (!SAFE_CONSTANT.test(text)) throw new Error(`refusing constant ${JSON.stringify(text)}`);
    return `'${text}'`;
  }

  /** The placeholder of the i-th (1-based) parameter of a type. */
  protected abstract placeholder(index: number, type: LType): string;

  /** Binds a value and returns its placeholder; equal values share one parameter. */
  protected param(value: LitValue, type: LType): string {
    const key = `${type}\u0000${typeof value}\u0000${String(value)}`;
    let index = this.paramIndex.get(key);
    if (index === undefined) {
      this.params.push(value);
      this.paramTypes.push(type);
      index = this.params.length;
      this.paramIndex.set(key, index);
    }
    return this.placeholder(index, type);
  }

  protected str(s: string): string {
    return this.param(s, 'str');
  }

  protected int(n: bigint | number): string {
    return this.param(BigInt(n), 'int');
  }

  /** The engine's type for a LINQ type (for typed NULLs and casts). */
  protected abstract sqlType(t: LType): string;

  /** Functions whose name differs in the dialect (DuckDB names by default). */
  protected readonly renames: Readonly<Record<string, string>> = {};

  protected fn(name: string, ...args: string[]): string {
    return `${this.renames[name] ?? name}(${args.join(', ')})`;
  }

  /** `x IN (…)`; `literals` when every item is a non-null literal (a dialect may use a list). */
  protected membership(x: string, items: string[], negated: boolean, _literals: boolean): string {
    return `(${x} ${negated ? 'NOT IN' : 'IN'} (${items.join(', ')}))`;
  }

  protected typedNull(t: LType): string {
    return `CAST(NULL AS ${this.sqlType(t)})`;
  }

  /** Writes one typed expression (./generator.ts). */
  abstract expr(e: TExpr): string;

  /** A lookup's column for a key (./generator.ts). */
  protected abstract lookupValue(e: OpExpr): string;
}
