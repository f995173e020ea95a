// The attack scenarios: registry, placement in the history, and the events of a time range.
// All are always planned (so each scenario's actors and times do not depend on which others
// are enabled); only the selected ones emit events.
import type { GenContext } from '../activity/context.js';
import type { ActivityEvent } from '../activity/events.js';
import { Rng } from '../util/prng.js';
import { DAY, HOUR, MINUTE } from '../util/time.js';
import { accountTakeover } from './account-takeover.js';
import { auditTampering } from './audit-tampering.js';
import { dataDestruction } from './data-destruction.js';
import { ediscoveryExport } from './ediscovery-export.js';
import { insiderExfiltration } from './insider-exfiltration.js';
import { insiderRiskPolicyChange } from './insider-risk-policy-change.js';
import {
  type PlannedScenario,
  type ScenarioDefinition,
  type ScenarioInfo,
  ScenarioKit,
} from './kit.js';
import { mailAppConsent } from './mail-app-consent.js';
import { mailForwarding } from './mail-forwarding.js';
import { malwareAttachment } from './malware-attachment.js';
import { passwordSpray } from './password-spray.js';
import { teamsForeignDisclosure } from './teams-foreign-disclosure.js';

export type { ScenarioInfo } from './kit.js';

/** In placement order: the position in this list fixes each scenario's slot in the history. */
export const SCENARIOS: readonly ScenarioDefinition[] = [
  passwordSpray,
  mailAppConsent,
  insiderRiskPolicyChange,
  insiderExfiltration,
  teamsForeignDisclosure,
  malwareAttachment,
  mailForwarding,
  auditTampering,
  ediscoveryExport,
  dataDestruction,
  accountTakeover,
];

/**
 * The first ten scenarios share the history in ten equal slots (their times do not move when a
 * scenario is added); later ones sit between slots, from 60% of the history on.
 */
const SLOTS = 10;

export const SCENARIO_NAMES = SCENARIOS.map((s) => s.name);

/** Expands `['all']` and checks names; throws on an unknown name. */
export function selectScenarios(names: readonly string[]): string[] {
  if (names.includes('all')) return [...SCENARIO_NAMES];
  for (const n of names) {
    if (!SCENARIO_NAMES.includes(n)) {
      throw new Error(`unknown scenario "${n}" (known: ${SCENARIO_NAMES.join(', ')}, or all)`);
    }
  }
  return SCENARIO_NAMES.filter((n) => names.includes(n));
}

/**
 * Where each scenario starts. With history (days ≥ 1) every scenario ends at least 3.5 hours
 * before `now`, so that even the slowest blobs (default delay ≤ 3 h) are published at start-up.
 * Without history the scenarios happen in the next hours.
 */
export function placeScenarios(seed: number, nowMs: number, days: number): number[] {
  const rng = new Rng(seed, 'placement');
  const n = SLOTS;
  const jitter = () => (rng.int(21) - 10) * MINUTE;
  if (days === 0) {
    return SCENARIOS.map((_, k) => nowMs + 20 * MINUTE + k * 30 * MINUTE + Math.abs(jitter()));
  }
  const start = nowMs - days * DAY + HOUR;
  const end = nowMs - 7 * HOUR;
  const span = Math.max(end - start, n * 10 * MINUTE);
  return SCENARIOS.map((def, k) => {
    const latest = nowMs - 3.5 * HOUR - def.durationMinutes * MINUTE;
    const slot = k < n ? k + 0.5 : 6 + (k - n) * 1.3;
    const at = start + (span * slot) / n + jitter();
    return Math.floor(Math.min(at, latest) / MINUTE) * MINUTE;
  });
}

interface Planned {
  def: ScenarioDefinition;
  info: ScenarioInfo;
  plan: PlannedScenario;
  events: ActivityEvent[];
}

export class ScenarioSet {
  private readonly planned: Planned[] = [];
  /** Events of the selected scenarios, sorted by time. */
  private readonly events: ActivityEvent[] = [];

  constructor(g: GenContext, nowMs: number, days: number, selected: readonly string[]) {
    const anchors = placeScenarios(g.seed, nowMs, days);
    const taken = new Set<number>();
    SCENARIOS.forEach((def, k) => {
      const kit = new ScenarioKit(g, def.name, taken);
      const anchor = anchors[k] as number;
      const plan = def.plan(kit, anchor);
      const info: ScenarioInfo = {
        name: def.name,
        title: def.title,
        techniques: [...def.techniques],
        actors: plan.actors.map((u) => u.upn),
        description: def.description,
        start: new Date(Math.min(anchor, ...kit.events.map((e) => e.t))).toISOString(),
      };
      if (selected.includes(def.name)) {
        this.planned.push({ def, info, plan, events: kit.events });
        this.events.push(...kit.events);
      }
    });
    this.events.sort((a, b) => a.t - b.t || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  infos(): ScenarioInfo[] {
    return this.planned.map((p) => ({
      ...p.info,
      actors: [...p.info.actors],
      techniques: [...p.info.techniques],
    }));
  }

  /** Events with t0 ≤ t < t1. */
  eventsIn(t0: number, t1: number): ActivityEvent[] {
    const out: ActivityEvent[] = [];
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.events[mid] as ActivityEvent).t < t0) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.events.length; i++) {
      const e = this.events[i] as ActivityEvent;
      if (e.t >= t1) break;
      out.push(e);
    }
    for (const p of this.planned) if (p.plan.recurring) out.push(...p.plan.recurring(t0, t1));
    return out;
  }
}
