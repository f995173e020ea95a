// The command line: one subcommand module under ./commands per area, each a thin adapter over the
// functions the server calls too. Errors are printed here and nowhere else.
import { Command } from 'commander';
import { describeError, M365HuntError } from '../util/errors.js';
import { registerAlerts } from './commands/alerts.js';
import { registerCollect } from './commands/collect.js';
import { registerConfig } from './commands/config.js';
import { registerDemo } from './commands/demo.js';
import { registerImport } from './commands/import.js';
import { registerLookups } from './commands/lookups.js';
import { registerQuery } from './commands/query.js';
import { registerRespond } from './commands/respond.js';
import { registerRules } from './commands/rules.js';
import { registerSimulate } from './commands/simulate.js';
import { registerServe } from './commands/serve.js';
import { registerStatus } from './commands/status.js';
import { registerStore } from './commands/store.js';
import { registerUsers } from './commands/users.js';
import { registerVersion } from './commands/version.js';

const program = new Command('m365hunt')
  .description('Find and stop data exfiltration in Microsoft 365.')
  .showHelpAfterError();

// Each area adds its `register…(program)` here, one per line.
const registrations: Array<(program: Command) => void> = [
  registerVersion,
  registerCollect,
  registerConfig,
  registerStatus,
  registerImport,
  registerSimulate,
  registerServe,
  registerUsers,
  registerDemo,
  registerStore,
  registerRules,
  registerAlerts,
  registerQuery,
  registerLookups,
  registerRespond,
];
for (const register of registrations) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(`error: ${describeError(error)}`);
  process.exitCode = error instanceof M365HuntError ? error.exitCode : 1;
}
