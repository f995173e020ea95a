// Collection health (`GET /api/status`): one row per tenant and stream, what was skipped and
// quarantined, and warnings.

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
