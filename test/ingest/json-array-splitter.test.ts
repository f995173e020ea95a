import { describe, expect, it } from 'vitest';
import { JsonSplitError, splitJsonArray } from '../../src/ingest/json-array-splitter.js';

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
