// Devo's own Office 365 detections (its "Query and alert library"), unchanged, on DuckDB and on
// ClickHouse, with their lookups loaded: each one fires on the records made for it and says what
// Devo's would (entities, lookup enrichment). Two use Devo's GeoIP (`countrycode`): JavaScript
// functions on DuckDB, the store's IP_TRIE dictionaries on ClickHouse (docs/geoip.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileLinq } from '../../src/linq/compile.js';
import { registerLinqFunctions } from '../../src/linq/udf.js';
import { loadLookupCatalog, type LookupCatalog } from '../../src/store/lookups.js';
import { openStore } from '../../src/store/open.js';
import { createCatalog } from '../../src/store/schema.js';
import type { Store } from '../../src/store/store.js';
import { openTestStore } from '../helpers/stores.js';
import { tempDir } from '../helpers/temp.js';
import { devoDetections, DEVO_RANGE, loadDevoFixtures } from './helpers/devo-library.js';
import { storeEngine, type Engine, type ResultRow } from './helpers/engines.js';

const DETECTIONS = devoDetections();
const detection = (name: string) => DETECTIONS.find((d) => d.name === name)!.text;
const ALERT = { alertType: 'Detection', alertMitreTechniques: 'T1098' };

/** What each detection must give: one row per expected alert, with these columns. */
const EXPECTED: Record<string, ResultRow[]> = {
  SecOpsCDIocIpSuspiciousO365Data: [
    {
      entity_sourceIP: '8.8.8.8',
      entity_sourceAccount: 'dave@contoso.com',
      Operation: 'UserLoggedIn',
      entity_sourceIP_AssetRole: 'unknown-external',
      entity_sourceAccount_AssetRole: 'finance',
    },
    {
      entity_sourceIP: '8.8.8.8',
      entity_sourceAccount: 'dave@contoso.com',
      Operation: 'UserLoginFailed',
      entity_sourceIP_AssetRole: 'unknown-external',
      entity_sourceAccount_AssetRole: 'finance',
    },
    {
      entity_sourceIP: '8.8.8.8',
      entity_sourceAccount: 'erin@contoso.com',
      Operation: 'UserLoginFailed',
      entity_sourceIP_AssetRole: 'unknown-external',
      entity_sourceAccount_AssetRole: null,
    },
    {
      entity_sourceIP: '200.147.67.142',
      entity_sourceAccount: 'ivan@contoso.com',
      Operation: 'UserLoggedIn',
      entity_sourceIP_AssetRole: null,
      entity_sourceAccount_AssetRole: null,
    },
  ],
  SecOpsO365AddedServicePrincipal: [
    {
      eventdate: '2026-03-02 09:00:00.000',
      entity_destinationAccount: 'admin@contoso.com',
      entity_destinationAccount_AssetRole: 'privileged-admin',
      ...ALERT,
      alertPriority: '3',
    },
  ],
  SecOpsO365BruteForce: [
    {
      eventdate: '2026-03-02 10:00:00.000',
      entity_sourceName: 'dave@contoso.com',
      country: 'US',
      failed_attempts: '4',
      successful_attempts: '1',
      entity_sourceIP: '8.8.8.8',
      entity_sourceIP_AssetRole: 'unknown-external',
      entity_sourceName_AssetRole: 'finance',
      indicator: 'Network activity',
      misp_indicator_type: 'ip-src',
      misp_indicator_event_id: '1042',
    },
  ],
  SecOpsO365BypassMFAviaIP: [
    {
      entity_destinationAccount: 'admin@contoso.com',
      oldAllowedIPlist: ['203.0.113.0/24'],
      numOldAllowedIPs: '1',
      newAllowedIPlist: ['203.0.113.0/24', '45.9.148.0/24'],
      numNewAllowedIPs: '2',
      alertPriority: '5',
    },
  ],
  SecOpsO365DisableMFA: [
    {
      entity_sourceAccount: 'admin@contoso.com',
      entity_destinationAccount: 'frank@contoso.com',
      entity_sourceAccount_AssetRole: 'privileged-admin',
      entity_destinationAccount_AssetRole: null,
    },
  ],
  SecOpsO365ExcessiveAuthFailureAttempts: [
    {
      UserId: 'gina@contoso.com',
      failedAttempts: '12',
      entity_sourceIP: '5.255.255.5',
      entity_sourceAccount_AssetRole: 'sales',
      enrichStream_entity_sourceIP_locationCountry: 'RU',
      enrichStream_entity_sourceIP_locationLat: 55.7522,
    },
  ],
  SecOpsO365ExcessiveSSOLoginFailures: [
    {
      UserId: 'hank@contoso.com',
      numSSOLoginFailures: '6',
      entity_sourceIP: '41.79.112.1',
      lastUsed_UserAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
      enrichStream_entity_sourceIP_locationCity: 'Abidjan',
    },
  ],
  SecOpsO365ImpossibleTravel: [
    {
      eventdate: '2026-03-02 13:00:00.000',
      entity_sourceName: 'ivan@contoso.com',
      entity_sourceIP: '200.147.67.142',
      location_count: '2',
      indicator: 'Network activity',
      misp_indicator_event_id: '1077',
    },
  ],
  SecOpsO365MailboxAuditBypass: [
    {
      entity_sourceHostname: 'AM0PR06MB1234 (15.20.7400.020)',
      entity_sourceAccount: 'admin@contoso.com',
      entity_destinationAccount: 'svc-archive',
      entity_sourceHostname_AssetRole: 'exchange-server',
      entity_destinationAccount_AssetRole: 'service-account',
    },
  ],
  SecOpsO365NewFederatedDomain: [
    {
      newFederatedDomain: 'evil-sso.example',
      OrganizationName: 'contoso.onmicrosoft.com',
      entity_sourceAccount: 'admin@contoso.com',
    },
  ],
  SecOpsO365OneDriveDownload: [
    {
      UserId: 'julia@contoso.com',
      SourceFileName: 'Pricing.xlsx',
      FileSizeKiloBytes: '5120',
      FileSizeMegaBytes: '5',
      total_bytes_transferred: '5242880',
      entity_sourceName: 'julia',
      entity_sourceName_AssetRole: 'engineering',
      misp_indicator_event_id: '1090',
    },
  ],
  SecOpsO365PhishAttempt: [
    {
      entity_sourceAccount: 'kim@contoso.com',
      Recipients: ['kim@contoso.com'],
      P1Sender: 'billing@paypa1.example',
    },
  ],
  SecOpsO365PSTExportAlert: [
    {
      Operation: 'AlertTriggered',
      entity_sourceName: 'SecurityComplianceAlerts',
      entity_destinationAccount: 'laura@contoso.com',
    },
  ],
  SecOpsO365SusMailboxDelegation: [
    {
      UserId: 'admin@contoso.com',
      entity_destinationAccount: 'ceo@contoso.com',
      entity_sourceAccount: 'mallory@contoso.com',
      Parameters_AccessRights: 'FullAccess',
      entity_sourceAccount_AssetRole: 'contractor',
      entity_destinationAccount_AssetRole: 'vip',
    },
  ],
  SecOpsO365SuspiciousAdminEmailForwarding: [
    {
      ForwardingAddress: 'drop@evil.example',
      entity_sourceName: 'admin@contoso.com',
      Identity_count: '2',
      entity_sourceIP_AssetRole: 'admin-workstation',
    },
  ],
  SecOpsO365UserPasswordChange: [
    {
      entity_sourceName: 'mike@contoso.com',
      entity_sourceIP: '1.1.1.1',
      entity_destinationName: 'mike@contoso.com',
      indicator: null,
    },
  ],
  SecOpsO365UserPasswordReset: [
    {
      entity_sourceName: 'admin@contoso.com',
      entity_sourceIP: '198.51.100.200',
      entity_destinationName: 'nina@contoso.com',
      entity_sourceIP_AssetRole: 'admin-workstation',
    },
  ],
  SecOpsPhishingEmailRansomDistributionCampaign: [
    {
      Subject: 'Invoice overdue',
      entity_destinationEmail: 'kim@contoso.com',
      entity_sourceIP: '41.79.112.1',
      entity_sourceEmail: 'billing@paypa1.example',
      alertPriority: '3',
    },
  ],
};

