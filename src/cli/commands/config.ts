// `m365hunt init` writes a commented starting configuration; `m365hunt config check` validates
// one and tests it against the tenant, saying exactly what to fix.
import type { Command } from 'commander';
import { existsSync, writeFileSync } from 'node:fs';
import { loadConfig } from '../../config/load.js';
import { CONFIG_TEMPLATE } from '../../config/template.js';
import { checkInstance } from '../../sources/check.js';
import { M365HuntError } from '../../util/errors.js';

export function registerConfig(program: Command): void {
  program
    .command('init')
    .description('Write a commented starting configuration.')
    .option('-o, --output <file>', 'where to write it', 'm365hunt.json')
    .option('--force', 'overwrite an existing file')
    .action((options: { output: string; force?: boolean }) => {
      if (existsSync(options.output) && !options.force) {
        throw new M365HuntError(`${options.output} already exists.`, {
          hint: 'Use --force to overwrite it.',
        });
      }
      writeFileSync(options.output, CONFIG_TEMPLATE, { mode: 0o600 });
      console.log(`Wrote ${options.output}. Fill in the placeholders, then run:`);
      console.log(`  npx m365hunt config check --config ${options.output}`);
    });

  const config = program.command('config').description('Check a configuration.');
  config
    .command('check')
    .description(
      'Validate the configuration, then test the token, permissions and subscriptions of each tenant.',
    )
    .requiredOption('--config <file>', 'configuration file')
    .option('--offline', 'only validate the file')
    .action(async (options: { config: string; offline?: boolean }) => {
      const resolved = loadConfig(options.config);
      console.log(
        `✔ ${options.config}: valid (${resolved.instances.length} collector instance(s))`,
      );
      for (const w of resolved.warnings) console.log(`! ${w}`);
      if (options.offline) return;
      let failed = 0;
      for (const instance of resolved.instances) {
        console.log(
          `\n${instance.name} (tenant ${instance.tenantId}, collector ${instance.id}, ${instance.cloud})`,
        );
        for (const line of await checkInstance(instance)) {
          console.log(
            `${line.ok ? '✔' : '✖'} ${line.what}${line.detail ? `: ${line.detail}` : ''}`,
          );
          if (line.fix) console.log(`    fix: ${line.fix}`);
          if (!line.ok) failed++;
        }
      }
      if (failed > 0) {
        console.log(`\n${failed} problem(s) to fix.`);
        process.exitCode = 1;
      } else {
        console.log('\nAll checks passed: `npx m365hunt collect --config FILE` will work.');
      }
    });
}
