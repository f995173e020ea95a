// A file to import, read as text in chunks: gzip is undone on the fly, the encoding comes from the
// byte-order mark (UTF-8 without one), and bytes that are not valid in that encoding stop the
// read with the line they are on, rather than being replaced silently: the stored message must be
// the record as written.
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { createGunzip } from 'node:zlib';
import { importError } from './errors.js';

/** Bytes read per chunk: large enough to amortise the per-chunk work, small enough to bound memory. */
const CHUNK_BYTES = 1 << 20;

export interface TextSource {
  /** The file as the user named it (used in every message and record origin). */
  readonly file: string;
  /** Size on disk, in bytes. */
  readonly size: number;
  readonly gzip: boolean;
  /** Bytes of the file read so far (compressed bytes for gzip), for progress. */
  bytesRead(): number;
  /** The text, chunk by chunk, without the byte-order mark. A fresh read each call. */
  chunks(): AsyncGenerator<string, void, undefined>;
  /** The encoding the byte-order mark names (UTF-8 without one). */
  encoding(): Promise<'utf-8' | 'utf-16le' | 'utf-16be'>;
  /** The bytes (gzip undone), chunk by chunk, byte-order mark included. A fresh read each call. */
  byteChunks(): AsyncGenerator<Buffer, void, undefined>;
}

function magic(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const n = readSync(fd, head, 0, 4, 0);
    return head.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function encodingOf(head: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return 'utf-8';
}

function countNewlineBytes(bytes: Buffer): number {
  let count = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) count++;
  return count;
}

function countNewlines(text: string, end = text.length): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

export function openTextSource(file: string): TextSource {
  let size: number;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw importError(file, undefined, 'This is a folder, not a file.');
    size = stat.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw importError(file, undefined, 'The file does not exist.');
    }
    if ((error as NodeJS.ErrnoException).code === 'EACCES') {
      throw importError(file, undefined, 'The file cannot be read (permission denied).');
    }
    throw error;
  }
  const head = magic(file);
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    throw importError(file, undefined, 'This is a ZIP archive.', {
      hint: 'Unzip it and import the files inside (gzip files are read directly).',
    });
  }
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  let raw: Readable | undefined;

  async function* byteChunks(): AsyncGenerator<Buffer, void, undefined> {
    const disk = createReadStream(file, { highWaterMark: CHUNK_BYTES });
    raw = disk;
    const bytes: Readable = gzip ? disk.pipe(createGunzip({ chunkSize: CHUNK_BYTES })) : disk;
    let lines = 0;
    try {
      for await (const chunk of bytes as AsyncIterable<Buffer>) {
        lines += countNewlineBytes(chunk);
        yield chunk;
      }
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') {
        throw importError(
          file,
          lines + 1,
          `The gzip data is damaged: ${(error as Error).message}.`,
        );
      }
      throw error;
    } finally {
      disk.destroy();
      if (bytes !== disk) bytes.destroy();
    }
  }

  return {
    file,
    size,
    gzip,
    bytesRead: () => (raw as { bytesRead?: number } | undefined)?.bytesRead ?? 0,
    byteChunks,
    async encoding() {
      for await (const chunk of byteChunks()) return encodingOf(chunk);
      return 'utf-8';
    },
    async *chunks() {
      let decoder: TextDecoder | undefined;
      let lines = 0;
      {
        for await (const chunk of byteChunks()) {
          decoder ??= new TextDecoder(encodingOf(chunk), { fatal: true });
          let text: string;
          try {
            text = decoder.decode(chunk, { stream: true });
          } catch {
            // Find the line of the first undecodable byte from a lenient decode of the same chunk.
            const lenient = new TextDecoder(decoder.encoding).decode(chunk);
            const bad = lenient.indexOf('\uFFFD');
            throw importError(
              file,
              lines + 1 + countNewlines(lenient, bad < 0 ? lenient.length : bad),
              `The text is not valid ${decoder.encoding.toUpperCase()}.`,
              { hint: 'Save the file as UTF-8 (exports from Purview and Sentinel are UTF-8).' },
            );
          }
          if (text.length === 0) continue;
          lines += countNewlines(text);
          yield text;
        }
        const rest = decoder?.decode() ?? '';
        if (rest.length > 0) yield rest;
      }
    },
  };
}

/**
 * The first `max` characters of a source (or all of it when shorter), for format detection:
 * decoded leniently, so that an invalid byte in the head is the problem of its line only.
 */
export async function readHead(source: TextSource, max = 1 << 20): Promise<string> {
  const parts: string[] = [];
  let length = 0;
  let decoder: TextDecoder | undefined;
  for await (const chunk of source.byteChunks()) {
    decoder ??= new TextDecoder(encodingOf(chunk));
    const text = decoder.decode(chunk, { stream: true });
    parts.push(text);
    length += text.length;
    if (length >= max) break;
  }
  if (length < max) parts.push(decoder?.decode() ?? '');
  return parts.join('');
}
