// The terminal formats of `query`: a table sized from every row it holds (not the first chunk),
// and the vertical format, chosen when a table would cut its columns far below their content.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeResult, type OutputFormat, type ResultSource } from '../../src/linq/format.js';
import type { SqlValue } from '../../src/store/store.js';

function source(
  columns: Array<{ name: string; type: string }>,
  chunks: SqlValue[][][],
): ResultSource {
  return {
    columns,
    async *chunks() {
      for (const c of chunks) yield c;
    },
  };
}

async function text(result: ResultSource, format: OutputFormat, width = 100): Promise<string> {
  let out = '';
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      out += chunk.toString();
      done();
    },
  });
  await writeResult(result, format, sink, { width });
  return out;
}

describe('query output for terminals', () => {
  it('sizes a column from every row, not from the first chunk', async () => {
    // The engine hands rows over in chunks; the first one here holds a single short count.
    const out = await text(
      source(
        [
          { name: 'Workload', type: 'str' },
          { name: 'n', type: 'int' },
        ],
        [[['Exchange', 9]], [['SharePoint', 18]], [['AzureActiveDirectory', 1234]]],
      ),
      'table',
    );
    const lines = out.trim().split('\n');
    expect(lines).toEqual([
      'Workload              n',
      '--------------------  ----',
      'Exchange              9',
      'SharePoint            18',
      'AzureActiveDirectory  1234',
      '(3 rows)',
    ]);
    expect(out).not.toContain('…');
  });

  it('shows a row per block when a table would cut every column short', async () => {
    const columns = Array.from({ length: 12 }, (_, i) => ({ name: `field${i}`, type: 'str' }));
    const row = columns.map((_, i) => `value number ${i} of a wide record`);
    const out = await text(source(columns, [[row, row]]), 'table', 80);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^-\[ row 1 \]-+$/);
    expect(lines[1]).toBe('field0  | value number 0 of a wide record');
    expect(lines).toContain('field11 | value number 11 of a wide record');
    expect(lines.filter((l) => l.startsWith('-[ row'))).toHaveLength(2);
    expect(lines.at(-1)).toBe('(2 rows)');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
  });

  it('wraps a long value under itself in the vertical format, never cuts it', async () => {
    const path = `https://contoso-my.sharepoint.com/personal/ana/Documents/${'Projects/'.repeat(12)}plan.docx`;
    const out = await text(
      source(
        [
          { name: 'ObjectId', type: 'str' },
          { name: 'n', type: 'int' },
        ],
        [[[path, 1]]],
      ),
      'vertical',
      60,
    );
    const lines = out.trim().split('\n');
    const joined = lines
      .filter((l) => / \| /.test(l) && !l.startsWith('n '))
      .map((l) => l.slice(l.indexOf('| ') + 2))
      .join('');
    expect(joined).toBe(path);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(60);
  });

  it('prints the header alone for an empty answer', async () => {
    const out = await text(source([{ name: 'UserId', type: 'str' }], []), 'table');
    expect(out).toBe('UserId\n------\n(0 rows)\n');
  });
});
