// The GeoIP lookups as DuckDB scalar functions, registered on each connection that runs LINQ
// (`registerLinqFunctions`): LINQ's `countrycode`/`mmcountry`, `asn` and `asorg`/`isp`, and with
// the optional city database `mmcity`, `mmlatitude` and `mmlongitude`, compile to calls of these
// (see src/linq/functions/geoip.ts). Values repeat a lot within a chunk (the same few
// addresses), so each chunk looks every distinct address up once.
import {
  BIGINT,
  DOUBLE,
  DuckDBScalarFunction,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBType,
} from '@duckdb/node-api';
import { geoIpCity } from './geoip-city.js';
import { geoIp } from './geoip.js';
import { GEOIP_UDFS } from './geoip-udfs.js';

function register(
  connection: DuckDBConnection,
  name: string,
  returnType: DuckDBType,
  lookup: (ip: string) => string | bigint | number | null,
): void {
  connection.registerScalarFunction(
    DuckDBScalarFunction.create({
      name,
      returnType,
      parameterTypes: [VARCHAR],
      specialHandling: true,
      mainFunction: (info, input, output) => {
        try {
          const ips = input.getColumnVector(0);
          const seen = new Map<string, string | bigint | number | null>();
          for (let i = 0; i < input.rowCount; i++) {
            const ip = ips.getItem(i) as string | null;
            if (ip === null) {
              output.setItem(i, null);
              continue;
            }
            let v = seen.get(ip);
            if (v === undefined) seen.set(ip, (v = lookup(ip)));
            output.setItem(i, v);
          }
          output.flush();
        } catch (e) {
          info.setError(`${name}: ${e instanceof Error ? e.message : String(e)}`);
        }
      },
    }),
  );
}

/** Registers the GeoIP functions on a connection (the databases open on first use). */
export function registerGeoIpFunctions(connection: DuckDBConnection): void {
  register(connection, GEOIP_UDFS.country, VARCHAR, (ip) => geoIp().countryCode(ip));
  register(connection, GEOIP_UDFS.asn, BIGINT, (ip) => {
    const as = geoIp().as(ip);
    return as ? BigInt(as.asn) : null;
  });
  register(connection, GEOIP_UDFS.asorg, VARCHAR, (ip) => geoIp().as(ip)?.org ?? null);
  // City and coordinates only when the optional city database is installed (geoip-city.ts).
  const city = geoIpCity();
  if (!city) return;
  register(connection, GEOIP_UDFS.city, VARCHAR, (ip) => city.lookup(ip)?.city ?? null);
  register(connection, GEOIP_UDFS.latitude, DOUBLE, (ip) => city.lookup(ip)?.latitude ?? null);
  register(connection, GEOIP_UDFS.longitude, DOUBLE, (ip) => city.lookup(ip)?.longitude ?? null);
}
