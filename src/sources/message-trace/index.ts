// Exchange Online message trace through Microsoft Graph (docs/microsoft-apis.md, "Message trace"):
// `/admin/exchange/tracing/messageTraces` (ExchangeMessageTrace.Read.All, Global cloud only) into
// `cloud.office365.messagetracing`, one row per message and recipient. A time-filtered log read by
// the shared LogStreamCollector on `receivedDateTime`.
import { MESSAGE_TRACE } from '../../store/schema.js';
import type { LogStreamSpec } from '../graph/log-stream.js';
import { RETENTION } from '../retention.js';

export const MESSAGE_TRACE_SOURCE = 'message_trace';

export const MESSAGE_TRACES: LogStreamSpec = {
  source: MESSAGE_TRACE_SOURCE,
  stream: 'messageTraces',
  family: MESSAGE_TRACE.id,
  path: 'admin/exchange/tracing/messageTraces',
  timeField: 'receivedDateTime',
  // Graph covers the last 90 days.
  retentionMs: RETENTION.message_trace.keptMs,
};
