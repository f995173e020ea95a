// Runs the server: the HTTP API and web app on one address, and in the same process the
// collectors (polling forever) whose commits wake the alert engine. `serve` and `demo` use this.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import type { ResolvedConfig } from '../config/load.js';
import { Collection, type CollectionOptions } from '../sources/collection.js';
import type { Store } from '../store/store.js';
import { createLogger, type Logger } from '../util/log.js';
import type { AlertRunner } from '../alerts/runner.js';
import { startAlerting } from './alerting.js';
import { alertsPort } from '../server/adapters/alerts.js';
import { respondPort } from '../server/adapters/respond.js';
import { createApp, createDeps } from '../server/create.js';
import type { ServerDeps } from '../server/deps.js';
import type { AlertsPort, RespondPort } from '../server/ports.js';
import type { ServerSettings } from '../server/settings.js';

/** dist/web next to the compiled server, or the repository's dist/web when run from src with tsx. */
export function defaultWebRoot(): string | undefined {
  for (const candidate of ['../web/', '../../dist/web/']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(`${path}index.html`)) return path;
  }
  return undefined;
}

export interface Listening {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  host: string,
  port: number,
): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    const server: ServerType = serve({ fetch, hostname: host, port }, (info: AddressInfo) => {
      server.off('error', onError);
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            // Streams in flight (a long query) must not keep the process alive.
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
    server.once('error', onError);
  });
}

export interface ServerOptions {
  readonly store: Store;
  readonly config?: ResolvedConfig;
  readonly settings: ServerSettings;
  readonly host?: string;
  readonly port?: number;
  readonly alerts?: AlertsPort;
  readonly respond?: RespondPort;
  /**
   * The alert runner: evaluates after each committed batch and on its own interval. By default,
   * when this process collects, alerting as the configuration says (app/alerting.ts); without
   * collectors here, the collecting process evaluates.
   */
  readonly engine?: AlertRunner;
  /** Called after each committed batch. */
  readonly onCommit?: () => void;
  /** Run the collectors in this process (the settings' `collect`, unless overridden). */
  readonly collect?: boolean;
  readonly collection?: Partial<CollectionOptions>;
  readonly webRoot?: string | null;
  readonly log?: Logger;
  /** The server's present (see ServerDeps.now); the real clock by default. */
  readonly now?: () => Date;
  /** A stop request (SIGINT/SIGTERM): the collectors end at once, before close() is called. */
  readonly signal?: AbortSignal;
}

export interface RunningServer extends Listening {
  readonly deps: ServerDeps;
  readonly collection: Collection | undefined;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? createLogger('server');
  const deps = createDeps({
    store: options.store,
    config: options.config,
    settings: options.settings,
    alerts: options.alerts ?? alertsPort(options.store, options.config, options.now),
    respond:
      options.respond ??
      respondPort(options.store, options.config, log.child('respond'), {
        ...(options.now ? { now: options.now } : {}),
      }),
    webRoot: options.webRoot === null ? undefined : (options.webRoot ?? defaultWebRoot()),
    log,
    ...(options.now ? { now: options.now } : {}),
  });
  if (!deps.webRoot)
    log.warn('the web app is not built (dist/web): serving the API only; run `npm run build`');
  const app = createApp(deps);
  const listening = await listen(
    app.fetch,
    options.host ?? options.settings.host,
    options.port ?? options.settings.port,
  );
  const abort = new AbortController();
  if (options.signal?.aborted) abort.abort();
  options.signal?.addEventListener('abort', () => abort.abort(), { once: true });
  let collection: Collection | undefined;
  let collecting: Promise<void> | undefined;
  const collect = options.collect ?? options.settings.collect;
  const engine =
    options.engine ??
    (collect && options.config
      ? startAlerting(options.store, options.config, {
          log: log.child('alerts'),
          ...(options.now ? { now: options.now } : {}),
        })
      : undefined);
  if (collect && options.config) {
    collection = new Collection(options.config, options.store, {
      log: log.child('collect'),
      onCommit: () => {
        options.onCommit?.();
        engine?.onCommit();
      },
      ...options.collection,
      signal: options.collection?.signal
        ? AbortSignal.any([abort.signal, options.collection.signal])
        : abort.signal,
    });
    if (collection.tenants.length > 0) {
      collecting = collection
        .forever(abort.signal, (summaries) => {
          for (const s of summaries)
            for (const r of s.results)
              if (r.error) log.error(`${s.tenant} ${r.key.stream}: ${r.error}`);
        })
        .catch((error: unknown) =>
          log.error(
            `collection stopped: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
    }
  }
  // Inactivity rules fire on silence, which no commit announces: the runner evaluates on a clock too.
  engine?.start();
  // A runner of its own evaluates what is already in the store at once.
  if (engine && !options.engine && !abort.signal.aborted) void engine.trigger();
  return {
    ...listening,
    deps,
    collection,
    async close() {
      abort.abort();
      await listening.close();
      await collecting;
      await deps.respond?.close?.();
      await engine?.stop(false);
    },
  };
}
