// Same seed and now → byte-identical blobs; another seed → other records. The truth file, the
// truth API and the blobs agree.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { api, control, feed, listAll, small, token, NOW } from './helpers.js';

async function snapshot(sim: SimulatorHandle): Promise<Map<string, string>> {
  const bearer = await token(sim);
  const out = new Map<string, string>();
  const now = NOW.getTime();
  for (const ct of ['Audit.AzureActiveDirectory', 'Audit.SharePoint', 'Audit.General']) {
    const { entries } = await listAll(sim, bearer, ct, now - 24 * 3600_000, now);
    for (const e of entries.slice(0, 40)) {
      const r = await api(sim, bearer, feed(sim, `audit/${e.contentId}`));
      out.set(e.contentId, r.text);
    }
  }
  return out;
}

describe('determinism', () => {
  it('the same seed and now give byte-identical blob bodies; another seed gives other records', async () => {
    const a = await small({ seed: 7, scenarios: ['all'] });
    const b = await small({ seed: 7, scenarios: ['all'] });
    const c = await small({ seed: 8, scenarios: ['all'] });
    try {
      const [sa, sb, sc] = await Promise.all([snapshot(a), snapshot(b), snapshot(c)]);
      expect(sa.size).toBeGreaterThan(30);
      expect([...sa.keys()]).toEqual([...sb.keys()]);
      for (const [id, body] of sa) expect(sb.get(id), id).toBe(body);
      const ids = (m: Map<string, string>) =>
        new Set(
          [...m.values()].flatMap((t) => (JSON.parse(t) as Array<{ Id: string }>).map((r) => r.Id)),
        );
      const common = [...ids(sa)].filter((id) => ids(sc).has(id));
      expect(common).toEqual([]);
      expect(a.scenarios()).toEqual(b.scenarios());
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('regenerates a blob identically after the world moved on (other slices generated, caches cold)', async () => {
    const sim = await small({ days: 1 });
    try {
      const first = await snapshot(sim);
      await sim.advance(12 * 3600_000);
      const bearer = await token(sim);
      for (const [id, body] of [...first.entries()].slice(0, 10)) {
        expect((await api(sim, bearer, feed(sim, `audit/${id}`))).text).toBe(body);
      }
    } finally {
      await sim.close();
    }
  });
});

describe('ground truth', () => {
  it('the truth file, /_sim/truth and the blobs agree, one line per published record copy', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'm365hunt-truth-'));
    const file = join(dir, 'truth.ndjson');
    const sim = await small({ days: 1, truthFile: file, scenarios: ['password-spray'] });
    try {
      await sim.advance(2 * 3600_000);
      const lines = (await readFile(file, 'utf8'))
        .trim()
        .split('\n')
        .map(
          (l) =>
            JSON.parse(l) as { Id: string; contentType: string; contentId: string; label: string },
        );
      expect(Object.keys(lines[0] ?? {}).sort()).toEqual([
        'Id',
        'contentId',
        'contentType',
        'label',
      ]);
      const published = [];
      for await (const l of sim.truth({ availableOnly: true })) published.push(l);
      expect(lines.length).toBe(published.length);
      expect(new Set(lines.map((l) => `${l.contentId}|${l.Id}`))).toEqual(
        new Set(published.map((l) => `${l.contentId}|${l.Id}`)),
      );
      const http = (await (await control(sim, 'truth?available=1')).text()).trim().split('\n');
      expect(http.length).toBe(published.length);
      const everything = (await (await control(sim, 'truth')).text()).trim().split('\n');
      expect(everything.length).toBeGreaterThan(published.length);
      // Every line of one blob matches the blob's records.
      const bearer = await token(sim);
      const blobId = lines[lines.length - 1]?.contentId as string;
      const records = (await api(sim, bearer, feed(sim, `audit/${blobId}`))).json() as Array<{
        Id: string;
      }>;
      expect(records.map((r) => r.Id).sort()).toEqual(
        lines
          .filter((l) => l.contentId === blobId)
          .map((l) => l.Id)
          .sort(),
      );
      const labels = new Set(lines.map((l) => l.label));
      expect(labels).toEqual(new Set(['benign', 'password-spray']));
    } finally {
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('activity events behind the records', () => {
  it('sign-ins and sent mail are first-class events, one per UserLoggedIn/UserLoginFailed and Send record', async () => {
    const { Simulator } = await import('../../src/simulator/simulator.js');
    const { resolveOptions } = await import('../../src/simulator/options.js');
    const sim = new Simulator(
      resolveOptions({ users: 12, days: 1, now: NOW, speed: 0, scenarios: ['password-spray'] }),
    );
    const from = NOW.getTime() - 24 * 3600_000;
    const events = [...sim.events(from, NOW.getTime())];
    const signIns = events.filter((e) => e.kind === 'signIn');
    const sends = events.filter((e) => e.kind === 'mailSend');
    expect(signIns.length).toBeGreaterThan(10);
    const records = [];
    for (const b of sim.catalog.allPublished().concat(sim.catalog.pendingBlobs())) {
      if (b.part === 999) continue; // duplicates
      for (const r of sim.catalog.records(b)) {
        const t = Date.parse(`${r.record.CreationTime}Z`);
        if (t >= from) records.push(r.record);
      }
    }
    const key = (user: string, t: number) => `${user}|${new Date(t).toISOString().slice(0, 19)}`;
    const loginRecords = records
      .filter((r) => r.Operation === 'UserLoggedIn' || r.Operation === 'UserLoginFailed')
      .map((r) => key(r.UserId, Date.parse(`${r.CreationTime}Z`)))
      .sort();
    const loginEvents = signIns.map((e) => key(sim.tenant.users[e.user]?.upn ?? '', e.t)).sort();
    expect(loginEvents).toEqual(loginRecords);
    const sendRecords = records.filter((r) => r.Operation === 'Send').length;
    expect(sends.length).toBe(sendRecords);
  });
});
