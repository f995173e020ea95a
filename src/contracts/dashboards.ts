// Dashboards, in the spirit of Devo's Activeboards: each panel is a LINQ query (which the app can
// open in search) and a way to draw its answer; panels of kind `status` and `alerts` read the
// collector-status and alert APIs instead.

export type PanelKind = 'timeseries' | 'bar' | 'table' | 'status' | 'alerts';

export interface Panel {
  readonly id: string;
  readonly title: string;
  readonly kind: PanelKind;
  readonly query?: string;
  /** For `bar`: the label column and the value column; for `timeseries`: the series column. */
  readonly label?: string;
  readonly value?: string;
  readonly series?: string;
  /** For `alerts`: only alerts of rules whose id contains this. */
  readonly rule?: string;
  readonly description: string;
}

export interface Dashboard {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly range: string;
  readonly panels: readonly Panel[];
  /** Shipped with m365hunt (it can be reset), and changed by the team (`GET /api/dashboards`). */
  readonly builtin?: boolean;
  readonly edited?: boolean;
}
