// A user's page (`GET /api/users/:upn`): their alerts, sections of their activity (small query
// answers), and the account as the directory shows it with the actions taken on it.
import type { AlertSummary } from './alerts.js';
import type { Cell, QueryColumn } from './query.js';
import type { Action, DirectoryFacts } from './respond.js';

export interface Section {
  readonly id: string;
  readonly title: string;
  readonly query: string;
  readonly columns: readonly QueryColumn[];
  readonly rows: Cell[][];
  readonly truncated: boolean;
}

export interface UserPage {
  readonly user: string;
  readonly from: string;
  readonly to: string;
  readonly alerts: AlertSummary[] | null;
  readonly sections: readonly Section[];
  readonly respond: boolean;
  readonly fourEyes: boolean;
  readonly account: {
    readonly directory: DirectoryFacts | null;
    readonly error?: string;
    readonly actions: readonly Action[];
  } | null;
}
