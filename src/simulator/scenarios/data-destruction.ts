// A disgruntled user wipes version history, recycles files in bulk and purges the recycle bins.
import type { Actor } from '../activity/events.js';
import { MINUTE } from '../util/time.js';
import { type ScenarioDefinition, sec } from './kit.js';

export const dataDestruction: ScenarioDefinition = {
  name: 'data-destruction',
  title: 'Mass deletion of SharePoint data',
  techniques: ['T1485', 'T1490'],
  description:
    'A user deletes all versions of documents on team sites (FileVersionsAllDeleted), recycles files in bulk (FileRecycled, and the legacy FileDeleted), then purges the first- and second-stage recycle bins (FileDeletedFirstStageRecycleBin, FileDeletedSecondStageRecycleBin).',
  durationMinutes: 45,
  plan(kit, anchor) {
    const { tenant } = kit.g;
    const u = kit.actor(
      (x) =>
        ['Operations', 'Engineering', 'Research & Development'].includes(x.department) &&
        x.adminRoles.length === 0,
    );
    const me: Actor = { type: 'user', index: u.index };
    const drives = tenant.sites
      .filter(
        (s) => s.department === u.department || s.name === 'ProjectFalcon' || s.name === 'Deals',
      )
      .map((s) => s.drive);
    const targets = drives.flatMap((d) =>
      d.items.filter((i) => !i.isFolder).map((i) => ({ d, i })),
    );
    const ip = u.officeIp;
    const ua = u.userAgent;
    let t = sec(anchor);
    kit.push(kit.signIn(t, u, ip, 0));
    t += MINUTE;
    for (const [k, at] of kit.times(t, Math.min(12, targets.length), 20).entries()) {
      const x = targets[k];
      if (x) kit.push(kit.file(at, 'FileVersionsAllDeleted', me, x.d, x.i, ip, ua));
    }
    t += 6 * MINUTE;
    const n = Math.max(40, targets.length);
    for (const [k, at] of kit.times(t, n, 6).entries()) {
      const x = targets[k % targets.length];
      if (x)
        kit.push(kit.file(at, k % 5 === 0 ? 'FileDeleted' : 'FileRecycled', me, x.d, x.i, ip, ua));
    }
    t += 12 * MINUTE;
    for (const [k, at] of kit.times(t, n, 3).entries()) {
      const x = targets[k % targets.length];
      if (x) kit.push(kit.file(at, 'FileDeletedFirstStageRecycleBin', me, x.d, x.i, ip, ua));
    }
    t += 6 * MINUTE;
    for (const [k, at] of kit.times(t, n, 3).entries()) {
      const x = targets[k % targets.length];
      if (x) kit.push(kit.file(at, 'FileDeletedSecondStageRecycleBin', me, x.d, x.i, ip, ua));
    }
    return { actors: [u] };
  },
};
