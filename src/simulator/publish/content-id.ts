// Content ids, shaped like the second form Microsoft shows (docs/microsoft-apis.md, "Listing
// content"):
// `<17-digit timestamp><6 digits>$<same>$audit_exchange$Audit_Exchange$emea0026`.
// Clients must treat them as opaque; the simulator can read its own timestamp back to answer
// AF20051 for content that has expired and been forgotten.
import type { ContentType } from '../../records/content-types.js';
import { hash32 } from '../util/prng.js';
import { compactMillis, parseCompactMillis } from '../util/time.js';

const CODES: Record<ContentType, readonly [string, string]> = {
  'Audit.AzureActiveDirectory': ['audit_azureactivedirectory', 'Audit_AzureActiveDirectory'],
  'Audit.Exchange': ['audit_exchange', 'Audit_Exchange'],
  'Audit.SharePoint': ['audit_sharepoint', 'Audit_SharePoint'],
  'Audit.General': ['audit_general', 'Audit_General'],
  'DLP.All': ['dlp_all', 'DLP_All'],
};

export const DUP_PART = 999;

export function makeContentId(
  seed: number,
  contentType: ContentType,
  created: number,
  slice: number,
  part: number,
): string {
  const head = `${compactMillis(created)}${String((slice % 1000) * 1000 + part).padStart(6, '0')}`;
  const [lower, upper] = CODES[contentType];
  const region = String(hash32(seed, 'region', contentType) % 100).padStart(2, '0');
  return `${head}$${head}$${lower}$${upper}$emea00${region}`;
}

const PATTERN = /^(\d{23})\$(\d{23})\$([a-z_]+)\$([A-Za-z_]+)\$([a-z]{4}\d{4})$/;

/** The creation time inside a well-formed content id, or null when the id is malformed. */
export function parseContentId(contentId: string): { created: number } | null {
  const m = PATTERN.exec(contentId);
  if (!m || m[1] !== m[2]) return null;
  const created = parseCompactMillis((m[1] as string).slice(0, 17));
  if (Number.isNaN(created)) return null;
  const known = Object.values(CODES).some(([lower, upper]) => lower === m[3] && upper === m[4]);
  return known ? { created } : null;
}
