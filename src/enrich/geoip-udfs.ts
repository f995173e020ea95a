// The names of the GeoIP functions registered on DuckDB connections (geoip-duckdb.ts) that LINQ's
// GeoIP functions compile to (src/linq/functions/geoip.ts), apart so that compiling LINQ does not
// load DuckDB.
export const GEOIP_UDFS = {
  country: 'm365hunt_geo_country',
  asn: 'm365hunt_geo_asn',
  asorg: 'm365hunt_geo_asorg',
  city: 'm365hunt_geo_city',
  latitude: 'm365hunt_geo_latitude',
  longitude: 'm365hunt_geo_longitude',
} as const;