const pick = (row: ResultRow, like: ResultRow): ResultRow =>
  Object.fromEntries(Object.keys(like).map((k) => [k, row[k] ?? null]));

describe('the library', () => {
  it('holds every Office 365 detection that reads a table m365hunt has, each with its answer', () => {
    expect(DETECTIONS).toHaveLength(18);
    expect(DETECTIONS.map((d) => d.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });
});

describe.each(['duckdb', 'chdb'] as const)("Devo's Office 365 detections on %s", (kind) => {
  let store: Store;
  let engine: Engine;
  let lookups: LookupCatalog;
  beforeAll(async () => {
    // DuckDB with LINQ's engine functions (GeoIP), as the CLI and the server open it
    store =
      kind === 'duckdb'
        ? await openStore(`${tempDir()}/devo.duckdb`, {
            duckdb: { onConnect: registerLinqFunctions },
          })
        : await openTestStore(kind, tempDir());
    await loadDevoFixtures(store);
    lookups = await loadLookupCatalog(store);
    engine = await storeEngine(kind, store);
  }, 60_000);
  afterAll(async () => {
    await engine?.close();
  });

  const compile = (name: string) =>
    compileLinq(detection(name), {
      dialect: engine.dialect,
      catalog: createCatalog(),
      ...DEVO_RANGE,
      lookups,
    });

  it.each(DETECTIONS.map((d) => d.name))('%s runs unchanged and fires', async (name) => {
    const rows = await engine.run(compile(name));
    const expected = EXPECTED[name]!;
    expect(rows.map((r, i) => pick(r, expected[i] ?? {}))).toEqual(expected);
  });
});
