// The shape of one Management Activity API audit record (common schema). Records are open
// objects: unknown fields, RecordTypes and Workloads must pass through untouched.

export interface AuditRecord {
  Id: string;
  RecordType: number;
  /** UTC, `YYYY-MM-DDTHH:MM:SS` without a zone, as Microsoft sends it. */
  CreationTime: string;
  Operation: string;
  OrganizationId: string;
  UserType: number;
  UserKey: string;
  Workload: string;
  UserId: string;
  ResultStatus?: string;
  ObjectId?: string;
  ClientIP?: string | null;
  Version?: number;
  [field: string]: unknown;
}

/** One line of the simulator's ground truth (`--truth FILE`, NDJSON). */
export interface TruthLine {
  Id: string;
  contentType: string;
  contentId: string;
  /** The attack scenario's name, or `benign`. */
  label: string;
}

/** Formats a Date as Microsoft's CreationTime: UTC, seconds precision, no zone designator. */
export function formatCreationTime(date: Date): string {
  return date.toISOString().slice(0, 19);
}
