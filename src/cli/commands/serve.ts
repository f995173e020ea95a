// `m365hunt serve`: the HTTP API and the web app, with the collectors running in the same process.
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { Accounts } from '../../server/auth/accounts.js';
import { startServer } from '../../app/runtime.js';
import { serverSettings } from '../../server/settings.js';
import { M365HuntError } from '../../util/errors.js';
import { createLogger, setLogLevel } from '../../util/log.js';
import { openStoreFromOptions, type StoreCliOptions } from '../../app/store.js';
import { addStoreOptions } from '../store-options.js';
import { handleStopSignals } from '../../util/stop-signals.js';

interface ServeOptions extends StoreCliOptions {
  port?: string;
  host?: string;
  collect: boolean;
  verbose?: boolean;
}

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new M365HuntError(
      `--port ${text} is not a port number (0 to 65535; 0 lets the system choose).`,
    );
  }
  return port;
}

export function registerServe(program: Command): void {
  const command = program
    .command('serve')
    .description(
      'Run the HTTP API and the web app, with the collectors and the alert engine in-process.',
    )
    .requiredOption('--config <file>', 'configuration file')
    .option('--port <n>', "port to listen on (default: the config's server.port, or 8080)")
    .option('--host <address>', 'address to listen on (default: 127.0.0.1)')
    .option('--no-collect', 'do not run the collectors (another process collects into the store)')
    .option('-v, --verbose', 'debug logging');
  addStoreOptions(command, false);
  command.action(async (options: ServeOptions) => {
    // From the first moment, through the first backfill: see util/stop-signals.ts.
    const stop = handleStopSignals();
    if (options.verbose) setLogLevel('debug');
    const config = loadConfig(options.config!);
    const settings = serverSettings(config);
    const log = createLogger('serve');
    for (const w of config.warnings) log.warn(w);
    const store = await openStoreFromOptions(options, { config });
    try {
      if ((await new Accounts(store).count()) === 0) {
        log.warn(
          'no account exists yet: create the first admin with `npx m365hunt users add NAME --role admin`',
        );
      }
      const server = await startServer({
        store,
        config,
        settings,
        host: options.host,
        port: parsePort(options.port),
        collect: options.collect && settings.collect,
        log,
        signal: stop.signal,
      });
      console.log(`m365hunt is serving ${server.url} (store ${store.location}); Ctrl-C stops`);
      await stop.stopped;
      log.info('stopping');
      await server.close();
    } finally {
      await store.close();
    }
  });
}
