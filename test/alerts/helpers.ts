// Small rules written inline for engine tests, and a loader of raw records into a store.
import { defaultAlertsConfig } from '../../src/alerts/config.js';
import { AlertEngine, type EngineOptions } from '../../src/alerts/engine/engine.js';
import { parseRule, type Rule } from '../../src/alerts/rules/load.js';
import type { RulePlan, RuleProfile } from '../../src/alerts/rules/profiles.js';
import { resolveTunables } from '../../src/alerts/rules/tunables.js';
import type { Store } from '../../src/store/store.js';

export const TENANT = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
export const CLIENT = 'contoso';

/** A rule from YAML text; `name` is the file name (the id is `t/<name>`). */
export function rule(name: string, yaml: string): Rule {
  return parseRule(`id: t/${name}\n${yaml}`, `/virtual/t/${name}.yaml`, 't');
}

export function planOf(r: Rule, profile: Partial<RuleProfile> = {}): RulePlan {
  return {
    rule: r,
    profiles: [
      {
        rule: r,
        scope: { except: [] },
        severity: r.def.severity,
        tuning: resolveTunables(r.def.tunables),
        ...profile,
      },
    ],
  };
}

export function engineFor(
  store: Store,
  plans: RulePlan[],
  now: () => Date,
  extra: Partial<EngineOptions> = {},
): AlertEngine {
  return new AlertEngine({
    store,
    plans,
    config: defaultAlertsConfig(new Map([[CLIENT, TENANT]])),
    now,
    ...extra,
  });
}

export interface Rec {
  [field: string]: unknown;
}

let counter = 0;

/** Ingests raw records (an Id is added when missing) for a tenant. */
export async function ingest(
  store: Store,
  records: readonly Rec[],
  options: { client?: string; tenant?: string } = {},
): Promise<void> {
  await store.ingest({
    sets: [
      {
        family: 'management',
        tenant: options.tenant ?? TENANT,
        client: options.client ?? CLIENT,
        hostchain: 'collector-12345-testhost',
        contentType: null,
        origin: 'test',
        records: records.map((r) =>
          JSON.stringify({ Id: `rec-${process.pid}-${counter++}`, ...r }),
        ),
      },
    ],
  });
}

/** `count` records `stepSeconds` apart from `start`, built by `make(i, time)`. */
export function series(
  start: string,
  count: number,
  stepSeconds: number,
  make: (i: number, creationTime: string) => Rec,
): Rec[] {
  const t0 = Date.parse(`${start}Z`);
  return Array.from({ length: count }, (_, i) =>
    make(i, new Date(t0 + i * stepSeconds * 1000).toISOString().slice(0, 19)),
  );
}
