// The responder's public surface: the workflow (propose, approve, reject, run, undo, verify), the
// dry run, proposals from alerts, the log, and the text views the CLI prints. The server's adapter
// and the CLI use this and nothing deeper.
export { Responder, seededActionId, type Proposal, type ResponderOptions } from './workflow.js';
export { proposeFromAlerts, suggestedProposal, type SuggestResult } from './suggest.js';
export {
  respondConfig,
  autoApproved,
  DEFAULT_RESPOND_CONFIG,
  type RespondConfig,
} from './config.js';
export { RespondError, type RespondErrorKind } from './errors.js';
export { listSummaries, readRows, type ActionSummary } from './log.js';
export { RESPOND_ACTIONS_TABLE } from '../store/respond-family.js';
export { renderPlan, renderAction } from './render.js';
export type { DirectoryFacts } from './graph/users.js';
export {
  ACTION_KINDS,
  ACTION_STATUSES,
  foldAction,
  summarise,
  type ActionKind,
  type ActionSpec,
  type ActionStatus,
  type ActionView,
  type Actor,
  type Plan,
} from './model.js';
