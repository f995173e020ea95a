// Which collected stream a quarantined record came from, so that `status` counts quarantined
// records per stream rather than per tenant. The quarantine keeps the record's family and origin:
// a Management Activity content id (its stream is in the content marks), or for the Graph sources
// the stream's own name followed by a space (`signIns 2026-…..…`) or a parenthesis (a report,
// `getOffice365ActiveUserDetail(period='D7') …`). Records from imports name a file: no stream.
import { FAMILIES } from './schema.js';
import type { StreamKey } from './store.js';

export interface QuarantineCount {
  readonly tenant: string;
  readonly family: string;
  readonly origin: string;
  readonly n: number;
}

/** The stream of each content id that is also a quarantine origin. */
export type ContentStreams = ReadonlyMap<string, StreamKey>;

const sourceOfFamily = new Map(FAMILIES.map((f) => [f.id, f.source]));

export const streamKeyId = (k: StreamKey) => JSON.stringify([k.source, k.tenant, k.stream]);

/** Quarantined records per stream (by `streamKeyId`), among the given streams. */
export function quarantinedByStream(
  counts: readonly QuarantineCount[],
  contents: ContentStreams,
  streams: readonly StreamKey[],
): Map<string, number> {
  const out = new Map<string, number>();
  const add = (k: StreamKey, n: number) =>
    out.set(streamKeyId(k), (out.get(streamKeyId(k)) ?? 0) + n);
  for (const c of counts) {
    const content = contents.get(c.origin);
    if (content && content.tenant === c.tenant) {
      add(content, c.n);
      continue;
    }
    const source = sourceOfFamily.get(c.family);
    const stream = streams.find(
      (k) =>
        k.tenant === c.tenant &&
        k.source === source &&
        (c.origin.startsWith(`${k.stream} `) || c.origin.startsWith(`${k.stream}(`)),
    );
    if (stream) add(stream, c.n);
  }
  return out;
}
