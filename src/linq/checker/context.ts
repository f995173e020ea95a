// The checker's shared vocabulary: its options, scopes of names, the group being built and the
// expression context (see ../checker.ts for the whole).
import type { LookupCatalog } from '../../store/lookups.js';
import type { Catalog } from '../../store/schema.js';
import type { Dialect } from '../../store/store.js';
import type { Span } from '../ast.js';
import type { FunctionTable } from '../functions/types.js';
import type { Aggregate, TExpr } from '../ir.js';
import { CONTEXTUAL_KEYWORDS, KEYWORDS } from '../tokens.js';

export interface CheckOptions {
  readonly catalog: Catalog;
  readonly dialect: Dialect;
  readonly now: Date;
  readonly functions: FunctionTable;
  /** Whether the dialect runs jq programs that are not simple paths. */
  readonly jqPrograms: boolean;
  /** Output the internal `_seq` column of ungrouped queries. */
  readonly keepSeq: boolean;
  /** The lookups queries may read. */
  readonly lookups: LookupCatalog;
  /**
   * Ungrouped queries with a `select` also give every column of the table after the selected
   * ones (Devo's answer). False gives only the selected ones and `eventdate`: for callers that
   * read named columns (the alert engine, subqueries), so that the engine reads no more.
   */
  readonly tableColumns: boolean;
}

/**
 * Names that are never aliases: keywords, built-in identifiers (docs/linq.md, "Grammar, tokens and
 * types").
 */
export const RESERVED_ALIASES = new Set([...KEYWORDS, ...CONTEXTUAL_KEYWORDS]);

/** Most inlined SQL an alias may stand for (guards against exponential alias chains). */
export const MAX_EXPR_NODES = 20_000;

export interface Binding {
  readonly expr: TExpr;
  readonly kind: 'column' | 'alias' | 'key' | 'bucket';
}

export class Scope {
  readonly names = new Map<string, Binding>();
  /** Unaliased group keys by canonical text: `group by str(x)` is found again by `str(x)`. */
  readonly exprs = new Map<string, TExpr>();
  constructor(readonly segment: number) {}

  hasCaseInsensitive(name: string): string | undefined {
    const lower = name.toLowerCase();
    for (const n of this.names.keys()) if (n.toLowerCase() === lower) return n;
    return undefined;
  }
}

export interface GroupBuild {
  every: number | null;
  eventdate: TExpr | null;
  keys: Array<{ sqlName: string; expr: TExpr }>;
  aggregates: Aggregate[];
  aggIndex: Map<string, TExpr>;
  orderKeys: TExpr[];
  ordSource: TExpr | null;
  emitOrd: boolean;
  span: Span;
}

export interface Mention {
  readonly name: string;
  readonly expr: TExpr;
  readonly span: Span;
}

export interface ExprCtx {
  readonly scope: Scope;
  /** Aggregates may appear (after a group, outside group keys). */
  readonly aggAllowed: boolean;
  /** Inside an aggregate's arguments. */
  readonly inAgg: boolean;
  /** Inside a group key. */
  readonly inKey?: boolean;
}

export const COMPARE_FN: Record<string, 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'> = {
  '=': 'eq',
  '==': 'eq',
  '!=': 'ne',
  '/=': 'ne',
  '<': 'lt',
  '<=': 'le',
  '>': 'gt',
  '>=': 'ge',
};

export const exprNodes = (e: TExpr): number => {
  if (e.k === 'op') {
    let n = 1;
    for (const a of e.args) n += exprNodes(a);
    return n;
  }
  if (e.k === 'in_sub') return e.value.reduce((n, v) => n + exprNodes(v), 1);
  return 1;
};

const planIds = new WeakMap<object, number>();
let nextPlanId = 0;

/** A stable key for an expression (aggregate de-duplication). */
export function exprKey(e: TExpr): string {
  return JSON.stringify(e, (k, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (k === 'plan' && v && typeof v === 'object') {
      let id = planIds.get(v);
      if (id === undefined) planIds.set(v, (id = nextPlanId++));
      return `plan#${id}`;
    }
    return v;
  });
}
