import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ALLOCATOR_ENV,
  BOUNDED_ALLOCATOR_CONF,
  configArgument,
  prepareAllocator,
} from '../../src/store/duckdb/allocator.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();

function config(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe("DuckDB's allocator options for a bounded store", () => {
  const bounded = config(
    'bounded.jsonc',
    `// small machine\n{ "store": { "db": "x.duckdb", "memory_limit": "128MB", }, /* trailing */ }`,
  );
  const unbounded = config('unbounded.json', `{ "store": { "db": "x.duckdb" } }`);

  it('finds --config in both spellings, and not after --', () => {
    expect(configArgument(['collect', '--config', 'a.json', '--once'])).toBe('a.json');
    expect(configArgument(['serve', '--config=b.json'])).toBe('b.json');
    expect(configArgument(['query', '--', '--config', 'c.json'])).toBeUndefined();
    expect(configArgument(['demo'])).toBeUndefined();
  });

  it('sets the options when the configuration sets store.memory_limit', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(prepareAllocator(['collect', '--config', bounded], env)).toBe(true);
    expect(env[ALLOCATOR_ENV]).toBe(BOUNDED_ALLOCATOR_CONF);
  });

  it('leaves them alone without a memory limit, without a config, or with a broken one', () => {
    const broken = config('broken.json', `{ "store": { "memory_limit": "128MB" `);
    for (const argv of [
      ['serve', '--config', unbounded],
      ['demo'],
      ['serve', '--config', broken],
      ['query', '--config', join(dir, 'missing.json')],
      ['query', 'from cloud.office365.management import'],
    ]) {
      const env: NodeJS.ProcessEnv = {};
      expect(prepareAllocator(argv, env)).toBe(false);
      expect(env[ALLOCATOR_ENV]).toBeUndefined();
    }
  });

  it('sets them for the commands that ingest, which bound their store by default', () => {
    for (const argv of [
      ['import', 'a.ndjson', '--collector-id', '10001'],
      ['collect', '--config', unbounded, '--once'],
    ]) {
      const env: NodeJS.ProcessEnv = {};
      expect(prepareAllocator(argv, env)).toBe(true);
      expect(env[ALLOCATOR_ENV]).toBe(BOUNDED_ALLOCATOR_CONF);
    }
  });

  it('lets the environment decide when it already names options', () => {
    const env: NodeJS.ProcessEnv = { [ALLOCATOR_ENV]: '' };
    expect(prepareAllocator(['collect', '--config', bounded], env)).toBe(false);
    expect(env[ALLOCATOR_ENV]).toBe('');
  });
});
