// The checker's state and its error helper: the layers (operators, values, calls, expressions,
// clauses) each extend the one before; ../checker.ts is the last.
import type { ColumnDef, LogicalTable } from '../../store/schema.js';
import type { Expr, Span } from '../ast.js';
import { LinqError } from '../errors.js';
import type { Plan, TExpr } from '../ir.js';
import {
  type CheckOptions,
  Scope,
  type GroupBuild,
  type Mention,
  type ExprCtx,
} from './context.js';

export abstract class CheckerBase {
  protected table!: LogicalTable;
  protected segment = 0;
  protected scope!: Scope;
  protected prevScope: Scope | null = null;
  protected readonly filters: TExpr[][] = [[]];
  protected readonly groups: GroupBuild[] = [];
  protected mentions: Mention[] = [];
  protected anySelect = false;
  protected star = false;
  protected counter = 0;
  protected visible: readonly ColumnDef[] = [];
  protected seqColumn: ColumnDef | undefined;
  protected messageColumn: ColumnDef | undefined;

  constructor(
    protected readonly text: string,
    protected readonly options: CheckOptions,
    protected readonly depth: number,
  ) {}

  protected error(message: string, at: Span, hint?: string): never {
    throw new LinqError(message, this.text, at, hint);
  }

  protected fresh(prefix: string): string {
    return `__${prefix}${++this.counter}`;
  }

  protected ctx(): ExprCtx {
    return { scope: this.scope, aggAllowed: this.segment > 0, inAgg: false };
  }

  protected readonly groupKeys: Array<Array<{ name: string; ref: TExpr }>> = [];

  /** Checks one expression (./expressions.ts). */
  abstract expr(e: Expr, ctx: ExprCtx): TExpr;

  /** Checks a subquery that gives `width` columns (../checker.ts). */
  protected abstract subquery(e: Extract<Expr, { kind: 'subquery' }>, width: number): Plan;
}
