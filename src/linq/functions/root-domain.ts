// `rootdomain(name)`'s DuckDB function (functions/web.ts): the registrable domain of a host name or
// URL by the Public Suffix List's ICANN section, as tldts ships it (MIT), registered with LINQ's
// other engine functions (udf.ts). docs/linq.md, "URL and user-agent operations".
import type { DuckDBConnection } from '@duckdb/node-api';
import { getDomain } from 'tldts';
import { registerTextFunction } from './duck-text-function.js';
import { ROOT_DOMAIN_UDF } from './web.js';

/** The registrable domain (a.b.example.co.uk gives example.co.uk), lower case; null for addresses and public suffixes. */
export function rootDomain(text: string): string | null {
  const d = getDomain(text.trim());
  return d === null || d === '' ? null : d.toLowerCase();
}

/** Registers `m365hunt_rootdomain(s)` on a DuckDB connection. */
export function registerRootDomainFunction(connection: DuckDBConnection): void {
  registerTextFunction(connection, ROOT_DOMAIN_UDF, rootDomain);
}
