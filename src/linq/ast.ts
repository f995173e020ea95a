// The syntax tree of a LINQ query: small immutable nodes, each with the span of text it came from.
import type { Span } from './errors.js';

export type { Span };

export type CompareOp =
  '=' | '==' | '!=' | '/=' | '<' | '<=' | '>' | '>=' | '->' | '->>' | '<-' | '~';

export type BinaryOp = 'and' | 'or' | '+' | '-' | '*' | '/' | '\\' | '%' | '%%';

export type Expr =
  | { readonly kind: 'str'; readonly value: string; readonly span: Span }
  | { readonly kind: 'int'; readonly value: bigint; readonly span: Span }
  | { readonly kind: 'float'; readonly value: number; readonly span: Span }
  | { readonly kind: 'bool'; readonly value: boolean; readonly span: Span }
  | { readonly kind: 'null'; readonly span: Span }
  | { readonly kind: 'duration'; readonly ms: number; readonly span: Span }
  | { readonly kind: 'ip4'; readonly value: number; readonly span: Span }
  | { readonly kind: 'cidr4'; readonly value: number; readonly bits: number; readonly span: Span }
  | { readonly kind: 'name'; readonly name: string; readonly quoted: boolean; readonly span: Span }
  | CallExpr
  | {
      readonly kind: 'unary';
      readonly op: '-' | 'not';
      readonly operand: Expr;
      readonly span: Span;
    }
  | {
      readonly kind: 'binary';
      readonly op: BinaryOp;
      readonly left: Expr;
      readonly right: Expr;
      readonly opSpan: Span;
      readonly span: Span;
    }
  | {
      readonly kind: 'compare';
      readonly first: Expr;
      readonly rest: readonly CompareLink[];
      readonly span: Span;
    }
  | {
      readonly kind: 'in';
      readonly negated: boolean;
      readonly value: Expr;
      readonly container: Expr;
      readonly opSpan: Span;
      readonly span: Span;
    }
  | {
      readonly kind: 'isnull';
      readonly negated: boolean;
      readonly operand: Expr;
      readonly span: Span;
    }
  | {
      readonly kind: 'index';
      readonly target: Expr;
      readonly keys: readonly Expr[];
      readonly span: Span;
    }
  | { readonly kind: 'set'; readonly elements: readonly Expr[]; readonly span: Span }
  | { readonly kind: 'array'; readonly elements: readonly Expr[]; readonly span: Span }
  | { readonly kind: 'tuple'; readonly elements: readonly Expr[]; readonly span: Span }
  | { readonly kind: 'subquery'; readonly query: Query; readonly span: Span };

export interface CallExpr {
  readonly kind: 'call';
  readonly name: string;
  readonly quoted: boolean;
  readonly nameSpan: Span;
  readonly args: readonly Arg[];
  readonly span: Span;
}

export interface CompareLink {
  readonly op: CompareOp;
  readonly opSpan: Span;
  readonly operand: Expr;
}

export type Arg = Expr | { readonly kind: 'star'; readonly span: Span };

export interface Name {
  readonly name: string;
  readonly quoted: boolean;
  readonly span: Span;
}

export interface FromClause {
  /** The table name with its parts joined by dots (`cloud.office365.management.*`). */
  readonly name: string;
  readonly parts: readonly Name[];
  readonly span: Span;
}

export interface WhereOp {
  readonly kind: 'where';
  readonly conditions: readonly Expr[];
  readonly span: Span;
}

export type SelectItem =
  | { readonly kind: 'star'; readonly span: Span }
  | { readonly kind: 'expr'; readonly expr: Expr; readonly alias?: Name; readonly span: Span };

export interface SelectOp {
  readonly kind: 'select';
  readonly items: readonly SelectItem[];
  readonly span: Span;
}

/** A period after `every`: milliseconds, or null for `every -` / `every 0` (no period). */
export interface Period {
  readonly ms: number | null;
  readonly span: Span;
}

export interface GroupKey {
  readonly expr: Expr;
  readonly alias?: Name;
  readonly span: Span;
}

export interface GroupOp {
  readonly kind: 'group';
  readonly every?: Period;
  /** `group every 1m | <origin>`: parsed, rejected by the checker. */
  readonly align?: Expr;
  readonly keys: readonly GroupKey[];
  /** The web UI's client-side period (`group … by … every 3h`): parsed and ignored. */
  readonly clientEvery?: Period;
  readonly span: Span;
}

export type Operation = WhereOp | SelectOp | GroupOp;

export interface OrderItem {
  readonly expr: Expr;
  readonly desc: boolean;
  readonly span: Span;
}

export interface Pragma {
  readonly name: string;
  readonly value: Expr;
  readonly span: Span;
}

export interface Query {
  readonly from: FromClause;
  readonly ops: readonly Operation[];
  readonly order: readonly OrderItem[];
  readonly limit?: { readonly value: bigint; readonly span: Span };
  readonly offset?: { readonly value: bigint; readonly span: Span };
  readonly pragmas: readonly Pragma[];
  readonly span: Span;
}
