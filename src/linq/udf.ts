// Engine functions the DuckDB SQL of LINQ relies on, registered on each connection by the store:
// `linq_jq(program, json)` runs jq programs that are not simple paths (see jq-engine.ts), and the
// GeoIP lookups (`m365hunt_geo_*`, see src/enrich/geoip-duckdb.ts).
import { DuckDBScalarFunction, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { registerGeoIpFunctions } from '../enrich/geoip-duckdb.js';
import { connectionDeadlines } from '../store/duckdb/duckdb-store.js';
import { registerIp6Function } from './functions/ip6-text.js';
import { registerRootDomainFunction } from './functions/root-domain.js';
import { jqEvalBatch, jqTimeout } from './jq-engine.js';

/** Registers the functions LINQ's DuckDB SQL may call. Call once per connection. */
export function registerLinqFunctions(connection: DuckDBConnection): void {
  // countrycode, asn, asorg (the GeoIP functions of the default table, functions/geoip.ts).
  registerGeoIpFunctions(connection);
  registerIp6Function(connection);
  registerRootDomainFunction(connection);
  connection.registerScalarFunction(
    DuckDBScalarFunction.create({
      name: 'linq_jq',
      returnType: VARCHAR,
      parameterTypes: [VARCHAR, VARCHAR],
      specialHandling: true,
      mainFunction: (info, input, output) => {
        try {
          const programs = input.getColumnVector(0);
          const values = input.getColumnVector(1);
          const n = input.rowCount;
          const byProgram = new Map<string, number[]>();
          for (let i = 0; i < n; i++) {
            const p = programs.getItem(i) as string | null;
            if (p === null) {
              output.setItem(i, null);
              continue;
            }
            let rows = byProgram.get(p);
            if (!rows) byProgram.set(p, (rows = []));
            rows.push(i);
          }
          for (const [program, rows] of byProgram) {
            // jq waits no longer than the query may still run (its store then says the query
            // ran out of time), nor than the jq time limit.
            const deadline = connectionDeadlines.get(connection);
            const left = deadline === undefined ? Infinity : deadline - performance.now();
            const results = jqEvalBatch(
              program,
              rows.map((i) => values.getItem(i) as string | null),
              Math.max(1, Math.min(jqTimeout(), left)),
            );
            rows.forEach((row, k) => output.setItem(row, results[k] ?? null));
          }
          output.flush();
        } catch (e) {
          info.setError(`linq_jq: ${e instanceof Error ? e.message : String(e)}`);
        }
      },
    }),
  );
}
