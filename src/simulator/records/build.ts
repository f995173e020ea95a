// Event → audit record(s): one dispatch over the event kinds. Each event has its own random
// stream (seeded by its key), so a record's Id and incidental fields never depend on the other
// events of its slice.
import type { ActivityEvent } from '../activity/events.js';
import { Rng } from '../util/prng.js';
import { buildDirectory, buildSignIn } from './azure-ad.js';
import type { BuildContext, BuiltRecord } from './common.js';
import { buildComplianceCmdlet, buildDlp } from './compliance.js';
import {
  buildAttachmentDownload,
  buildExchangeCmdlet,
  buildMailAccess,
  buildSend,
} from './exchange.js';
import { buildFile, buildShare } from './sharepoint.js';
import { buildTeams } from './teams.js';

export function buildRecord(ctx: BuildContext, seed: number, e: ActivityEvent): BuiltRecord {
  const rng = new Rng(seed, 'event', e.key);
  switch (e.kind) {
    case 'signIn':
      return buildSignIn(ctx, e, rng);
    case 'directory':
      return buildDirectory(ctx, e, rng);
    case 'file':
      return buildFile(ctx, e, rng);
    case 'share':
      return buildShare(ctx, e, rng);
    case 'mailAccess':
      return buildMailAccess(ctx, e, rng);
    case 'mailSend':
      return buildSend(ctx, e, rng);
    case 'attachmentDownload':
      return buildAttachmentDownload(ctx, e, rng);
    case 'exchangeCmdlet':
      return buildExchangeCmdlet(ctx, e, rng);
    case 'complianceCmdlet':
      return buildComplianceCmdlet(ctx, e, rng);
    case 'teams':
      return buildTeams(ctx, e, rng);
    case 'dlp':
      return buildDlp(ctx, e, rng);
  }
}
