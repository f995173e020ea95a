// Staging files for stores that read records from files themselves (`Store.ingestsFiles`): the
// import appends each batch's lines, as bytes, to one of two files (one being stored while the
// next is written) and hands the store the file instead of strings (docs/import.md, "How a file
// is stored"). The files live in a directory of their own under the system's temporary directory,
// removed when the import ends.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One batch's staging file while it is written. */
export interface StagedPart {
  readonly path: string;
  /** Bytes written. */
  bytes: number;
  /** Lines written (blank lines are not). */
  count: number;
  /** The first and last lines written (source line numbers). */
  first: number;
  last: number;
}

export class StagingFiles {
  private dir: string | undefined;
  private next = 0;
  private fd: number | undefined;
  private part: StagedPart | undefined;

  /** Appends a chunk's staged lines to the current batch's file (opened on first use). */
  append(bytes: Buffer, lines: readonly [number, number], count: number): void {
    if (!this.part) {
      this.dir ??= mkdtempSync(join(tmpdir(), 'm365hunt-import-'));
      const path = join(this.dir, `batch-${this.next}.tsv`);
      // Two files in turn: the one written two batches ago has been stored by now (runner.ts
      // keeps one batch in flight).
      this.next = (this.next + 1) % 2;
      this.fd = openSync(path, 'w');
      this.part = { path, bytes: 0, count: 0, first: lines[0], last: lines[1] };
    }
    for (let at = 0; at < bytes.length;) at += writeSync(this.fd!, bytes, at);
    this.part.bytes += bytes.length;
    this.part.count += count;
    this.part.last = lines[1];
  }

  /** The current batch's file so far (undefined when nothing was staged). */
  get current(): StagedPart | undefined {
    return this.part;
  }

  /** Closes the current batch's file and returns it; the next append starts another. */
  take(): StagedPart | undefined {
    const part = this.part;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.part = undefined;
    return part;
  }

  /** Removes the files. */
  dispose(): void {
    this.take();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
