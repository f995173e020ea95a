// The realism switches: throttling (403/429, with and without Retry-After), transient 5xx,
// dropped connections, broken blobs, duplicates across blobs, out-of-order publication, delays.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { NOW, afCode, api, collectAll, control, feed, small, token } from './helpers.js';

const MINUTE = 60_000;

describe('faults', () => {
  let sim: SimulatorHandle;
  let bearer: string;
  beforeAll(async () => {
    sim = await small({ days: 1 });
    bearer = await token(sim);
  });
  afterAll(async () => {
    await sim.close();
  });
  const list = (q = '') => api(sim, bearer, `${feed(sim, 'subscriptions/list')}${q}`);

  it('throttles past throttlePerMinute with 403 AF429 and Retry-After, per tenant and real time', async () => {
    sim.setSwitches({ throttlePerMinute: 5, throttleStatus: 403, retryAfterSeconds: 7 });
    try {
      const q = `?PublisherIdentifier=${sim.tenantId}`;
      const answers = [];
      for (let i = 0; i < 8; i++) answers.push(await list(q));
      expect(answers.slice(0, 5).every((a) => a.status === 200)).toBe(true);
      const t = answers[6];
      expect(t?.status).toBe(403);
      expect(afCode(t?.text ?? '')).toBe('AF429');
      expect(t?.text).toContain(`Method=ListSubscriptions, PublisherId=${sim.tenantId}`);
      expect(t?.headers.get('retry-after')).toBe('7');
      // Requests without PublisherIdentifier draw from another (shared) pool.
      expect((await list()).status).toBe(200);
      // 429 when asked to, and no Retry-After when it is null.
      sim.setSwitches({ throttleStatus: 429, retryAfterSeconds: null });
      const t2 = await list(q);
      expect(t2.status).toBe(429);
      expect(afCode(t2.text)).toBe('AF429');
      expect(t2.headers.get('retry-after')).toBeNull();
      // The token endpoint is never throttled.
      expect(await token(sim)).toBeTruthy();
    } finally {
      sim.setSwitches({ throttlePerMinute: 2000, throttleStatus: 403, retryAfterSeconds: 5 });
    }
    expect((await list()).status).toBe(200);
  });

  it('answers 500 AF50000 or 503 at transientErrorRate, reproducibly from the seed', async () => {
    sim.setSwitches({ transientErrorRate: 1 });
    try {
      const seen = new Set<number>();
      for (let i = 0; i < 12; i++) {
        const r = await list();
        seen.add(r.status);
        if (r.status === 500) expect(afCode(r.text)).toBe('AF50000');
        expect(r.headers.get('date')).toBeTruthy();
      }
      expect([...seen].sort()).toEqual([500, 503]);
    } finally {
      sim.setSwitches({ transientErrorRate: 0 });
    }
    sim.setSwitches({ transientErrorRate: 0.5 });
    try {
      const statuses = [];
      for (let i = 0; i < 20; i++) statuses.push((await list()).status);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(2);
      expect(statuses.filter((s) => s !== 200).length).toBeGreaterThan(2);
    } finally {
      sim.setSwitches({ transientErrorRate: 0 });
    }
  });

  it('destroys the connection without an answer at dropConnectionRate', async () => {
    sim.setSwitches({ dropConnectionRate: 1 });
    try {
      await expect(
        fetch(feed(sim, 'subscriptions/list'), { headers: { Authorization: `Bearer ${bearer}` } }),
      ).rejects.toThrow();
      const c = (await (await control(sim, 'counters')).json()) as Record<string, number>;
      expect(c['fault.dropped']).toBeGreaterThan(0);
      // The control surface is never faulted.
      expect((await control(sim, 'time')).status).toBe(200);
    } finally {
      sim.setSwitches({ dropConnectionRate: 0 });
    }
    expect((await list()).status).toBe(200);
  });

  it('adds latencyMs to Management API requests', async () => {
    sim.setSwitches({ latencyMs: 250 });
    try {
      const t0 = Date.now();
      await list();
      expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
    } finally {
      sim.setSwitches({ latencyMs: 0 });
    }
  });

  it('breaks blob bodies per contentId at brokenBlobRate; turning it off repairs them', async () => {
    const none = (await (await control(sim, 'blobs?broken=1')).json()) as string[];
    expect(none).toEqual([]);
    await control(sim, 'switches', {
      method: 'PUT',
      body: JSON.stringify({ brokenBlobRate: 0.3 }),
    });
    const broken = (await (await control(sim, 'blobs?broken=1')).json()) as string[];
    const again = (await (await control(sim, 'blobs?broken=1')).json()) as string[];
    const all = (await (await control(sim, 'blobs')).json()) as Array<{ contentId: string }>;
    expect(broken).toEqual(again);
    expect(broken.length).toBeGreaterThan(all.length * 0.15);
    expect(broken.length).toBeLessThan(all.length * 0.45);
    const id = broken[0] as string;
    const url = feed(sim, `audit/${id}`);
    const bad = await api(sim, bearer, url);
    expect(bad.status).toBe(200);
    expect(() => bad.json()).toThrow();
    const fine = all.find((b) => !broken.includes(b.contentId)) as { contentId: string };
    const ok = await api(sim, bearer, feed(sim, `audit/${fine.contentId}`));
    expect(Array.isArray(ok.json())).toBe(true);
    await control(sim, 'switches', { method: 'PUT', body: JSON.stringify({ brokenBlobRate: 0 }) });
    const repaired = await api(sim, bearer, url);
    expect(Array.isArray(repaired.json())).toBe(true);
    expect(bad.text.length).toBeLessThan(repaired.text.length);
    expect(repaired.text.startsWith(bad.text)).toBe(true);
  });

  it('rejects invalid switches on PUT /_sim/switches', async () => {
    const r = await control(sim, 'switches', {
      method: 'PUT',
      body: JSON.stringify({ duplicateRate: 2 }),
    });
    expect(r.status).toBe(400);
    const u = await control(sim, 'switches', {
      method: 'PUT',
      body: JSON.stringify({ noSuchSwitch: 1 }),
    });
    expect(u.status).toBe(400);
    const ok = await control(sim, 'switches', {
      method: 'PUT',
      body: JSON.stringify({ pageSize: 50 }),
    });
    expect(((await ok.json()) as { pageSize: number }).pageSize).toBe(50);
    expect(sim.switches().pageSize).toBe(50);
  });
});

