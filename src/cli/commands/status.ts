// `m365hunt status`: per tenant and stream, how far collection got, how far behind it is, what it
// stored, skipped and quarantined, the last error, and warnings before Microsoft deletes content.
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { geoIp } from '../../enrich/geoip.js';
import { statusRows } from '../../sources/status.js';
import { formatDuration } from '../../util/duration.js';
import { openStoreFromOptions, type StoreCliOptions } from '../../app/store.js';
import { addStoreOptions } from '../store-options.js';
import { renderTable } from '../table.js';

/** The GeoIP databases in use and their dates (lookups are only as current as these). */
export function geoIpLine(): string {
  const dbs = geoIp().databases();
  return `GeoIP: ${dbs.map((d) => `${d.kind} ${d.package} ${d.version} (data of ${d.date})`).join('; ')}`;
}

export function registerStatus(program: Command): void {
  const command = program
    .command('status')
    .description(
      'Show collection progress, lag, volumes, skipped content and errors per tenant and stream.',
    )
    .option('--format <format>', 'table or json', 'table');
  addStoreOptions(command);
  command.action(async (options: StoreCliOptions & { format: string }) => {
    const config = options.config ? loadConfig(options.config) : undefined;
    const store = await openStoreFromOptions(options, { config, readOnly: true });
    try {
      const rows = statusRows(await store.streamStatus(), config);
      const quarantined = await store.quarantine(5);
      if (options.format === 'json') {
        console.log(
          JSON.stringify(
            { streams: rows, warnings: config?.warnings ?? [], geoip: geoIp().databases() },
            null,
            2,
          ),
        );
        return;
      }
      for (const w of config?.warnings ?? []) console.log(`warning: ${w}`);
      console.log(geoIpLine());
      if (rows.length === 0) {
        console.log(
          `Nothing collected yet in ${store.location}. Run \`m365hunt collect --config FILE\`.`,
        );
        return;
      }
      console.log(
        renderTable(
          [
            'tenant',
            'stream',
            'listed through',
            'lag',
            'records',
            'skipped',
            'quarantined',
            'last error',
          ],
          rows.map((r) => [
            r.tenant,
            r.stream,
            r.listedThrough ?? '-',
            r.lagMs === null ? '-' : formatDuration(r.lagMs),
            String(r.records),
            String(r.skipped),
            String(r.quarantined),
            r.lastError ? `${r.lastErrorAt ?? ''} ${r.lastError}` : '-',
          ]),
        ),
      );
      for (const r of rows)
        if (r.warning) console.log(`warning: ${r.tenant} ${r.stream}: ${r.warning}`);
      if (rows.some((r) => r.skipped > 0)) {
        console.log(
          'Skipped content can be fetched again with `m365hunt collect --config FILE --retry-skipped`.',
        );
      }
      if (quarantined.length > 0) {
        console.log(`Latest quarantined records (invalid, kept aside):`);
        for (const q of quarantined)
          console.log(`  ${q.at.toISOString()} ${q.origin}: ${q.reason}`);
      }
    } finally {
      await store.close();
    }
  });
}
