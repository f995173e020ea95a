// `m365hunt respond …`: response actions through Microsoft Graph with a dry run, confirmation,
// approval and the action log. Thin adapters over src/respond; the person running the command is
// the actor (a local operator: they hold the app's credentials, so they act as a responder).
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { currentActor, getAlert } from '../../alerts/store/alert-store.js';
import { loadConfig, type ResolvedConfig } from '../../config/load.js';
import {
  ACTION_STATUSES,
  proposeFromAlerts,
  renderAction,
  renderPlan,
  Responder,
  summarise,
  type ActionKind,
  type ActionStatus,
  type ActionSummary,
  type ActionView,
  type Actor,
  type Proposal,
} from '../../respond/index.js';
import type { Store } from '../../store/store.js';
import { M365HuntError } from '../../util/errors.js';
import { createLogger } from '../../util/log.js';
import { openStoreFromOptions, type StoreCliOptions } from '../../app/store.js';
import { addStoreOptions } from '../store-options.js';
import { renderTable } from '../table.js';

interface ActOptions extends StoreCliOptions {
  revokeSessions?: boolean;
  removeSharing?: boolean;
  since?: string;
  dryRun?: boolean;
  yes?: boolean;
  propose?: boolean;
  alert?: string;
  reason?: string;
  tenant?: string;
  format: string;
}

const operator = (): Actor => ({ name: currentActor(), via: 'cli' });

function needConfig(options: StoreCliOptions): ResolvedConfig {
  if (!options.config) {
    throw new M365HuntError('This command acts through Microsoft Graph: it needs --config FILE.', {
      hint: 'The configuration names the tenant and the app registration m365hunt signs in with.',
    });
  }
  return loadConfig(options.config);
}

/** Opens the store and the responder, runs `fn`, closes the store. */
async function withResponder<T>(
  options: StoreCliOptions,
  fn: (responder: Responder, store: Store) => Promise<T>,
): Promise<T> {
  const config = needConfig(options);
  const store = await openStoreFromOptions(options, { config });
  try {
    return await fn(new Responder({ store, config, log: createLogger('respond') }), store);
  } finally {
    await store.close();
  }
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} Type yes to go on: `);
    return answer.trim().toLowerCase() === 'yes';
  } finally {
    rl.close();
  }
}

function print(view: ActionView, format: string): void {
  console.log(format === 'json' ? JSON.stringify(view, null, 2) : renderAction(view).join('\n'));
  if (view.status === 'failed') process.exitCode = 1;
}

const VERB: Readonly<Record<ActionKind, string>> = {
  'disable-user': 'Disable',
  'enable-user': 'Enable',
  'revoke-sessions': 'Revoke the sessions of',
  'remove-sharing': 'Remove the sharing created by',
};

async function act(kind: ActionKind, upn: string | undefined, options: ActOptions): Promise<void> {
  if (!options.dryRun && !options.yes && !options.propose && !process.stdin.isTTY) {
    throw new M365HuntError('There is no terminal to ask for confirmation on.', {
      hint: 'Add --yes to act, --dry-run to see what would change, or --propose to leave it for approval.',
    });
  }
  await withResponder(options, async (responder, store) => {
    let user = upn;
    let fromAlert: Partial<Proposal> = {};
    if (options.alert) {
      const alert = await getAlert(store, options.alert);
      const named = alert.entities.user ?? [];
      user ??= alert.response.find((r) => r.entity === 'user')?.targets[0] ?? named[0];
      if (user && !named.some((u) => u.toLowerCase() === user!.toLowerCase())) {
        console.error(
          `note: alert ${alert.id} does not name ${user} (it names ${named.join(', ') || 'no user'})`,
        );
      }
      fromAlert = { alertId: alert.id, rule: alert.rule, tenant: options.tenant ?? alert.tenant };
    }
    if (!user)
      throw new M365HuntError('Which user? Give a UPN (or --alert ID of an alert that names one).');
    const proposal: Proposal = {
      kind,
      user,
      revokeSessions: kind === 'disable-user' && options.revokeSessions === true,
      removeSharing: kind === 'disable-user' && options.removeSharing === true,
      ...(options.since ? { since: options.since } : {}),
      ...(options.reason ? { reason: options.reason } : {}),
      ...(options.tenant ? { tenant: options.tenant } : {}),
      ...fromAlert,
    };
    if (options.dryRun) {
      const plan = await responder.dryRun(proposal);
      if (options.format === 'json') console.log(JSON.stringify(plan, null, 2));
      else console.log(['DRY RUN: nothing changed.', '', ...renderPlan(plan)].join('\n'));
      return;
    }
    const by = operator();
    const proposed = await responder.propose(proposal, by);
    if (options.propose) {
      print(proposed, options.format);
      console.error(
        `\nProposed as ${proposed.id}: a responder approves it with \`m365hunt respond approve ${proposed.id}\`.`,
      );
      return;
    }
    if (!options.yes) {
      if (proposed.proposalPlan) console.error(renderPlan(proposed.proposalPlan).join('\n'));
      else console.error(`The dry run failed: ${proposed.proposalPlanError ?? 'unknown error'}`);
      const ok = await confirm(`\n${VERB[kind]} ${proposed.user} as shown above (${proposed.id})?`);
      if (!ok) {
        await responder.reject(proposed.id, by, 'declined at the confirmation prompt');
        console.error(`Nothing changed; ${proposed.id} is recorded as rejected.`);
        return;
      }
    }
    // Acting alone at the terminal (the operator holds the app's credentials): the log says so.
    print(await responder.approve(proposed.id, by, { alone: true }), options.format);
  });
}

