// Rules may use LINQ's GeoIP functions: the engine compiles them with the same function table as
// `m365hunt query` (DuckDB runs them as functions, ClickHouse through its GeoIP dictionaries).
import { describe, expect, it } from 'vitest';
import { checkRowQuery } from '../../src/alerts/engine/query.js';
import { createCatalog } from '../../src/store/schema.js';

describe('rules with GeoIP', () => {
  it('compile on DuckDB', () => {
    const compiled = checkRowQuery(
      createCatalog(),
      {
        text: 'from cloud.office365.management.azureactivedirectory where countrycode(srcIp) = "NG"',
        scope: { except: [] },
        keys: ['UserId'],
        entities: { user: 'UserId', ip: 'srcIp' },
      },
      'duckdb',
    );
    expect(compiled.sql).toMatch(/country/i);
  });
});
