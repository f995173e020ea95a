import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  JsonArrayStream,
  JsonSplitError,
  splitJsonArray,
  type StreamedElement,
} from '../../src/ingest/json-array-splitter.js';

/** Streams `text` through a JsonArrayStream cut into chunks of the given sizes (cycled). */
function streamed(text: string, sizes: readonly number[], maxChars?: number): StreamedElement[] {
  const stream = new JsonArrayStream({ maxChars, prefixChars: 8 });
  const out: StreamedElement[] = [];
  let at = 0;
  for (let k = 0; at < text.length; k++) {
    const size = sizes[k % sizes.length]!;
    out.push(...stream.push(text.slice(at, at + size)));
    at += size;
  }
  out.push(...stream.end());
  return out;
}

describe('splitJsonArray', () => {
  it('returns each element exactly as written', () => {
    const a = '{"a":"x\\"y","b":[1,{"c":"]}"}]}';
    const b = '{ "s" : "back\\\\slash\\\\" , "u":"\\u00e9\\/" }';
    const text = `[${a},\n  ${b} ,"str",12.50e1,true,null,[]]`;
    expect(splitJsonArray(text).elements).toEqual([a, b, '"str"', '12.50e1', 'true', 'null', '[]']);
  });

  it('agrees with JSON.parse on generated arrays', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const chars = ['a', '"', '\\', ']', '}', '{', '[', ',', 'é', '\n', ' '];
    const str = () =>
      Array.from(
        { length: Math.floor(rand() * 8) },
        () => chars[Math.floor(rand() * chars.length)],
      ).join('');
    for (let round = 0; round < 200; round++) {
      const values = Array.from({ length: Math.floor(rand() * 6) }, () => ({
        s: str(),
        n: rand(),
        nested: [{ k: str() }, [str()]],
      }));
      const text = JSON.stringify(values, null, round % 2 ? 2 : undefined);
      const parts = splitJsonArray(text).elements;
      expect(parts.map((p) => JSON.parse(p) as unknown)).toEqual(values);
    }
  });

  it('accepts an empty array and a byte-order mark', () => {
    expect(splitJsonArray(' [ ] ').elements).toEqual([]);
    expect(splitJsonArray('\ufeff[{"a":1}]').elements).toEqual(['{"a":1}']);
  });

  it.each([
    ['{"a":1}', 'expected ['],
    ['[{"a":1}', 'unterminated'],
    ['[{"a":"x}]', 'unterminated string'],
    ['[1,]', 'trailing comma'],
    ['[1 2]', 'expected , or ]'],
    ['[1] x', 'unexpected text'],
    ['', 'expected ['],
  ])('rejects %j with a positioned error', (text, message) => {
    let error: unknown;
    try {
      splitJsonArray(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JsonSplitError);
    expect((error as JsonSplitError).message).toContain(message);
    expect((error as JsonSplitError).offset).toBeGreaterThanOrEqual(0);
  });
});

describe('JsonArrayStream', () => {
  it('gives the elements splitJsonArray gives, however the text is cut into chunks', () => {
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const chars = ['a', '"', '\\', ']', '}', '{', '[', ',', 'é', ' '];
    const str = () =>
      Array.from({ length: Math.floor(rand() * 9) }, () => chars[Math.floor(rand() * 10)]).join('');
    for (let round = 0; round < 200; round++) {
      const values = Array.from({ length: Math.floor(rand() * 6) }, () => ({
        s: str(),
        n: rand(),
        nested: [{ k: str() }, [str()]],
      }));
      const text = `${JSON.stringify(values, null, round % 2 ? 2 : undefined)}\n`;
      const sizes = [1 + Math.floor(rand() * 7), 1 + Math.floor(rand() * 40)];
      const elements = streamed(text, sizes);
      expect(elements.map((e) => e.text)).toEqual(splitJsonArray(text).elements);
      expect(elements.every((e) => e.oversize === undefined)).toBe(true);
    }
    expect(streamed('[1, "a" ,true,null,[2]]', [1]).map((e) => e.text)).toEqual([
      '1',
      '"a"',
      'true',
      'null',
      '[2]',
    ]);
  });

  it('gives each element the line it starts on', () => {
    const text = '\ufeff[\n  {"a":1},\n  {"b":\n   2},\n\n  {"c":3}\n]';
    expect(streamed(text, [3]).map((e) => [e.text, e.line])).toEqual([
      ['{"a":1}', 2],
      ['{"b":\n   2}', 3],
      ['{"c":3}', 6],
    ]);
  });

  it('keeps the prefix and the hash of an element over the limit, and reads on', () => {
    const big = JSON.stringify({ Id: 'x', pad: 'y'.repeat(5000) });
    const text = `[{"Id":"a"},${big},{"Id":"b"}]`;
    const elements = streamed(text, [100, 7], 1000);
    expect(elements.map((e) => e.text)).toEqual(['{"Id":"a"}', big.slice(0, 8), '{"Id":"b"}']);
    expect(elements[1]!.oversize).toEqual({
      chars: big.length,
      sha256: createHash('sha256').update(big).digest('hex'),
    });
  });

  it.each([
    ['{"a":1}', 'expected ['],
    ['[{"a":1}', 'unterminated'],
    ['[{"a":"x}]', 'unterminated'],
    ['[1,]', 'trailing comma'],
    ['[1 2]', 'expected , or ]'],
    ['[1] x', 'unexpected text'],
    ['[,1]', 'expected a value'],
    ['', 'expected ['],
  ])('rejects %j with a positioned error', (text, message) => {
    expect(() => streamed(text, [2])).toThrow(JsonSplitError);
    expect(() => streamed(text, [2])).toThrow(message);
  });
});
