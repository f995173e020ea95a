// Records too large to keep whole, and lines that are not valid UTF-8: the importer does not refuse
// the file for them, and does not hold them in memory. Each goes to the store's quarantine with
// why, its first characters and the SHA-256 of the whole (enough to find it again in the file),
// and the rest of the file is imported (docs/import.md, "Limits").
import type { ReadRecord } from './types.js';

export interface RecordLimits {
  /** Records longer than this (characters of text) are quarantined, not stored. */
  readonly maxRecordChars: number;
  /** Characters of a quarantined record kept in the quarantine. */
  readonly keptChars: number;
}

/** 16 MiB: Management API records are a few KiB; the largest real ones (DLP) under 1 MiB. */
export const DEFAULT_MAX_RECORD_CHARS = 16 * 1024 * 1024;
export const DEFAULT_KEPT_CHARS = 64 * 1024;

export const DEFAULT_RECORD_LIMITS: RecordLimits = {
  maxRecordChars: DEFAULT_MAX_RECORD_CHARS,
  keptChars: DEFAULT_KEPT_CHARS,
};

const mib = (chars: number): string => `${(chars / 1024 / 1024).toFixed(1)} MiB`;

/** A record over the size limit, as it goes to the quarantine. */
export function oversizedRecord(
  prefix: string,
  line: number,
  whole: { readonly chars: number; readonly sha256: string },
  limits: RecordLimits,
): ReadRecord {
  return {
    text: prefix,
    line,
    rejection: `record of ${mib(whole.chars)} is larger than the limit of ${mib(limits.maxRecordChars)} (--max-record-size); kept: its first ${prefix.length} characters; sha256 of the whole: ${whole.sha256}`,
  };
}

/** A line that is not valid UTF-8, as it goes to the quarantine (decoded leniently). */
export function undecodableRecord(
  lenient: string,
  line: number,
  sha256: string,
  bytes: number,
  limits: RecordLimits,
): ReadRecord {
  const kept = lenient.slice(0, limits.keptChars);
  return {
    text: kept,
    line,
    rejection: `not valid UTF-8 (${bytes} bytes; invalid bytes shown as U+FFFD${kept.length < lenient.length ? `, first ${kept.length} characters kept` : ''}); sha256 of the bytes: ${sha256}`,
  };
}