describe('publication', () => {
  it('publishes some records twice (same Id, two blobs) at duplicateRate, and the truth lists both copies', async () => {
    const sim = await small({ days: 1, switches: { duplicateRate: 0.2 } });
    try {
      const blobs = await collectAll(sim, await token(sim));
      const where = new Map<string, Set<string>>();
      for (const b of blobs) {
        for (const r of b.records) {
          const set = where.get(r.Id as string) ?? new Set<string>();
          set.add(b.entry.contentId);
          where.set(r.Id as string, set);
        }
      }
      const dup = [...where.entries()].filter(([, s]) => s.size > 1);
      expect(dup.length).toBeGreaterThan(where.size * 0.1);
      expect(dup.length).toBeLessThan(where.size * 0.3);
      const truth = [];
      for await (const line of sim.truth({ availableOnly: true })) truth.push(line);
      const [id, places] = dup[0] as [string, Set<string>];
      const lines = truth.filter((l) => l.Id === id);
      expect(new Set(lines.map((l) => l.contentId))).toEqual(places);
    } finally {
      await sim.close();
    }
  });

  it('is out of order by default: records not time-sorted in a blob, later blobs with older events', async () => {
    const sim = await small({ days: 1 });
    try {
      const blobs = await collectAll(sim, await token(sim), ['Audit.SharePoint', 'Audit.General']);
      const unsorted = blobs.filter((b) => {
        const times = b.records.map((r) => r.CreationTime as string);
        return times.some((t, i) => i > 0 && t < (times[i - 1] as string));
      });
      expect(unsorted.length).toBeGreaterThan(0);
      const byCreated = blobs
        .slice()
        .sort((a, b) => Date.parse(a.entry.contentCreated) - Date.parse(b.entry.contentCreated));
      let inversions = 0;
      let maxSoFar = '';
      for (const b of byCreated) {
        const min = b.records.map((r) => r.CreationTime as string).sort()[0] as string;
        if (maxSoFar && min < maxSoFar) inversions++;
        const max = b.records
          .map((r) => r.CreationTime as string)
          .sort()
          .pop() as string;
        if (max > maxSoFar) maxSoFar = max;
      }
      expect(inversions).toBeGreaterThan(0);
      // Publication delays stay within the switch's range (5..180 minutes after the slice ends).
      for (const b of blobs) {
        if (b.records.length === 0) continue;
        const newest = Math.max(
          ...b.records.map((r) => Date.parse(`${r.CreationTime as string}Z`)),
        );
        const delay = Date.parse(b.entry.contentCreated) - newest;
        expect(delay).toBeGreaterThanOrEqual(5 * MINUTE);
        expect(delay).toBeLessThanOrEqual(180 * MINUTE + 5 * MINUTE + MINUTE + 120 * MINUTE);
      }
    } finally {
      await sim.close();
    }
  });

  it('in order when asked: records sorted in each blob, blobs in event order, fixed delay', async () => {
    const sim = await small({
      days: 1,
      switches: {
        outOfOrder: false,
        duplicateRate: 0,
        publicationDelayMinutes: { min: 10, max: 10 },
      },
    });
    try {
      const blobs = await collectAll(sim, await token(sim), ['Audit.SharePoint', 'Audit.Exchange']);
      for (const ct of ['Audit.SharePoint', 'Audit.Exchange']) {
        const mine = blobs
          .filter((b) => b.entry.contentType === ct)
          .sort((a, b) => Date.parse(a.entry.contentCreated) - Date.parse(b.entry.contentCreated));
        let last = '';
        for (const b of mine) {
          for (const r of b.records) {
            expect((r.CreationTime as string) >= last).toBe(true);
            last = r.CreationTime as string;
          }
          const newest = Date.parse(`${b.records[b.records.length - 1]?.CreationTime as string}Z`);
          const delay = Date.parse(b.entry.contentCreated) - newest;
          expect(delay).toBeGreaterThanOrEqual(10 * MINUTE);
          expect(delay).toBeLessThanOrEqual(15 * MINUTE + 5000);
        }
      }
    } finally {
      await sim.close();
    }
  });

  it('publishes new blobs as the clock moves (advance), and the truth file follows', async () => {
    const sim = await small({ days: 0 });
    try {
      const before = sim.counters()['blobs.published'] ?? 0;
      await sim.advance(6 * 60 * MINUTE);
      const after = sim.counters()['blobs.published'] ?? 0;
      expect(after).toBeGreaterThan(before);
      const time = (await (await control(sim, 'time')).json()) as { now: string };
      expect(Date.parse(time.now)).toBe(NOW.getTime() + 6 * 60 * MINUTE);
      const adv = await control(sim, 'advance', {
        method: 'POST',
        body: JSON.stringify({ minutes: 30 }),
      });
      expect(((await adv.json()) as { now: string }).now).toBe(
        new Date(NOW.getTime() + 390 * MINUTE).toISOString(),
      );
    } finally {
      await sim.close();
    }
  });
});
