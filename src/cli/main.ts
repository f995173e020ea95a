// The command line: one subcommand module under ./commands per area, each a thin adapter over the
// functions the server calls too. Errors are printed here and nowhere else.
import { Command } from 'commander';
import { describeError, M365HuntError } from '../util/errors.js';

const program = new Command('m365hunt')
  .description('Find and stop data exfiltration in Microsoft 365.')
  .showHelpAfterError();

// Each area adds its `register…(program)` here, one per line. Modules load on demand: the ingest
// commands load their own only, since the rest of the CLI (the server, LINQ, the web routes) would
// add tens of MiB to the peak memory they keep flat (docs/import.md, "Memory").
type Registration = () => Promise<(program: Command) => void>;
const registrations: Registration[] = [
  async () => (await import('./commands/version.js')).registerVersion,
  async () => (await import('./commands/collect.js')).registerCollect,
  async () => (await import('./commands/config.js')).registerConfig,
  async () => (await import('./commands/status.js')).registerStatus,
  async () => (await import('./commands/import.js')).registerImport,
  async () => (await import('./commands/simulate.js')).registerSimulate,
  async () => (await import('./commands/serve.js')).registerServe,
  async () => (await import('./commands/users.js')).registerUsers,
  async () => (await import('./commands/demo.js')).registerDemo,
  async () => (await import('./commands/store.js')).registerStore,
  async () => (await import('./commands/rules.js')).registerRules,
  async () => (await import('./commands/alerts.js')).registerAlerts,
  async () => (await import('./commands/query.js')).registerQuery,
  async () => (await import('./commands/lookups.js')).registerLookups,
  async () => (await import('./commands/respond.js')).registerRespond,
];
const ingest: Record<string, Registration> = {
  import: registrations[4]!,
  collect: registrations[1]!,
};
const command = process.argv.slice(2).find((a) => !a.startsWith('-'));
const only = command === undefined ? undefined : ingest[command];
for (const load of only ? [only] : registrations) (await load())(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(`error: ${describeError(error)}`);
  process.exitCode = error instanceof M365HuntError ? error.exitCode : 1;
}
