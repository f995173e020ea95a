// `rootdomain(name)`'s DuckDB function (functions/web.ts): the registrable domain of a host name or
// URL by the Public Suffix List's ICANN section, as tldts ships it (MIT), registered with LINQ's
// other engine functions (udf.ts). docs/linq.md, "URL and user-agent operations".
import { DuckDBScalarFunction, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { getDomain } from 'tldts';
import { ROOT_DOMAIN_UDF } from './web.js';

/** The registrable domain (a.b.example.co.uk gives example.co.uk), lower case; null for addresses and public suffixes. */
export function rootDomain(text: string): string | null {
  const d = getDomain(text.trim());
  return d === null || d === '' ? null : d.toLowerCase();
}

/** Registers `m365hunt_rootdomain(s)` on a DuckDB connection. */
export function registerRootDomainFunction(connection: DuckDBConnection): void {
  connection.registerScalarFunction(
    DuckDBScalarFunction.create({
      name: ROOT_DOMAIN_UDF,
      returnType: VARCHAR,
      parameterTypes: [VARCHAR],
      specialHandling: true,
      mainFunction: (info, input, output) => {
        try {
          const texts = input.getColumnVector(0);
          for (let i = 0; i < input.rowCount; i++) {
            const t = texts.getItem(i) as string | null;
            output.setItem(i, t === null ? null : rootDomain(t));
          }
          output.flush();
        } catch (e) {
          info.setError(`${ROOT_DOMAIN_UDF}: ${e instanceof Error ? e.message : String(e)}`);
        }
      },
    }),
  );
}
