import type { Notice } from '../sentinel/convert.js';

// What a reader hands the import runner: records to store, each with the line it starts on, and
// the problems of records it could not read (which are reported, never stored).

export interface ReadRecord {
  /** The record's JSON text: as in the file for raw formats, converted for Sentinel rows. */
  readonly text: string;
  /** 1-based line of the file the record starts on. */
  readonly line: number;
  /** The record's OrganizationId when the reader parsed the record anyway. */
  readonly tenant?: string;
  /**
   * Why the record goes to the quarantine without reaching the engine (too large, not valid
   * UTF-8); `text` is then the part of it that is kept (readers/oversized.ts).
   */
  readonly rejection?: string;
}

export interface ReadProblem {
  readonly line: number;
  readonly message: string;
}

export interface ReadBatch {
  readonly records: ReadRecord[];
  readonly problems: ReadProblem[];
  /** Values kept unconverted (Sentinel), counted by text in the summary. */
  readonly notices: Notice[];
  /** Lines staged as bytes for the store (NDJSON read with `stageMax`): lines/readStagedLines. */
  readonly staged?: {
    readonly bytes: Buffer;
    readonly lines: readonly [number, number];
    readonly count: number;
  };
}

export type RecordReader = AsyncGenerator<ReadBatch, void, undefined>;
