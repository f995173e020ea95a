// `m365hunt rules list|show|test|validate|eval`: the rule packs, their tests, and how well they
// catch the simulator's labelled attacks. Thin adapters over src/alerts.
import type { Command } from 'commander';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatEvaluation } from '../../alerts/eval/evaluate.js';
import { evaluatePacks } from '../../app/evaluate-packs.js';
import { CATALOGUE_GROUPS, coverageOf, GAPS, TOP_15 } from '../../alerts/rules/coverage.js';
import { formatProblem, type Rule } from '../../alerts/rules/load.js';
import { loadPacks } from '../../alerts/rules/packs.js';
import { duckdbOpener, runManyRuleTests } from '../../alerts/rules/testing.js';
import { tunableType } from '../../alerts/rules/tunables.js';
import { validateRuleLinq } from '../../alerts/rules/validate.js';
import { packRoots, setupAlerting } from '../../alerts/setup.js';
import { loadConfig } from '../../config/load.js';
import { M365HuntError } from '../../util/errors.js';
import { renderTable } from '../table.js';

interface RulesOptions {
  config?: string;
  packs?: string[];
  pack?: string;
  format?: string;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function loaded(options: RulesOptions, tolerant = true) {
  const config = options.config ? loadConfig(options.config) : undefined;
  return setupAlerting(config, { packsDirs: options.packs ?? [], tolerant });
}

function selectRules(rules: Iterable<Rule>, ids: readonly string[], pack?: string): Rule[] {
  const all = [...rules].sort((a, b) => a.id.localeCompare(b.id));
  const picked = all.filter(
    (r) =>
      (!pack || r.pack === pack) &&
      (ids.length === 0 || ids.some((id) => r.id === id || r.id.startsWith(id))),
  );
  if (picked.length === 0) {
    throw new M365HuntError(
      `No rule matches ${[...ids, pack ? `pack ${pack}` : ''].filter(Boolean).join(', ') || '(all)'}.`,
      {
        hint: 'List the rules with `m365hunt rules list`.',
      },
    );
  }
  return picked;
}

function printCoverage(rules: readonly Rule[]): void {
  const c = coverageOf(rules);
  console.log(
    renderTable(
      ['rule', 'catalogue', 'mitre'],
      [...rules]
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((r) => [r.id, r.def.catalog.join(' '), r.def.mitre.join(' ')]),
      60,
    ),
  );
  console.log('\nCatalogue groups:');
  for (const [g, title] of Object.entries(CATALOGUE_GROUPS)) {
    console.log(`  ${g} ${title}: ${c.byGroup.get(g)?.length ?? 0} rules`);
  }
  console.log('\nTop 15:');
  for (const [id, title] of Object.entries(TOP_15)) {
    console.log(`  ${id.padEnd(4)} ${title}: ${c.byEntry.get(id)?.join(', ') ?? 'MISSING'}`);
  }
  console.log('\nGaps no public rule covers:');
  for (const [id, title] of Object.entries(GAPS)) {
    console.log(`  ${title}: ${c.byEntry.get(id)?.join(', ') ?? 'MISSING'}`);
  }
}

export function registerRules(program: Command): void {
  const rules = program
    .command('rules')
    .description('Rule packs: list, show, test, validate and evaluate rules.');
  const common = (c: Command) =>
    c
      .option(
        '--config <file>',
        'configuration file (its alerts section: packs, overrides, pack folders)',
      )
      .option('--packs <dir>', 'another folder of rule packs (repeatable)', collect);

  common(rules.command('list').description('List the rules of every pack.'))
    .option('--pack <name>', 'only this pack')
    .option('--format <format>', 'table or json', 'table')
    .option('--coverage', 'the detection catalogue coverage: groups, top 15, gaps')
    .action((options: RulesOptions & { coverage?: boolean }) => {
      const { packs, plans } = loaded(options);
      if (options.coverage) {
        printCoverage(
          [...packs.rules.values()].filter((r) => !options.pack || r.pack === options.pack),
        );
        return;
      }
      const enabled = new Set(plans.map((p) => p.rule.id));
      const list = [...packs.rules.values()]
        .filter((r) => !options.pack || r.pack === options.pack)
        .sort((a, b) => a.id.localeCompare(b.id));
      if (options.format === 'json') {
        console.log(
          JSON.stringify(
            list.map((r) => ({
              id: r.id,
              pack: r.pack,
              tactic: r.tactic,
              title: r.def.title,
              kind: r.def.kind,
              severity: r.def.severity,
              mitre: r.def.mitre,
              catalog: r.def.catalog,
              enabled: enabled.has(r.id),
            })),
            null,
            2,
          ),
        );
      } else {
        console.log(
          renderTable(
            ['rule', 'kind', 'severity', 'mitre', 'catalog', 'on', 'title'],
            list.map((r) => [
              r.id,
              r.def.kind,
              r.def.severity,
              r.def.mitre.join(' '),
              r.def.catalog.join(' '),
              enabled.has(r.id) ? 'yes' : 'no',
              r.def.title,
            ]),
            48,
          ),
        );
        console.log(
          `\n${list.length} rules in ${packs.packs.length} packs (${enabled.size} enabled).`,
        );
      }
      for (const p of packs.problems) console.error(`warning: ${formatProblem(p)}`);
    });

  common(
    rules
      .command('show')
      .description('Show a rule: its file, tunables and how the configuration sets it.'),
  )
    .argument('<id>', 'rule id (or a unique prefix)')
    .action((id: string, options: RulesOptions) => {
      const { packs, plans } = loaded(options);
      const [rule, ...more] = selectRules(packs.rules.values(), [id]);
      if (more.length > 0)
        throw new M365HuntError(
          `${id} names several rules: ${[rule, ...more].map((r) => r!.id).join(', ')}`,
        );
      console.log(`# ${rule!.file}\n`);
      console.log(readFileSync(rule!.file, 'utf8').replace(/\ntests:[\s\S]*$/, '\n'));
      const plan = plans.find((p) => p.rule.id === rule!.id);
      const tunables = Object.entries(rule!.def.tunables);
      if (tunables.length > 0) {
        console.log('# tunables (default → as configured)');
        for (const [name, def] of tunables) {
          const set =
            plan?.profiles.map((p) => JSON.stringify(p.tuning.get(name))).join(' / ') ??
            '(rule disabled)';
          console.log(
            `#   ${name} (${tunableType(def)}): ${JSON.stringify(def.default)} → ${set}  ${def.description}`,
          );
        }
      }
      console.log(
        `# ${rule!.def.tests.length} test case(s); run them with \`m365hunt rules test ${rule!.id}\``,
      );
      if (!plan) console.log('# disabled by the configuration or by default');
    });

  common(
    rules
      .command('test')
      .description("Run rules' positive and negative test records through the engine."),
  )
    .argument('[ids...]', 'rule ids or prefixes (default: all)')
    .option('--pack <name>', 'only this pack')
    .option('-v, --verbose', 'show passing cases too')
    .action(async (ids: string[], options: RulesOptions & { verbose?: boolean }) => {
      const { packs } = loaded(options);
      const selected = selectRules(packs.rules.values(), ids, options.pack);
      const dir = mkdtempSync(join(tmpdir(), 'm365hunt-rules-test-'));
      let failed = 0;
      let cases = 0;
      try {
        const open = duckdbOpener(dir);
        await runManyRuleTests(selected, open, 4, (results) => {
          for (const r of results) {
            cases++;
            if (!r.ok) failed++;
            if (!r.ok || options.verbose)
              console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.rule} › ${r.name}: ${r.message}`);
          }
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      console.log(`${selected.length} rules, ${cases} cases, ${failed} failed.`);
      if (failed > 0 || packs.problems.length > 0) process.exitCode = 1;
      for (const p of packs.problems) console.error(formatProblem(p));
    });

  common(
    rules
      .command('validate')
      .description('Check rule files: schema, tunables and LINQ for every store dialect.'),
  )
    .argument('[dirs...]', 'pack roots to check instead of the configured ones')
    .action((dirs: string[], options: RulesOptions) => {
      const config = options.config ? loadConfig(options.config) : undefined;
      const alerting = setupAlerting(config, { packsDirs: options.packs ?? [], tolerant: true });
      const packs =
        dirs.length > 0
          ? loadPacks(dirs)
          : loadPacks(packRoots(alerting.config, options.packs ?? []));
      const problems = [...packs.problems];
      for (const rule of packs.rules.values()) problems.push(...validateRuleLinq(rule));
      for (const p of problems) console.log(formatProblem(p));
      console.log(`${packs.rules.size} rules checked, ${problems.length} problem(s).`);
      if (problems.length > 0) process.exitCode = 1;
    });

  common(
    rules
      .command('eval')
      .description(
        "Recall and false positives on the simulator's demo tenant, per rule and per scenario.",
      ),
  )
    .option('--users <n>', 'member accounts of the simulated tenant', (v) => Number(v), 50)
    .option('--days <n>', 'days of history (1–7)', (v) => Number(v), 2)
    .option('--seed <n>', 'simulator seed', (v) => Number(v), 1)
    .option('--format <format>', 'table or json', 'table')
    .option('-q, --quiet', 'no progress output')
    .action(
      async (
        options: RulesOptions & { users: number; days: number; seed: number; quiet?: boolean },
      ) => {
        const config = options.config ? loadConfig(options.config) : undefined;
        const alerting = setupAlerting(config, { packsDirs: options.packs ?? [] });
        const result = await evaluatePacks({
          plans: alerting.plans,
          users: options.users,
          days: options.days,
          seed: options.seed,
          progress: options.quiet ? undefined : (line) => console.error(line),
        });
        if (options.format === 'json') console.log(JSON.stringify(result, null, 2));
        else console.log(formatEvaluation(result));
        if (!result.passed) process.exitCode = 1;
      },
    );
}
