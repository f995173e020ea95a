// Coverage of the detection catalogue (docs/detections.md): which rules implement which
// catalogue entries, the groups A–H, the fifteen entries an exfiltration product must have, and
// the gaps no public rule covers. `rules list --coverage` prints it; the tests hold the packs to it.
import type { Rule } from './load.js';

export const CATALOGUE_GROUPS: Readonly<Record<string, string>> = {
  A: 'External sharing and exfiltration channels',
  B: 'Mass download / deletion',
  C: 'Mailbox forwarding, inbox rules and mail collection',
  D: 'Audit tampering and defence evasion',
  E: 'Privilege escalation and app-consent abuse',
  F: 'Login anomalies / account compromise',
  G: 'Teams external access',
  H: 'DLP',
};

/**
 * The fifteen catalogue entries an exfiltration product must have: the channels data leaves by
 * (sharing, mail forwarding, transport rules, app access, eDiscovery), the volume signals (mass
 * download, bulk mail access), the doors opened for it (sharing policy, consent, mailbox rights,
 * spraying), and the controls switched off to hide it (audit, DLP).
 */
export const TOP_15: Readonly<Record<string, string>> = {
  A1: 'External and anonymous sharing',
  A2: 'Sharing policy weakened',
  B1: 'Mass download',
  C1: 'Mail forwarded outside by inbox rule',
  C3: 'Mailbox forwarding enabled',
  C6: 'Transport rule copies or redirects mail',
  C8: 'Inbox rule hides mail',
  C13: 'Mail items accessed in bulk',
  C16: 'Mailbox read by an OAuth app',
  C20: 'eDiscovery search and export',
  C21: 'Mailbox permission delegated',
  D1: 'Audit logging disabled',
  E3: 'User consent to mail or file apps',
  F2: 'Password spray',
  H1: 'DLP rule matched',
};

export const GAPS: Readonly<Record<string, string>> = {
  'gap:dlp-override': 'DLP override, undo or false-positive report',
  'gap:label-downgrade': 'Sensitivity label removed or downgraded',
  'gap:link-redemption':
    'Outsiders opening sharing links (AnonymousLinkUsed, SecureLinkUsed, CompanyLinkUsed)',
  'gap:personal-mail-sharing': 'Sharing to a personal-mail address',
  'gap:unmanaged-sync': 'Sync to an unmanaged device',
  'gap:version-purge': 'Version history and recycle-bin purges',
};

export interface Coverage {
  /** Catalogue id (A1…, gap:…, seed:n) → rules implementing it. */
  readonly byEntry: ReadonlyMap<string, readonly string[]>;
  /** Group letter → rules with at least one entry of the group. */
  readonly byGroup: ReadonlyMap<string, readonly string[]>;
  readonly missingTop15: readonly string[];
  readonly missingGaps: readonly string[];
  readonly missingGroups: readonly string[];
}

export function coverageOf(rules: Iterable<Rule>): Coverage {
  const byEntry = new Map<string, string[]>();
  const byGroup = new Map<string, string[]>();
  for (const rule of rules) {
    for (const entry of rule.def.catalog) {
      byEntry.set(entry, [...(byEntry.get(entry) ?? []), rule.id]);
      const group = /^[A-H]/.exec(entry)?.[0];
      if (group) {
        const list = byGroup.get(group) ?? [];
        if (!list.includes(rule.id)) list.push(rule.id);
        byGroup.set(group, list);
      }
    }
  }
  return {
    byEntry,
    byGroup,
    missingTop15: Object.keys(TOP_15).filter((id) => !byEntry.has(id)),
    missingGaps: Object.keys(GAPS).filter((id) => !byEntry.has(id)),
    missingGroups: Object.keys(CATALOGUE_GROUPS).filter((g) => !byGroup.has(g)),
  };
}
