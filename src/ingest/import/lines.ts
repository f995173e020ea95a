// Line by line over a text source, in batches (one per chunk read), so memory holds one chunk and
// its lines whatever the size of the file. Blank lines are skipped but counted, so that every
// line keeps the number an editor shows for it.
import { isUtf8 } from 'node:buffer';
import { createHash, type Hash } from 'node:crypto';
import {
  DEFAULT_RECORD_LIMITS,
  oversizedRecord,
  undecodableRecord,
  type RecordLimits,
} from './readers/oversized.js';
import type { ReadRecord } from './readers/types.js';
import type { TextSource } from './text-source.js';

export interface LineBatch {
  /** Each non-blank line without its line ending (LF or CRLF). */
  readonly texts: string[];
  /** The 1-based line number of each, parallel to `texts`. */
  readonly numbers: number[];
}

function isBlank(line: string): boolean {
  if (line.length === 0) return true;
  const c = line.charCodeAt(0);
  // Records start with a non-space character: only then is the trim worth doing.
  return (c === 0x20 || c === 0x09 || c === 0x0d) && line.trim().length === 0;
}

export async function* readLines(source: TextSource): AsyncGenerator<LineBatch, void, undefined> {
  let carry = '';
  let next = 1;
  for await (const chunk of source.chunks()) {
    const text = carry.length > 0 ? carry + chunk : chunk;
    const texts: string[] = [];
    const numbers: number[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl;
      const line = text.slice(start, end);
      if (!isBlank(line)) {
        texts.push(line);
        numbers.push(next);
      }
      next++;
      start = nl + 1;
    }
    carry = text.slice(start);
    if (texts.length > 0) yield { texts, numbers };
  }
  if (carry.endsWith('\r')) carry = carry.slice(0, -1);
  if (!isBlank(carry)) yield { texts: [carry], numbers: [next] };
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * One record per line, read as bytes: each line is checked as UTF-8 on its own, so a line with an
 * invalid byte goes to the quarantine (readers/oversized.ts) instead of refusing the file, and a
 * line longer than the record limit is never held whole (its prefix and hash are kept). Memory
 * holds one chunk and one line whatever the size of the file. UTF-8 files only (no BOM, or the
 * UTF-8 one); the caller reads UTF-16 files with `readLines`.
 */
export async function* readRecordLines(
  source: TextSource,
  limits: RecordLimits = DEFAULT_RECORD_LIMITS,
): AsyncGenerator<ReadRecord[], void, undefined> {
  let line = 1;
  /** The line under way, when it started in an earlier chunk. */
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let hash: Hash | undefined;
  let first = true;

  const fromBytes = (bytes: Buffer, at: number, out: ReadRecord[]): void => {
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === CR) end--;
    const body = end === bytes.length ? bytes : bytes.subarray(0, end);
    if (!isUtf8(body)) {
      const sha = createHash('sha256').update(body).digest('hex');
      out.push(undecodableRecord(body.toString('utf8'), at, sha, body.length, limits));
      return;
    }
    const text = body.toString('utf8');
    if (!isBlank(text)) out.push({ text, line: at });
  };

  /** Ends the carried line with `tail` (bytes up to, not including, its newline). */
  const endCarried = (tail: Buffer, out: ReadRecord[]): void => {
    if (hash) {
      let end = tail.length;
      if (end > 0 && tail[end - 1] === CR) end--;
      hash.update(tail.subarray(0, end));
      const prefix = Buffer.concat(carry).toString('utf8');
      out.push(
        oversizedRecord(
          prefix,
          line,
          { chars: carryBytes + end, sha256: hash.digest('hex') },
          limits,
        ),
      );
    } else {
      fromBytes(carry.length === 0 ? tail : Buffer.concat([...carry, tail]), line, out);
    }
    carry = [];
    carryBytes = 0;
    hash = undefined;
    line++;
  };

  /** Adds bytes of a line that goes on in the next chunk. */
  const extend = (piece: Buffer): void => {
    if (!hash && carryBytes + piece.length <= limits.maxRecordChars) {
      carry.push(Buffer.from(piece)); // a copy: the chunk's memory is not kept alive
      carryBytes += piece.length;
      return;
    }
    if (!hash) {
      hash = createHash('sha256');
      const kept = Buffer.concat(carry);
      hash.update(kept);
      carry = [Buffer.from(kept.subarray(0, limits.keptChars))];
    }
    hash.update(piece);
    const room = limits.keptChars - carry[0]!.length;
    if (room > 0) carry[0] = Buffer.concat([carry[0]!, piece.subarray(0, room)]);
    carryBytes += piece.length;
  };

  for await (let chunk of source.byteChunks()) {
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    const out: ReadRecord[] = [];
    let start = 0;
    const firstNl = chunk.indexOf(LF);
    if (firstNl < 0) {
      extend(chunk);
      continue;
    }
    if (carryBytes > 0 || hash) {
      endCarried(chunk.subarray(0, firstNl), out);
      start = firstNl + 1;
    }
    const lastNl = chunk.lastIndexOf(LF);
    if (lastNl >= start) {
      const region = chunk.subarray(start, lastNl);
      if (isUtf8(region)) {
        // The common case: the whole run of complete lines decodes at once.
        const text = region.toString('utf8');
        let from = 0;
        for (;;) {
          const nl = text.indexOf('\n', from);
          const stop = nl < 0 ? text.length : nl;
          const end = stop > from && text.charCodeAt(stop - 1) === CR ? stop - 1 : stop;
          const piece = text.slice(from, end);
          if (piece.length > limits.maxRecordChars) {
            const sha = createHash('sha256').update(piece).digest('hex');
            out.push(
              oversizedRecord(
                piece.slice(0, limits.keptChars),
                line,
                { chars: Buffer.byteLength(piece), sha256: sha },
                limits,
              ),
            );
          } else if (!isBlank(piece)) out.push({ text: piece, line });
          line++;
          if (nl < 0) break;
          from = nl + 1;
        }
      } else {
        for (let from = start; from <= lastNl;) {
          const nl = chunk.indexOf(LF, from);
          fromBytes(chunk.subarray(from, nl), line, out);
          line++;
          from = nl + 1;
        }
      }
      start = lastNl + 1;
    }
    if (start < chunk.length) extend(chunk.subarray(start));
    if (out.length > 0) yield out;
  }
  if (carryBytes > 0 || hash) {
    const out: ReadRecord[] = [];
    endCarried(Buffer.alloc(0), out);
    if (out.length > 0) yield out;
  }
}
