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

/** Handles a run of complete lines that is valid UTF-8; returns the next line number. */
type RegionHandler = (region: Buffer, line: number, out: ReadRecord[]) => number;

/** The common case of `readRecordLines`: the whole run decodes at once, each line a string. */
function decodeRegion(limits: RecordLimits): RegionHandler {
  return (region, line, out) => {
    const text = region.toString('utf8');
    let from = 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      const stop = nl < 0 ? text.length : nl;
      const end = stop > from && text.charCodeAt(stop - 1) === CR ? stop - 1 : stop;
      pushLine(text.slice(from, end), line, out, limits);
      line++;
      if (nl < 0) return line;
      from = nl + 1;
    }
  };
}

/** A decoded line as a record: quarantined as its prefix and hash when over the limit. */
function pushLine(piece: string, line: number, out: ReadRecord[], limits: RecordLimits): void {
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
}

/**
 * One record per line, read as bytes: each line is checked as UTF-8 on its own, so a line with an
 * invalid byte goes to the quarantine (readers/oversized.ts) instead of refusing the file, and a
 * line longer than the record limit is never held whole (its prefix and hash are kept). Memory
 * holds one chunk and one line whatever the size of the file. UTF-8 files only (no BOM, or the
 * UTF-8 one); the caller reads UTF-16 files with `readLines`.
 */
export function readRecordLines(
  source: TextSource,
  limits: RecordLimits = DEFAULT_RECORD_LIMITS,
): AsyncGenerator<ReadRecord[], void, undefined> {
  return scanLines(source, limits, decodeRegion(limits));
}

/** Lines of a chunk staged as bytes for the store (`StagedRecordFile`'s format). */
export interface StagedChunk {
  /** Records that go as strings: lines that cannot be staged. */
  readonly records: ReadRecord[];
  /** `LINE \x01 TEXT \n` for each staged line, or undefined when none. */
  readonly bytes?: Buffer;
  /** The first and last staged lines. */
  readonly lines?: readonly [number, number];
  /** Staged lines (not counting blank ones). */
  readonly count: number;
}

/**
 * As `readRecordLines`, but the lines of each chunk that the store can read from a file are not
 * decoded into strings: they come back as bytes in `StagedRecordFile`'s format, numbered, for the
 * importer to append to a staging file. A line stays a string record when it holds a carriage
 * return, a NUL or \x01 (not JSON anyway; the file format cannot carry them) or is longer than
 * `maxStaged` bytes.
 */
export async function* readStagedLines(
  source: TextSource,
  limits: RecordLimits = DEFAULT_RECORD_LIMITS,
  maxStaged: number,
): AsyncGenerator<StagedChunk, void, undefined> {
  let staged: Buffer[] = [];
  let first = 0;
  let last = 0;
  let count = 0;
  const stage: RegionHandler = (region, line, out) => {
    // Line ends first (native scans), then one buffer with every staged line and its number.
    const ends: number[] = [];
    for (let nl = region.indexOf(LF); nl >= 0; nl = region.indexOf(LF, nl + 1)) ends.push(nl);
    ends.push(region.length);
    const buffer = Buffer.allocUnsafe(region.length + ends.length * 22);
    let at = 0;
    let from = 0;
    let nextCr = region.indexOf(CR);
    let nextNul = region.indexOf(0);
    let nextSoh = region.indexOf(1);
    const limit = Math.min(maxStaged, limits.maxRecordChars);
    for (const stop of ends) {
      const end = stop > from && region[stop - 1] === CR ? stop - 1 : stop;
      if (nextCr >= 0 && nextCr < from) nextCr = region.indexOf(CR, from);
      if (nextNul >= 0 && nextNul < from) nextNul = region.indexOf(0, from);
      if (nextSoh >= 0 && nextSoh < from) nextSoh = region.indexOf(1, from);
      const inside = (next: number): boolean => next >= 0 && next < end;
      if (inside(nextCr) || inside(nextNul) || inside(nextSoh) || end - from > limit) {
        pushLine(region.toString('utf8', from, end), line, out, limits);
      } else if (!isBlankBytes(region, from, end)) {
        at += buffer.write(String(line), at, 'latin1');
        buffer[at++] = 1;
        at += region.copy(buffer, at, from, end);
        buffer[at++] = LF;
        if (count === 0) first = line;
        last = line;
        count++;
      }
      line++;
      from = stop + 1;
    }
    if (at > 0) staged.push(buffer.subarray(0, at));
    return line;
  };
  for await (const records of scanLines(source, limits, stage, true)) {
    const chunk: StagedChunk =
      count > 0
        ? {
            records,
            bytes: staged.length === 1 ? staged[0] : Buffer.concat(staged),
            lines: [first, last],
            count,
          }
        : { records, count };
    staged = [];
    count = 0;
    yield chunk;
  }
}

function isBlankBytes(bytes: Buffer, from: number, end: number): boolean {
  for (let i = from; i < end; i++) {
    const c = bytes[i];
    if (c !== 0x20 && c !== 0x09 && c !== CR) return false;
  }
  return true;
}

/**
 * The byte loop of `readRecordLines` and `readStagedLines`: lines cut at their newline byte,
 * lines spanning chunks carried (their prefix and hash only, past the limit), runs of complete
 * lines that are valid UTF-8 handed to `onRegion`, other lines checked one by one. Yields each
 * chunk's records (with `everyChunk`, even when there are none).
 */
async function* scanLines(
  source: TextSource,
  limits: RecordLimits,
  onRegion: RegionHandler,
  everyChunk = false,
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
      const whole = carry.length === 0 ? tail : Buffer.concat([...carry, tail]);
      // A line that spanned two chunks is handled as any other (staged, when it can be).
      if (isUtf8(whole)) onRegion(whole, line, out);
      else fromBytes(whole, line, out);
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
      if (everyChunk) yield out;
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
        line = onRegion(region, line, out);
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
    if (out.length > 0 || everyChunk) yield out;
  }
  if (carryBytes > 0 || hash) {
    const out: ReadRecord[] = [];
    endCarried(Buffer.alloc(0), out);
    if (out.length > 0 || everyChunk) yield out;
  }
}
