// Loads one rule file: YAML syntax, shape (zod), and what zod cannot see — the id and file name
// agree, every `$tunable` is declared and of the right type, test tunings name real tunables.
// Every problem carries `file:line:column`; all problems of a file are reported at once.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { M365HuntError } from '../../util/errors.js';
import { closest } from '../../util/suggest.js';
import { ENTITY_KINDS, ruleSchema, TACTICS, type RuleFile } from './schema.js';
import { findReferences, resolveTunables, tunableType, type TunableType } from './tunables.js';
import { parseYaml, type ParsedYaml } from './yaml.js';

export interface RuleProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export function formatProblem(p: RuleProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

/** A rule file that cannot be used, with every problem found in it. */
export class RuleFileError extends M365HuntError {
  constructor(readonly problems: readonly RuleProblem[]) {
    const first = problems[0];
    super(
      problems.length === 1 && first
        ? first.message
        : `The rule is not valid:\n  ${problems.map(formatProblem).join('\n  ')}`,
      { position: first ? { source: first.file, line: first.line, column: first.column } : {} },
    );
    this.name = 'RuleFileError';
  }
}

export interface Rule {
  readonly id: string;
  readonly pack: string;
  readonly tactic: string;
  readonly file: string;
  readonly def: RuleFile;
  readonly source: ParsedYaml;
}

const KNOWN_KEYS = Object.keys(ruleSchema.shape);

export function loadRuleFile(file: string, pack: string): Rule {
  return parseRule(readFileSync(file, 'utf8'), file, pack);
}

export function parseRule(text: string, file: string, pack: string): Rule {
  const source = parseYaml(text, file);
  const problems: RuleProblem[] = [];
  const at = (path: ReadonlyArray<PropertyKey>, message: string) => {
    const pos = source.positionOf(path);
    problems.push({ file, line: pos.line, column: pos.column, message });
  };
  const parsed = ruleSchema.safeParse(source.value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const where = issue.path.map(String).join('.');
      const message = issue.message;
      if (issue.code === 'unrecognized_keys') {
        for (const k of issue.keys) {
          const s = issue.path.length === 0 ? closest(k, KNOWN_KEYS) : undefined;
          const pos = source.keyPositionOf(issue.path, k);
          const text = `unknown key "${k}"${s ? ` (did you mean "${s}"?)` : ''}`;
          problems.push({ file, ...pos, message: where ? `${where}: ${text}` : text });
        }
        continue;
      }
      at(issue.path, where ? `${where}: ${message}` : message);
    }
    throw new RuleFileError(problems);
  }
  const def = parsed.data;
  const stem = basename(file).replace(/\.ya?ml$/, '');
  if (def.id !== `${pack}/${stem}`) {
    at(['id'], `id must be ${pack}/${stem} (the pack and the file name)`);
  }
  const tactic = TACTICS.find((t) => stem === t || stem.startsWith(`${t}-`));
  if (!tactic) {
    at(['id'], `the file name must start with a tactic (${TACTICS.join(', ')}), then -<what>`);
  }
  checkReferences(def, at);
  checkGroup(def, at);
  def.tests.forEach((test, i) => {
    try {
      resolveTunables(def.tunables, test.tuning);
    } catch (error) {
      at(['tests', i, 'tuning'], `tuning: ${(error as Error).message}`);
    }
  });
  if (problems.length > 0) throw new RuleFileError(problems);
  return { id: def.id, pack, tactic: tactic ?? 'unknown', file, def, source };
}

type At = (path: ReadonlyArray<PropertyKey>, message: string) => void;

/** Every `$name` in queries and parameters is a declared tunable of the right type. */
function checkReferences(def: RuleFile, at: At): void {
  const typeOf = (name: string): TunableType | undefined => {
    const t = def.tunables[name];
    return t ? tunableType(t) : undefined;
  };
  const queryRefs = (text: string, path: PropertyKey[]) => {
    for (const ref of findReferences(text)) {
      if (!typeOf(ref.name)) {
        const s = closest(ref.name, Object.keys(def.tunables));
        at(path, `$${ref.name} is not a declared tunable${s ? ` (did you mean $${s}?)` : ''}`);
      }
    }
  };
  const param = (value: unknown, want: TunableType, path: PropertyKey[]) => {
    if (typeof value !== 'string' || !value.startsWith('$')) return;
    const type = typeOf(value.slice(1));
    if (!type) at(path, `${value} is not a declared tunable`);
    else if (type !== want) at(path, `${value} is a ${type} tunable; this needs a ${want}`);
  };
  if (def.query) queryRefs(def.query, ['query']);
  if (def.threshold) {
    param(def.threshold.min, 'number', ['threshold', 'min']);
    param(def.threshold.window, 'duration', ['threshold', 'window']);
  }
  if (def.inactivity) {
    param(def.inactivity.period, 'duration', ['inactivity', 'period']);
    param(def.inactivity.grace, 'duration', ['inactivity', 'grace']);
    param(def.inactivity.forget, 'duration', ['inactivity', 'forget']);
  }
  if (def.sequence) {
    param(def.sequence.within, 'duration', ['sequence', 'within']);
    def.sequence.steps.forEach((step, i) => {
      queryRefs(step.query, ['sequence', 'steps', i, 'query']);
      param(step.min, 'number', ['sequence', 'steps', i, 'min']);
      param(step.window, 'duration', ['sequence', 'steps', i, 'window']);
    });
    const arity = def.sequence.steps[0]?.by.length ?? 0;
    def.sequence.steps.forEach((step, i) => {
      if (step.by.length !== arity) {
        at(
          ['sequence', 'steps', i, 'by'],
          `every step needs ${arity} key expression(s), as the first`,
        );
      }
    });
  }
  param(def.group.window, 'duration', ['group', 'window']);
  def.response.forEach((r, i) => {
    if (r.entity && !def.entities[r.entity] && def.kind !== 'sequence') {
      at(['response', i, 'entity'], `the rule names no ${r.entity} entity (entities.${r.entity})`);
    }
  });
}

/** `group.by` names entities (or is a key expression when no entity of that name exists). */
function checkGroup(def: RuleFile, at: At): void {
  (def.group.by ?? []).forEach((g, i) => {
    if ((ENTITY_KINDS as readonly string[]).includes(g) && !def.entities[g as 'user']) {
      at(['group', 'by', i], `group.by names the ${g} entity, which the rule does not define`);
    }
  });
}
