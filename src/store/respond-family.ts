// The response action log (src/respond) as a table family: appended, never edited. One row per step
// of an action (proposed, approved, rejected, started, executed, verified, completed, undone) with
// who, when, what, the target and Microsoft Graph's answer. An action's current state is the fold
// of its rows in ingest order; `message` holds the step as JSON (the request, the plan, the answer).
// Kept in its own file so that schema.ts only lists it.
import { col, derived } from './column-def.js';
import type { TableFamily } from './schema.js';

export const RESPOND_ACTIONS_TABLE = 'm365hunt.respond.actions';

export const RESPOND_ACTIONS: TableFamily = {
  id: 'respond_actions',
  table: RESPOND_ACTIONS_TABLE,
  description:
    "Response action log: every step (proposed, approved, rejected, executed, verified, undone) with who, what and Microsoft Graph's answer.",
  idPath: 'Id',
  timePath: 'CreationTime',
  // No address is logged; the stores read one path for their (unused here) address expression.
  ipPaths: ['Ip'],
  columns: [
    derived('_seq', 'int', 'seq', 'Ingest sequence number.', true),
    derived('_ingested', 'timestamp', 'ingested', 'When the row was stored.', true),
    derived('_tenant', 'string', 'tenant', 'Tenant id the action acts in.', true),
    derived('_content_type', 'string', 'contentType', `Always ${RESPOND_ACTIONS_TABLE}.`, true),
    derived('_subtable', 'string', 'subtable', 'Unused (no Workload).', true),
    derived('eventdate', 'timestamp', 'eventdate', 'When the step happened (UTC).'),
    derived('client', 'string', 'client', "The tenant's label."),
    col('Id', 'string', 'Unique row id.'),
    col('CreationTime', 'string', 'When the step happened (ISO, UTC).'),
    col('ActionId', 'string', 'The action the step belongs to.'),
    col('StepNo', 'int', 'Position of the step within its action (1, 2, …).'),
    col(
      'Step',
      'string',
      'proposed, approved, rejected, started, executed, verified, completed or undone.',
    ),
    col(
      'Status',
      'string',
      "The action's status after the step: proposed, approved, rejected, running, executed, verified, failed or undone.",
    ),
    col('Action', 'string', 'disable-user, enable-user, revoke-sessions or remove-sharing.'),
    col('UserId', 'string', 'The account acted on (UPN).'),
    col('Actor', 'string', 'Who took the step: a person, or rule:<id> for a suggested response.'),
    col('Via', 'string', 'cli, server, rule or auto (auto-approval).'),
    col('AlertId', 'string', 'The alert the action was proposed from.'),
    col('Rule', 'string', 'The rule of that alert.'),
    col('Reason', 'string', 'Why: the proposal, a rejection, an undo.'),
    col('Operation', 'string', 'The Graph call of an executed or verified step.'),
    col('Target', 'string', 'What the step acts on: the user, or an item path and a permission.'),
    col(
      'Outcome',
      'string',
      'done, already, skipped or failed (executed); ok, pending or failed (verified).',
    ),
    col('HttpStatus', 'int', "Graph's HTTP status."),
    col(
      'GraphCode',
      'string',
      "Graph's error code (Authorization_RequestDenied, itemNotFound, …).",
    ),
    col(
      'Detail',
      'string',
      "What happened, in words, with Graph's answer (redacted) on a refusal.",
    ),
    derived('message', 'string', 'message', 'The step as JSON: request, plan, Graph answer.'),
  ],
};
