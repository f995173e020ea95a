// Rule packs: a folder per pack (`packs/<pack>/`), a `pack.yaml` manifest and one rule per file
// named `<tactic>-<what>.yaml`, so that the listing reads like a catalogue. The bundled packs ship
// with m365hunt; the configuration may add folders of its own (`alerts.packs_dirs`).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { M365HuntError } from '../../util/errors.js';
import { loadRuleFile, RuleFileError, type Rule, type RuleProblem } from './load.js';
import { packManifestSchema, type PackManifest } from './schema.js';
import { parseYaml } from './yaml.js';

/** The packs shipped with m365hunt (the same path from src/ and from dist/). */
export const BUNDLED_PACKS_DIR = fileURLToPath(new URL('../../../packs', import.meta.url));

export interface Pack {
  readonly name: string;
  readonly dir: string;
  readonly manifest: PackManifest;
  readonly rules: readonly Rule[];
}

export interface PackSet {
  readonly packs: readonly Pack[];
  /** Every rule by id. */
  readonly rules: ReadonlyMap<string, Rule>;
  /** Problems of files that could not be loaded (their rules are left out). */
  readonly problems: readonly RuleProblem[];
}

function loadManifest(dir: string, name: string, problems: RuleProblem[]): PackManifest {
  const file = join(dir, 'pack.yaml');
  const fallback = { name, title: name, description: `Rules of the ${name} pack.` };
  if (!existsSync(file)) return fallback;
  try {
    const parsed = parseYaml(readFileSync(file, 'utf8'), file);
    const result = packManifestSchema.safeParse(parsed.value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      const pos = parsed.positionOf(issue.path);
      problems.push({ file, ...pos, message: `${issue.path.join('.')}: ${issue.message}` });
    }
  } catch (error) {
    const p = error instanceof M365HuntError ? error.position : undefined;
    problems.push({
      file,
      line: p?.line ?? 1,
      column: p?.column ?? 1,
      message: (error as Error).message,
    });
  }
  return fallback;
}

/** Loads one pack folder. Files that fail are reported in `problems` and left out. */
export function loadPack(dir: string, problems: RuleProblem[]): Pack {
  const name =
    dir
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop() ?? dir;
  const manifest = loadManifest(dir, name, problems);
  const rules: Rule[] = [];
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && f !== 'pack.yaml')
    .sort();
  for (const f of files) {
    const file = join(dir, f);
    try {
      rules.push(loadRuleFile(file, name));
    } catch (error) {
      if (error instanceof RuleFileError) problems.push(...error.problems);
      else {
        const p = error instanceof M365HuntError ? error.position : undefined;
        problems.push({
          file,
          line: p?.line ?? 1,
          column: p?.column ?? 1,
          message: (error as Error).message,
        });
      }
    }
  }
  return { name, dir, manifest, rules };
}

/** Every pack under the given roots (each a folder of pack folders), bundled packs first. */
export function loadPacks(roots: readonly string[] = [BUNDLED_PACKS_DIR]): PackSet {
  const problems: RuleProblem[] = [];
  const packs: Pack[] = [];
  const rules = new Map<string, Rule>();
  const seenPacks = new Map<string, string>();
  for (const root of roots.map((r) => resolve(r))) {
    if (!existsSync(root)) {
      throw new M365HuntError(`The rule pack folder ${root} does not exist.`);
    }
    const dirs = readdirSync(root)
      .map((d) => join(root, d))
      .filter((d) => statSync(d).isDirectory())
      .sort();
    for (const dir of dirs) {
      const pack = loadPack(dir, problems);
      const other = seenPacks.get(pack.name);
      if (other) {
        problems.push({
          file: dir,
          line: 1,
          column: 1,
          message: `pack ${pack.name} is defined twice (also in ${other}); this copy is ignored`,
        });
        continue;
      }
      seenPacks.set(pack.name, dir);
      packs.push(pack);
      for (const rule of pack.rules) {
        const clash = rules.get(rule.id);
        if (clash) {
          problems.push({
            file: rule.file,
            line: 1,
            column: 1,
            message: `rule id ${rule.id} is also used by ${clash.file}`,
          });
        } else rules.set(rule.id, rule);
      }
    }
  }
  return { packs, rules, problems };
}
