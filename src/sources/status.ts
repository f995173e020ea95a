// Per tenant and stream, how far collection got, how far behind it is, what it stored, skipped
// and quarantined, the last error, and warnings before Microsoft deletes content: the rows of
// `m365hunt status`, the server's /api/status and its metrics.
import type { ResolvedConfig } from '../config/load.js';
import type { StreamStatus } from '../store/store.js';
import { formatDuration } from '../util/duration.js';
import { retentionOf } from './retention.js';

export interface StatusRow {
  tenant: string;
  stream: string;
  listedThrough: string | null;
  lagMs: number | null;
  records: number;
  skipped: number;
  quarantined: number;
  lastError: string | null;
  lastErrorAt: string | null;
  lastSuccessAt: string | null;
  warning: string | null;
}

export function statusRows(
  streams: readonly StreamStatus[],
  config: ResolvedConfig | undefined,
  now = Date.now(),
): StatusRow[] {
  const names = new Map(config?.instances.map((i) => [i.tenantId, i.name]) ?? []);
  return streams.map((s) => {
    const cursor = s.cursor as { listedThrough?: string } | null;
    const through = cursor?.listedThrough ?? null;
    const lag = through ? now - Date.parse(through) : null;
    const r = retentionOf(s.key.source);
    let warning: string | null = null;
    if (lag !== null && lag > r.warnMs) {
      warning =
        r.keptMs === Infinity
          ? `no new report for ${formatDuration(lag)}`
          : lag >= r.keptMs
            ? `behind more than ${formatDuration(r.keptMs)}: Microsoft has deleted ${r.what} that was not collected`
            : `behind ${formatDuration(lag)}: Microsoft deletes ${r.what} after ${formatDuration(r.keptMs)}, collect within ${formatDuration(r.keptMs - lag)}`;
    } else if (s.lastError && /no Entra ID P1\/P2 licence/.test(s.lastError)) {
      warning =
        'no Entra ID P1/P2 licence: Microsoft serves sign-in logs only to tenants with Entra ID P1 or P2 (assign one, or set "sign_ins": false)';
    } else if (!through && s.lastError) {
      warning = 'never collected';
    }
    if (s.lastError && / — fix: /.test(s.lastError) && !/P1\/P2 licence/.test(warning ?? '')) {
      // A known cause (audit logging off, a missing permission): its fix, not just the symptom.
      const [problem = '', fix = ''] = s.lastError.split(' — fix: ');
      const what = problem.replace(/ \([^)]*\):.*$/s, '');
      warning = `${warning ? `${warning}; ` : ''}${what}; fix: ${fix}`;
    }
    return {
      tenant: names.get(s.key.tenant) ?? s.key.tenant,
      stream: `${s.key.source === 'management' ? '' : `${s.key.source}:`}${s.key.stream}`,
      listedThrough: through,
      lagMs: lag,
      records: s.records,
      skipped: s.skipped,
      quarantined: s.quarantined,
      lastError: s.lastError,
      lastErrorAt: s.lastErrorAt?.toISOString() ?? null,
      lastSuccessAt: s.lastSuccessAt?.toISOString() ?? null,
      warning,
    };
  });
}
