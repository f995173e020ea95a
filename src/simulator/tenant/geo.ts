// Where the simulated tenant's addresses are. Sign-ins need real public addresses with a known
// country for GeoIP (and Microsoft's own `location` in Graph sign-ins) to mean anything: the
// offices and homes are in German ISPs' networks, attackers sign in from abroad. Each network is
// one that a GeoIP database places in the stated country (test/simulator/geo.test.ts checks it
// against the database m365hunt ships). Addresses are a pure function of seed and user.
// The simulator never sends anything to these addresses: they are data in records.
import { Rng } from '../util/prng.js';

export interface Place {
  readonly city: string;
  readonly state: string;
  /** Two-letter country code, as Graph's `location.countryOrRegion`. */
  readonly countryOrRegion: string;
  readonly latitude: number;
  readonly longitude: number;
}

interface Network {
  /** IPv4 prefix of a /16 (`84.150`), or an IPv6 /32 (`2003:e2`). */
  readonly prefix: string;
  readonly place: Place;
}

const BERLIN: Place = {
  city: 'Berlin',
  state: 'Berlin',
  countryOrRegion: 'DE',
  latitude: 52.52,
  longitude: 13.405,
};
const MUNICH: Place = {
  city: 'Munich',
  state: 'Bayern',
  countryOrRegion: 'DE',
  latitude: 48.137,
  longitude: 11.575,
};
const HAMBURG: Place = {
  city: 'Hamburg',
  state: 'Hamburg',
  countryOrRegion: 'DE',
  latitude: 53.551,
  longitude: 9.994,
};

/** Places of attacker infrastructure (and of travel): far from Germany on purpose. */
export const FOREIGN_PLACES = {
  lagos: {
    city: 'Lagos',
    state: 'Lagos',
    countryOrRegion: 'NG',
    latitude: 6.455,
    longitude: 3.394,
  },
  saoPaulo: {
    city: 'São Paulo',
    state: 'São Paulo',
    countryOrRegion: 'BR',
    latitude: -23.55,
    longitude: -46.633,
  },
  singapore: {
    city: 'Singapore',
    state: 'Singapore',
    countryOrRegion: 'SG',
    latitude: 1.352,
    longitude: 103.82,
  },
} as const satisfies Record<string, Place>;

/** Office egress: a business line of each office (the tenant's own, fixed addresses). */
const OFFICE_NETWORKS: Readonly<Record<string, Network>> = {
  'Berlin HQ': { prefix: '193.158', place: BERLIN },
  Munich: { prefix: '217.110', place: MUNICH },
};

/** Consumer broadband, where people work from home (Deutsche Telekom, Vodafone). */
const HOME_NETWORKS: readonly Network[] = [
  { prefix: '84.150', place: BERLIN },
  { prefix: '91.12', place: BERLIN },
  { prefix: '79.200', place: HAMBURG },
  { prefix: '88.70', place: MUNICH },
];

const IPV6_NETWORK: Network = { prefix: '2003:e2', place: BERLIN };

/** Attacker and travel addresses, with the place they sign in from. */
export const FOREIGN_IPS = {
  /** An account takeover from Nigeria (mobile broadband). */
  takeover: '105.112.40.9',
  /** A second foreign address (Brazil), used minutes after a sign-in from Germany. */
  travel: '189.40.12.3',
  /** A hosting network abroad (Singapore). */
  hosting: '203.116.20.5',
} as const;

const FOREIGN: ReadonlyArray<readonly [string, Place]> = [
  ['105.112', FOREIGN_PLACES.lagos],
  ['189.40', FOREIGN_PLACES.saoPaulo],
  ['203.116', FOREIGN_PLACES.singapore],
];

export interface UserAddresses {
  officeIp: string;
  homeIp: string;
  ipv6: string;
}

/** A user's office, home and IPv6 addresses: stable for (seed, user). */
export function userAddresses(seed: number, index: number, officeLocation: string): UserAddresses {
  const rng = new Rng(seed, 'addresses', index);
  // "Remote" staff reach the office network through the Berlin VPN.
  const office = OFFICE_NETWORKS[officeLocation] ?? OFFICE_NETWORKS['Berlin HQ']!;
  const sameCity = HOME_NETWORKS.filter((n) => n.place.city === office.place.city);
  const home =
    rng.chance(0.8) && sameCity.length > 0 ? rng.pick(sameCity) : rng.pick(HOME_NETWORKS);
  return {
    officeIp: `${office.prefix}.20.${10 + (index % 4)}`,
    homeIp: `${home.prefix}.${rng.between(1, 250)}.${rng.between(2, 254)}`,
    ipv6: `${IPV6_NETWORK.prefix}:${(0x1000 + index).toString(16)}:${rng.hex(4)}::${(index % 250) + 2}`,
  };
}

/**
 * Where an address is, as Microsoft's sign-in logs would say; null for addresses of no known
 * place (the documentation ranges some scenarios still use).
 */
export function placeOf(ip: string): Place | null {
  if (ip.startsWith(`${IPV6_NETWORK.prefix}:`)) return IPV6_NETWORK.place;
  const prefix = ip.split('.').slice(0, 2).join('.');
  for (const n of Object.values(OFFICE_NETWORKS)) if (n.prefix === prefix) return n.place;
  for (const n of HOME_NETWORKS) if (n.prefix === prefix) return n.place;
  for (const [p, place] of FOREIGN) if (p === prefix) return place;
  return null;
}

/** Addresses the simulator uses, with their country (test/simulator/geo.test.ts checks them). */
export function knownAddresses(): Array<{ ip: string; countryOrRegion: string }> {
  const out: Array<{ ip: string; countryOrRegion: string }> = [];
  for (const n of Object.values(OFFICE_NETWORKS))
    for (let k = 0; k < 4; k++)
      out.push({ ip: `${n.prefix}.20.${10 + k}`, countryOrRegion: n.place.countryOrRegion });
  for (const n of HOME_NETWORKS)
    for (const [a, b] of [
      [1, 2],
      [77, 128],
      [250, 254],
    ])
      out.push({ ip: `${n.prefix}.${a}.${b}`, countryOrRegion: n.place.countryOrRegion });
  for (const ip of Object.values(FOREIGN_IPS))
    out.push({ ip, countryOrRegion: placeOf(ip)!.countryOrRegion });
  out.push({ ip: `${IPV6_NETWORK.prefix}:1234:abcd::2`, countryOrRegion: 'DE' });
  return out;
}