function summaryRow(a: ActionSummary): string[] {
  const outcomes = Object.entries(a.outcomes)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  const checks = Object.entries(a.checks)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  return [
    a.id,
    a.created.slice(0, 19),
    a.action,
    a.user,
    a.status,
    a.proposedBy,
    a.approvedBy ?? '',
    a.alertId ?? '',
    [outcomes, checks ? `checks: ${checks}` : ''].filter(Boolean).join('; '),
  ];
}

function statuses(text: string | undefined): ActionStatus[] | undefined {
  if (!text) return undefined;
  const list = text.split(',').map((s) => s.trim());
  for (const s of list) {
    if (!(ACTION_STATUSES as readonly string[]).includes(s)) {
      throw new M365HuntError(`Unknown status ${s}.`, {
        hint: `Statuses: ${ACTION_STATUSES.join(', ')}.`,
      });
    }
  }
  return list as ActionStatus[];
}

export function registerRespond(program: Command): void {
  const respond = program
    .command('respond')
    .description(
      'Respond through Microsoft Graph: disable an account, revoke its sessions, remove the sharing it created; approve, reject, undo; the action log.',
    );

  const action = (kind: ActionKind, description: string, sharing: boolean) => {
    const c = respond
      .command(kind)
      .description(description)
      .argument(
        kind === 'disable-user' ? '[upn]' : '<upn>',
        'the account (user principal name or object id)',
      );
    if (kind === 'disable-user') {
      c.option('--revoke-sessions', 'revoke its sign-in sessions too').option(
        '--remove-sharing',
        'remove the sharing links and grants it created in the period too',
      );
    }
    if (sharing || kind === 'disable-user')
      c.option(
        '--since <period>',
        'the period of sharing to remove, back from now (default: respond.since, 7d)',
      );
    c.option('--dry-run', 'show exactly what would change, change nothing')
      .option('--yes', 'act without asking for confirmation')
      .option('--propose', 'record a proposal for a responder to approve, change nothing')
      .option('--alert <id>', 'the alert this responds to (its user, when no UPN is given)')
      .option('--reason <text>', 'why, for the log')
      .option('--tenant <name>', 'the tenant (when the configuration has several)')
      .option('--format <format>', 'text or json', 'text');
    addStoreOptions(c);
    c.action((upn: string | undefined, options: ActOptions) => act(kind, upn, options));
  };
  action(
    'disable-user',
    'Disable an account (accountEnabled false); with --revoke-sessions and --remove-sharing, cut its sessions and sharing too.',
    false,
  );
  action('enable-user', 'Enable an account again.', false);
  action(
    'revoke-sessions',
    'Revoke the sign-in sessions of an account (refresh tokens and session cookies).',
    false,
  );
  action(
    'remove-sharing',
    'Remove the sharing links and grants an account created in a period (from the audit records).',
    true,
  );

  const list = respond
    .command('list')
    .description('The action log: every action with its status, newest first.')
    .option('--status <list>', `only these statuses (${ACTION_STATUSES.join(',')})`)
    .option('--user <upn>', 'only actions on this account')
    .option('--limit <n>', 'at most this many', (v) => Number(v))
    .option('--format <format>', 'table or ndjson', 'table');
  addStoreOptions(list);
  list.action(
    async (
      options: StoreCliOptions & { status?: string; user?: string; limit?: number; format: string },
    ) => {
      const store = await openStoreFromOptions(options, { readOnly: true });
      try {
        const config = options.config ? loadConfig(options.config) : undefined;
        const responder = new Responder({ store, config: config ?? emptyConfig() });
        const all = await responder.list({
          ...(statuses(options.status) ? { status: statuses(options.status)! } : {}),
          ...(options.user ? { user: options.user } : {}),
          ...(options.limit !== undefined ? { limit: options.limit } : {}),
        });
        if (options.format === 'ndjson') {
          for (const a of all) console.log(JSON.stringify(a));
        } else if (all.length === 0) {
          console.log('No action yet.');
        } else {
          console.log(
            renderTable(
              [
                'id',
                'created',
                'action',
                'user',
                'status',
                'proposed by',
                'approved by',
                'alert',
                'outcome',
              ],
              all.map(summaryRow),
              48,
            ),
          );
        }
      } finally {
        await store.close();
      }
    },
  );

  const show = respond
    .command('show')
    .description('One action: its request, plan, what Graph answered, what was read back, its log.')
    .argument('<id>', 'action id (or a unique prefix)')
    .option('--format <format>', 'text or json', 'text');
  addStoreOptions(show);
  show.action(async (id: string, options: StoreCliOptions & { format: string }) => {
    const store = await openStoreFromOptions(options, { readOnly: true });
    try {
      const config = options.config ? loadConfig(options.config) : undefined;
      const view = await new Responder({ store, config: config ?? emptyConfig() }).get(id);
      console.log(
        options.format === 'json' ? JSON.stringify(view, null, 2) : renderAction(view).join('\n'),
      );
    } finally {
      await store.close();
    }
  });

  const approve = respond
    .command('approve')
    .description(
      'Approve a proposed action and run it (a fresh dry run first, then the changes, then the checks).',
    )
    .argument('<id>', 'action id (or a unique prefix)')
    .option('--yes', 'do not ask for confirmation')
    .option('--format <format>', 'text or json', 'text');
  addStoreOptions(approve);
  approve.action(
    async (id: string, options: StoreCliOptions & { yes?: boolean; format: string }) => {
      if (!options.yes && !process.stdin.isTTY) {
        throw new M365HuntError('There is no terminal to ask for confirmation on.', {
          hint: 'Add --yes.',
        });
      }
      await withResponder(options, async (responder) => {
        const view = await responder.get(id);
        if (!options.yes) {
          const plan = await responder.dryRun({ ...view.spec, tenant: view.tenant });
          console.error(renderPlan(plan).join('\n'));
          if (
            !(await confirm(
              `\nApprove ${view.id} (${view.kind} ${view.user}) and run it as shown above?`,
            ))
          ) {
            console.error('Nothing changed.');
            return;
          }
        }
        print(await responder.approve(view.id, operator()), options.format);
      });
    },
  );

  const reject = respond
    .command('reject')
    .description('Reject a proposed action, with a reason.')
    .argument('<id>', 'action id (or a unique prefix)')
    .requiredOption('--reason <text>', 'why');
  addStoreOptions(reject);
  reject.action(async (id: string, options: StoreCliOptions & { reason: string }) => {
    const store = await openStoreFromOptions(options);
    try {
      const config = options.config ? loadConfig(options.config) : undefined;
      const view = await new Responder({ store, config: config ?? emptyConfig() }).reject(
        id,
        operator(),
        options.reason,
      );
      console.log(`${view.id} is rejected.`);
    } finally {
      await store.close();
    }
  });

  const undo = respond
    .command('undo')
    .description(
      'Undo a disable-user action: enable the account again (revoked sessions and removed sharing stay so).',
    )
    .argument('<id>', 'action id (or a unique prefix)')
    .option('--yes', 'do not ask for confirmation')
    .option('--reason <text>', 'why, for the log')
    .option('--format <format>', 'text or json', 'text');
  addStoreOptions(undo);
  undo.action(
    async (
      id: string,
      options: StoreCliOptions & { yes?: boolean; reason?: string; format: string },
    ) => {
      if (!options.yes && !process.stdin.isTTY) {
        throw new M365HuntError('There is no terminal to ask for confirmation on.', {
          hint: 'Add --yes.',
        });
      }
      await withResponder(options, async (responder) => {
        const view = await responder.get(id);
        if (!options.yes && !(await confirm(`Enable ${view.user} again (undo ${view.id})?`))) {
          console.error('Nothing changed.');
          return;
        }
        print(await responder.undo(view.id, operator(), options.reason), options.format);
      });
    },
  );

  const verify = respond
    .command('verify')
    .description(
      'Read the state of an action back from Graph again (a revocation Microsoft had not applied yet).',
    )
    .argument('<id>', 'action id (or a unique prefix)')
    .option('--format <format>', 'text or json', 'text');
  addStoreOptions(verify);
  verify.action(async (id: string, options: StoreCliOptions & { format: string }) => {
    await withResponder(options, async (responder) =>
      print(await responder.verify(id, operator()), options.format),
    );
  });

  const resume = respond
    .command('resume')
    .description(
      'Run an approved action again that did not finish (the process stopped): every change is idempotent.',
    )
    .argument('<id>', 'action id (or a unique prefix)')
    .option('--format <format>', 'text or json', 'text');
  addStoreOptions(resume);
  resume.action(async (id: string, options: StoreCliOptions & { format: string }) => {
    await withResponder(options, async (responder) =>
      print(await responder.resume(id, operator()), options.format),
    );
  });

  const suggest = respond
    .command('suggest')
    .description(
      "Propose the responses that open alerts' rules suggest (once per alert and user); those of rules in respond.auto_approve run at once.",
    );
  addStoreOptions(suggest);
  suggest.action(async (options: StoreCliOptions) => {
    await withResponder(options, async (responder, store) => {
      const result = await proposeFromAlerts(responder, store, createLogger('respond'));
      for (const v of result.proposed) {
        const ran = result.autoRun.find((r) => r.id === v.id);
        console.log(
          `${v.id}  ${v.kind} ${v.user}  ${ran ? `auto-approved: ${ran.status} (${summarise(ran)})` : 'proposed'}  from ${v.alertId ?? ''} (${v.rule ?? ''})`,
        );
      }
      if (result.proposed.length === 0) console.log('Nothing new to propose.');
      for (const e of result.errors) console.error(`error: ${e}`);
      if (result.errors.length > 0) process.exitCode = 1;
    });
  });
}

/** Reading the log needs no tenant: a configuration with none. */
function emptyConfig(): ResolvedConfig {
  return { file: '', instances: [], store: {}, alerts: {}, server: {}, respond: {}, warnings: [] };
}
