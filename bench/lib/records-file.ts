// Writes a file of N real-shaped audit records for the import benchmarks: the simulator's records
// (fetched once over HTTP, as a collector would), repeated with a fresh Id each time so that every
// record is new to the store. NDJSON, or one JSON array on a single line (the shape of a content
// blob and of many exports).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { startSimulator } from '../../src/simulator/index.js';
import { splitJsonArray } from '../../src/ingest/json-array-splitter.js';

const NOW = new Date('2026-11-20T12:00:00Z');

/** The Management Activity API's bearer header for a simulated tenant (client credentials). */
export async function managementHeaders(sim: {
  url: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
}): Promise<{ Authorization: string }> {
  const token = (await (
    await fetch(`${sim.url}/${sim.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: sim.clientId,
        client_secret: sim.clientSecret,
        scope: 'https://manage.office.com/.default',
      }),
    })
  ).json()) as { access_token: string };
  return { Authorization: `Bearer ${token.access_token}` };
}

/** Some thousand record texts from the simulator (all content types, one day). */
export async function simulatedRecords(users = 40, days = 2): Promise<string[]> {
  const sim = await startSimulator({
    port: 0,
    users,
    days,
    now: NOW,
    speed: 0,
    scenarios: ['all'],
    switches: { throttlePerMinute: 0 },
  });
  try {
    const headers = await managementHeaders(sim);
    const records: string[] = [];
    const end = NOW.getTime();
    for (const ct of [
      'Audit.AzureActiveDirectory',
      'Audit.Exchange',
      'Audit.SharePoint',
      'Audit.General',
      'DLP.All',
    ]) {
      const start = end - days * 86_400_000 + 600_000;
      let url: string | null =
        `${sim.url}/api/v1.0/${sim.tenantId}/activity/feed/subscriptions/content?contentType=${ct}` +
        `&startTime=${new Date(start).toISOString().slice(0, 19)}&endTime=${new Date(Math.min(end, start + 86_400_000)).toISOString().slice(0, 19)}&PublisherIdentifier=${sim.tenantId}`;
      while (url) {
        const r: Response = await fetch(url, { headers });
        for (const e of (await r.json()) as Array<{ contentUri: string }>) {
          const blob = await fetch(`${e.contentUri}?PublisherIdentifier=${sim.tenantId}`, {
            headers,
          });
          records.push(...splitJsonArray(await blob.text()).elements);
        }
        url = r.headers.get('nextpageuri');
      }
    }
    return records;
  } finally {
    await sim.close();
  }
}

const ID = /"Id":"[^"]*"/;

/** The `i`-th record of the file: a sample record with an Id of its own. */
export function recordAt(samples: readonly string[], i: number): string {
  const hex = i.toString(16).padStart(12, '0');
  return samples[i % samples.length]!.replace(ID, `"Id":"00000000-0000-4000-8000-${hex}"`);
}

/** Writes `count` records to `path`, one per line or as a single-line JSON array. */
export async function writeRecordsFile(
  path: string,
  samples: readonly string[],
  count: number,
  shape: 'ndjson' | 'array' = 'ndjson',
): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  const write = async (text: string): Promise<void> => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  if (shape === 'array') await write('[');
  let chunk: string[] = [];
  for (let i = 0; i < count; i++) {
    chunk.push(recordAt(samples, i));
    if (chunk.length === 1000 || i === count - 1) {
      await write(
        shape === 'array' ? (i >= 1000 ? ',' : '') + chunk.join(',') : chunk.join('\n') + '\n',
      );
      chunk = [];
    }
  }
  if (shape === 'array') await write(']');
  out.end();
  await once(out, 'finish');
  return bytes;
}

// As a script: `tsx bench/lib/records-file.ts OUT COUNT [ndjson|array]`.
if (process.argv[1]?.endsWith('records-file.ts')) {
  const [out, count, shape] = process.argv.slice(2);
  const samples = await simulatedRecords();
  const bytes = await writeRecordsFile(
    out!,
    samples,
    Number(count),
    shape === 'array' ? 'array' : 'ndjson',
  );
  console.log(
    `${samples.length} samples, ${count} records, ${(bytes / 1e6).toFixed(0)} MB → ${out}`,
  );
}
