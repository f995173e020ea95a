// A DuckDB scalar function of one text giving a text or null, written in JavaScript (LINQ's
// engine functions that neither engine has: ip6's canonical text, rootdomain; udf.ts registers
// them). A null in gives a null out; an exception is the query's error, named.
import { DuckDBScalarFunction, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';

export function registerTextFunction(
  connection: DuckDBConnection,
  name: string,
  fn: (text: string) => string | null,
): void {
  connection.registerScalarFunction(
    DuckDBScalarFunction.create({
      name,
      returnType: VARCHAR,
      parameterTypes: [VARCHAR],
      specialHandling: true,
      mainFunction: (info, input, output) => {
        try {
          const texts = input.getColumnVector(0);
          for (let i = 0; i < input.rowCount; i++) {
            const t = texts.getItem(i) as string | null;
            output.setItem(i, t === null ? null : fn(t));
          }
          output.flush();
        } catch (e) {
          info.setError(`${name}: ${e instanceof Error ? e.message : String(e)}`);
        }
      },
    }),
  );
}
