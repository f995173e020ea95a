// The responder removes sharing named by records in every form Microsoft (and the exports of its
// records) writes them, resolved over the simulator's Graph. Microsoft's sharing records
// (RecordType 14) give SiteUrl without a trailing slash and SourceRelativeUrl ending with the
// file (`Documents/Contoso Purchasing Data - Q1.xlsx`, test/fixtures/real/); file records give
// the folder. Building SiteUrl + SourceRelativeUrl + SourceFileName asked Graph for
// `…/X.xlsx/X.xlsx` and removed nothing. Each variant below names the same items as the
// simulator's own records, and must lead to the same permissions to remove.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../../src/ingest/import/runner.js';
import { Responder } from '../../src/respond/index.js';
import type { Plan } from '../../src/respond/model.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { createLogger } from '../../src/util/log.js';
import { ingestRecords } from '../helpers/stores.js';
import { FAST_RETRY, linq, respondWorld, type RespondWorld } from './helpers.js';

let world: RespondWorld;
let records: Array<Record<string, unknown>>;
let baseline: Plan;
const opened: Store[] = [];

const spec = () => ({
  kind: 'remove-sharing' as const,
  user: world.insider,
  revokeSessions: false,
  removeSharing: false,
  since: '7d',
});

/** The permission ids a plan would remove. */
const removals = (plan: Plan) =>
  plan.changes
    .filter((c) => c.permission)
    .map((c) => c.permission!.permissionId)
    .sort();

/** Records whose item could not be found (the failure this file is about). */
const notFound = (plan: Plan) =>
  plan.skipped.filter((s) => /not there any more|no document library|names no item/.test(s.reason));

let n = 0;
/** A fresh Id (the stored copies must not be taken for duplicates of anything). */
const freshId = () => `7e000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

async function planOver(variant: Array<Record<string, unknown>>): Promise<Plan> {
  const store = await openStore(`duckdb:${join(world.dir, `variant-${++n}.duckdb`)}`);
  opened.push(store);
  await ingestRecords(store, variant, { tenant: world.sim.tenantId });
  return responderOn(store).dryRun(spec());
}

function responderOn(store: Store): Responder {
  return new Responder({
    store,
    config: world.config,
    log: createLogger('test'),
    retry: FAST_RETRY,
  });
}

/** The folder form of file records: SiteUrl with a slash, SourceRelativeUrl the folder. */
function folderForm(r: Record<string, unknown>): Record<string, unknown> {
  const relative = String(r.SourceRelativeUrl);
  const name = String(r.SourceFileName);
  return {
    ...r,
    SiteUrl: `${String(r.SiteUrl)}/`,
    SourceRelativeUrl: relative.slice(0, relative.length - name.length - 1),
  };
}

function withoutObjectId(r: Record<string, unknown>): Record<string, unknown> {
  const { ObjectId: _drop, ...rest } = r;
  return rest;
}

beforeAll(async () => {
  world = await respondWorld({ users: 20, days: 1 });
  const rows = await linq(
    world.store,
    `from cloud.office365.management where UserId = "${world.insider}", RecordType = 14 select message as m`,
  );
  records = rows.map((row) => JSON.parse(String(row.m)) as Record<string, unknown>);
  baseline = await world.responder().dryRun(spec());
}, 120_000);

afterAll(async () => {
  for (const s of opened) await s.close();
});

describe('sharing records as Microsoft writes them', () => {
  it('the simulator writes them so: SiteUrl without a slash, SourceRelativeUrl ending with the file', () => {
    const onFiles = records.filter((r) => r.ItemType === 'File');
    expect(onFiles.length).toBeGreaterThan(0);
    for (const r of onFiles) {
      expect(String(r.SiteUrl)).not.toMatch(/\/$/);
      expect(String(r.SourceRelativeUrl).endsWith(`/${String(r.SourceFileName)}`)).toBe(true);
      expect(String(r.ObjectId)).toBe(`${String(r.SiteUrl)}/${String(r.SourceRelativeUrl)}`);
    }
  });

  it('the responder finds every item and plans to remove the links and grants', () => {
    expect(removals(baseline).length).toBeGreaterThanOrEqual(3);
    expect(notFound(baseline)).toEqual([]);
    expect(baseline.changes.some((c) => c.permission?.kind === 'anonymous link')).toBe(true);
  });

  it('without ObjectId, from SiteUrl and a SourceRelativeUrl that already names the file', async () => {
    const plan = await planOver(records.map((r) => ({ ...withoutObjectId(r), Id: freshId() })));
    expect(notFound(plan)).toEqual([]);
    expect(removals(plan)).toEqual(removals(baseline));
  });

  it('without ObjectId, from the folder form (SiteUrl/ + folder + SourceFileName)', async () => {
    const plan = await planOver(
      records.map((r) => ({ ...withoutObjectId(folderForm(r)), Id: freshId() })),
    );
    expect(notFound(plan)).toEqual([]);
    expect(removals(plan)).toEqual(removals(baseline));
  });

  it('ObjectId first, whatever SourceRelativeUrl says', async () => {
    // A SourceRelativeUrl that points nowhere: the full URL in ObjectId decides.
    const plan = await planOver(
      records.map((r) => ({ ...r, SourceRelativeUrl: 'Documents/elsewhere', Id: freshId() })),
    );
    expect(notFound(plan)).toEqual([]);
    expect(removals(plan)).toEqual(removals(baseline));
  });

  it('from a Sentinel OfficeActivity export of the same records (OfficeObjectId, Site_Url)', async () => {
    const lines = records.map((r) =>
      JSON.stringify({
        TimeGenerated: `${String(r.CreationTime)}Z`,
        OfficeId: freshId(),
        Operation: r.Operation,
        OrganizationId: r.OrganizationId,
        RecordType: 'SharePointSharingOperation',
        UserType: 'Regular',
        UserKey: r.UserKey,
        OfficeWorkload: r.Workload,
        OfficeObjectId: r.ObjectId,
        UserId: r.UserId,
        ClientIP: r.ClientIP,
        ItemType: r.ItemType,
        Site_Url: r.SiteUrl,
        SourceRelativeUrl: r.SourceRelativeUrl,
        SourceFileName: r.SourceFileName,
        Event_Data: r.EventData,
        TargetUserOrGroupName: r.TargetUserOrGroupName,
        TargetUserOrGroupType: r.TargetUserOrGroupType,
        Type: 'OfficeActivity',
      }),
    );
    const file = join(world.dir, 'sentinel-sharing.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const store = await openStore(`duckdb:${join(world.dir, 'sentinel-variant.duckdb')}`);
    opened.push(store);
    const summary = await runImport({ files: [file], store, collectorId: '10001' });
    expect(summary.files[0]).toMatchObject({ stored: records.length, quarantined: 0 });
    const plan = await responderOn(store).dryRun(spec());
    expect(notFound(plan)).toEqual([]);
    expect(removals(plan)).toEqual(removals(baseline));
  });
});
