// The shapes the API answers with (see src/server/routes), as the app reads them.

export type Role = 'viewer' | 'analyst' | 'responder' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'analyst', 'responder', 'admin'];
export const atLeast = (role: Role, minimum: Role) => ROLES.indexOf(role) >= ROLES.indexOf(minimum);

export interface Me {
  readonly user: string;
  readonly role: Role;
  readonly csrf: string | null;
}

export type Cell = string | number | boolean | null | Cell[] | { [key: string]: Cell };

export interface Column {
  readonly name: string;
  readonly type: string;
}

export interface Catalog {
  readonly tables: ReadonlyArray<{ name: string; description: string }>;
  readonly fields: ReadonlyArray<{ name: string; type: string; doc: string }>;
  readonly functions: ReadonlyArray<{
    name: string;
    kind: string;
    signature?: string;
    doc?: string;
  }>;
}

export interface ErrorBody {
  readonly error: string;
  readonly hint?: string;
  readonly position?: { line?: number; column?: number; length?: number; source?: string };
  readonly problems?: ReadonlyArray<{ field: string; message: string }>;
}

export interface SavedQuery {
  readonly id: string;
  readonly name: string;
  readonly query: string;
  readonly from: string;
  readonly to: string;
  readonly owner: string;
  readonly updated: string;
}

export interface Panel {
  readonly id: string;
  readonly title: string;
  readonly kind: 'timeseries' | 'bar' | 'table' | 'status' | 'alerts';
  readonly query?: string;
  readonly label?: string;
  readonly value?: string;
  readonly series?: string;
  readonly rule?: string;
  readonly description: string;
}

export interface Dashboard {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly range: string;
  readonly panels: readonly Panel[];
}

export type AlertStatus = 'new' | 'acknowledged' | 'closed';

export interface AlertSummary {
  readonly id: string;
  readonly rule: string;
  readonly title: string;
  readonly severity: string;
  readonly status: AlertStatus;
  readonly created: string;
  readonly entities: Readonly<Record<string, readonly string[] | undefined>>;
  readonly count?: number;
}

export interface AlertDetail extends AlertSummary {
  readonly description?: string;
  readonly techniques?: readonly string[];
  readonly query?: string;
  readonly evidence: ReadonlyArray<Readonly<Record<string, Cell>>>;
  readonly history?: ReadonlyArray<Readonly<Record<string, Cell>>>;
  readonly closeReason?: string;
  readonly suggestedResponse?: Readonly<Record<string, Cell>>;
}

export interface StatusRow {
  readonly tenant: string;
  readonly stream: string;
  readonly listedThrough: string | null;
  readonly lagMs: number | null;
  readonly records: number;
  readonly skipped: number;
  readonly quarantined: number;
  readonly lastError: string | null;
  readonly lastErrorAt: string | null;
  readonly lastSuccessAt: string | null;
  readonly warning: string | null;
}

export interface Status {
  readonly location: string;
  readonly collecting: boolean;
  readonly streams: readonly StatusRow[];
  readonly skipped: ReadonlyArray<{
    tenant: string;
    stream: string;
    contentId: string;
    error: string | null;
  }>;
  readonly quarantined: ReadonlyArray<{ at: string; origin: string; reason: string }>;
  readonly warnings: readonly string[];
}

export interface Section {
  readonly id: string;
  readonly title: string;
  readonly query: string;
  readonly columns: readonly Column[];
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
}

export type Action = Readonly<Record<string, Cell>>;

export interface Account {
  readonly name: string;
  readonly role: Role;
  readonly disabled: boolean;
  readonly created: string;
}

export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly user: string;
  readonly role: Role;
  readonly created: string;
  readonly lastUsed: string | null;
  readonly token?: string;
}
