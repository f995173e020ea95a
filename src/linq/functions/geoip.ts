// LINQ's GeoIP functions backed by the shipped databases, part of the default function table
// (index.ts): `countrycode(ip)` and `mmcountry(ip)` (two-letter code),
// `asn(ip)` (number), `asorg(ip)` and `isp(ip)` (the AS organisation). Each gives null when the
// database knows nothing of the address (Devo fails a query on null input to asn/asorg: here
// null is simply null). They compile to the DuckDB functions of geoip-duckdb.ts; on ClickHouse
// they are refused at compile time with the reason (there is no JavaScript in ClickHouse): use
// the sign-in table's `countryOrRegion` (Microsoft's own geolocation) there.
import { GEOIP_UDFS } from '../../enrich/geoip-udfs.js';
import { op } from '../build.js';
import { scalar, type FunctionDef, type ScalarFunction } from './types.js';

function geo(name: string, udf: string, type: 'str' | 'int', doc: string): ScalarFunction {
  return scalar({
    name,
    signature: `${name}(ip)`,
    doc,
    min: 1,
    max: 1,
    check: ([a], ctx) => {
      if (ctx.dialect !== 'duckdb') {
        ctx.error(
          `\`${name}\` runs on the DuckDB store only`,
          ctx.call.nameSpan,
          "GeoIP lookups are functions registered on DuckDB connections; on ClickHouse, sign-ins carry Microsoft's own country in countryOrRegion",
        );
      }
      return op('udf', [ctx.str(a!, 'An IP address')], type, { udf });
    },
  });
}

export const GEOIP_LINQ_FUNCTIONS: readonly FunctionDef[] = [
  geo(
    'countrycode',
    GEOIP_UDFS.country,
    'str',
    'Two-letter country code of an IP address (null when unknown).',
  ),
  geo(
    'mmcountry',
    GEOIP_UDFS.country,
    'str',
    'Two-letter country code of an IP address (null when unknown).',
  ),
  geo('asn', GEOIP_UDFS.asn, 'int', 'Number of the autonomous system announcing an IP address.'),
  geo('asorg', GEOIP_UDFS.asorg, 'str', 'Organisation of the autonomous system of an IP address.'),
  geo(
    'isp',
    GEOIP_UDFS.asorg,
    'str',
    'The AS organisation of an IP address (the shipped data has no ISP names).',
  ),
];
