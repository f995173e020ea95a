// An eDiscovery manager searches every mailbox for deal and salary mail and exports the result.
import { MINUTE } from '../util/time.js';
import { ATTACKER_IPS, type ScenarioDefinition, sec } from './kit.js';

export const ediscoveryExport: ScenarioDefinition = {
  name: 'ediscovery-export',
  title: 'eDiscovery search of all mailboxes, exported',
  techniques: ['T1114.002', 'T1119', 'T1213'],
  description:
    'An eDiscovery Manager creates a content search over all mailboxes for merger and salary terms (New-ComplianceSearch, Start-ComplianceSearch), exports it (New-ComplianceSearchAction -Export, SearchExported) and downloads the export from an unfamiliar IP.',
  durationMinutes: 50,
  plan(kit, anchor) {
    const admin = kit.actor((u) => u.adminRoles.includes('eDiscovery Manager'));
    const ip = admin.officeIp;
    const name = 'Q3 review';
    let t = sec(anchor);
    kit.push(
      kit.compliance(
        t,
        admin,
        'New-ComplianceSearch',
        name,
        `-Name "${name}" -ExchangeLocation "All" -ContentMatchQuery "acquisition OR merger OR salary OR \\"strategic plan\\""`,
        ip,
      ),
    );
    kit.push(kit.compliance(t + 30_000, admin, 'SearchCreated', name, `-Name "${name}"`, ip, 24));
    t += 2 * MINUTE;
    kit.push(kit.compliance(t, admin, 'Start-ComplianceSearch', name, `-Identity "${name}"`, ip));
    t += 20 * MINUTE;
    kit.push(
      kit.compliance(
        t,
        admin,
        'New-ComplianceSearchAction',
        `${name}_Export`,
        `-SearchName "${name}" -Export -Format "FxStream" -ExchangeArchiveFormat "PerUserPst"`,
        ip,
      ),
    );
    kit.push(
      kit.compliance(
        t + 60_000,
        admin,
        'SearchExported',
        `${name}_Export`,
        `-SearchName "${name}" -Export`,
        ip,
        24,
      ),
    );
    t += 20 * MINUTE;
    kit.push(
      kit.compliance(
        t,
        admin,
        'SearchExportDownloaded',
        `${name}_Export`,
        `-SearchName "${name}"`,
        ATTACKER_IPS.ediscovery,
        24,
      ),
    );
    return { actors: [admin] };
  },
};
