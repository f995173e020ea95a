// `m365hunt alerts list|show|ack|close|reopen|run`: triage of stored alerts and an on-demand
// evaluation. Thin adapters over src/alerts.
import { Option, type Command } from 'commander';
import { AlertRunner } from '../../alerts/runner.js';
import { setupAlerting } from '../../alerts/setup.js';
import {
  changeStatus,
  currentActor,
  getAlert,
  listAlerts,
} from '../../alerts/store/alert-store.js';
import {
  ALERT_STATUSES,
  CLASSIFICATIONS,
  type AlertStatus,
  type AlertView,
  type Classification,
} from '../../alerts/store/model.js';
import { loadConfig } from '../../config/load.js';
import { M365HuntError } from '../../util/errors.js';
import { createLogger } from '../../util/log.js';
import { openStoreFromOptions, type StoreCliOptions } from '../../app/store.js';
import { addStoreOptions } from '../store-options.js';
import { renderTable } from '../table.js';

function statuses(text: string | undefined): AlertStatus[] | undefined {
  if (!text) return undefined;
  const list = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of list) {
    if (!(ALERT_STATUSES as readonly string[]).includes(s)) {
      throw new M365HuntError(`Unknown status ${s}.`, {
        hint: `Statuses: ${ALERT_STATUSES.join(', ')}.`,
      });
    }
  }
  return list as AlertStatus[];
}

/** The ndjson shape of an alert: what scripts and SIEMs consume. */
export function alertJson(a: AlertView): Record<string, unknown> {
  return {
    id: a.id,
    rule: a.rule,
    pack: a.pack,
    title: a.title,
    severity: a.severity,
    status: a.status,
    created: a.created,
    updated: a.updated,
    tenant: a.tenant,
    client: a.client,
    first_seen: a.first_seen,
    last_seen: a.last_seen,
    count: a.count,
    group_key: a.group_key,
    mitre: a.mitre,
    entities: a.entities,
    response: a.response,
    recovered: a.recovered,
    assignee: a.assignee,
    classification: a.classification,
    close_reason: a.close_reason,
    comments: a.comments,
    history: a.history,
    evidence: a.evidence,
  };
}

function showText(a: AlertView): string {
  const lines = [
    `${a.id}  ${a.severity.toUpperCase()}  ${a.status}${a.recovered ? `  (recovered ${a.recovered})` : ''}`,
    a.title,
    `rule ${a.rule} (${a.kind}), MITRE ${a.mitre.join(', ')}`,
    `tenant ${a.client}; raised ${a.created}; events ${a.count} from ${a.first_seen} to ${a.last_seen}`,
    ...(a.assignee ? [`assigned to ${a.assignee}`] : []),
    ...(a.status === 'closed'
      ? [`closed as ${a.classification ?? 'unclassified'}: ${a.close_reason ?? ''}`]
      : []),
    '',
    a.description.trim(),
    '',
    'entities:',
    ...Object.entries(a.entities).map(([k, v]) => `  ${k}: ${v.join(', ')}`),
  ];
  if (a.response.length) {
    lines.push('', 'suggested response:');
    for (const r of a.response)
      lines.push(
        `  ${r.action}${r.targets.length ? ` ${r.targets.join(', ')}` : ''}${r.note ? ` (${r.note})` : ''}`,
      );
  }
  lines.push('', 'history:');
  for (const h of a.history) {
    lines.push(
      `  ${h.at}  ${h.event.padEnd(13)} ${h.by}${h.target ? ` → ${h.target}` : ''}${h.event === 'assigned' ? ` → ${h.assignee ?? 'nobody'}` : ''}${h.classification ? ` (${h.classification})` : ''}${h.reason ? `: ${h.reason}` : ''}${h.comment ? `: ${h.comment}` : ''}`,
    );
  }
  lines.push('', `evidence (${a.evidence.length} of ${a.count} events):`);
  for (const e of a.evidence) {
    const rec = (e.record && typeof e.record === 'object' ? e.record : {}) as Record<
      string,
      unknown
    >;
    const bits = [
      rec.Operation,
      rec.UserId,
      rec.ClientIP ?? rec.ClientIPAddress,
      rec.ObjectId,
    ].filter((v) => v !== undefined && v !== '');
    lines.push(
      `  ${e.time}  ${e.step ? `[${e.step}] ` : ''}${bits.map(String).join('  ')}${e.fields ? `  ${JSON.stringify(e.fields)}` : ''}`,
    );
  }
  return lines.join('\n');
}

export function registerAlerts(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('Triage alerts (list, show, ack, close) and evaluate rules on demand.');

  const list = alerts
    .command('list')
    .description('List alerts, newest first.')
    .option('--status <list>', `only these statuses (${ALERT_STATUSES.join(',')})`)
    .option('--rule <id>', 'only alerts of this rule')
    .option('--limit <n>', 'at most this many', (v) => Number(v))
    .option('--format <format>', 'table or ndjson', 'table');
  addStoreOptions(list);
  list.action(
    async (
      options: StoreCliOptions & { status?: string; rule?: string; limit?: number; format: string },
    ) => {
      const store = await openStoreFromOptions(options, { readOnly: true });
      try {
        let views = await listAlerts(store, {
          ...(statuses(options.status) ? { status: statuses(options.status)! } : {}),
          ...(options.rule ? { rules: [options.rule] } : {}),
        });
        if (options.limit !== undefined) views = views.slice(0, options.limit);
        if (options.format === 'ndjson') {
          for (const v of views) console.log(JSON.stringify(alertJson(v)));
          return;
        }
        if (views.length === 0) {
          console.log('No alerts.');
          return;
        }
        console.log(
          renderTable(
            ['id', 'severity', 'status', 'created', 'rule', 'user', 'ip', 'events'],
            views.map((v) => [
              v.id,
              v.severity,
              v.status,
              v.created.slice(0, 19),
              v.rule,
              (v.entities.user ?? []).slice(0, 2).join(', '),
              (v.entities.ip ?? []).slice(0, 2).join(', '),
              String(v.count),
            ]),
            44,
          ),
        );
      } finally {
        await store.close();
      }
    },
  );

  const show = alerts
    .command('show')
    .description('Show an alert: entities, evidence, suggested response and history.')
    .argument('<id>', 'alert id (or a unique prefix)')
    .option('--format <format>', 'text or json', 'text');
  addStoreOptions(show);
  show.action(async (id: string, options: StoreCliOptions & { format: string }) => {
    const store = await openStoreFromOptions(options, { readOnly: true });
    try {
      const alert = await getAlert(store, id);
      console.log(
        options.format === 'json' ? JSON.stringify(alertJson(alert), null, 2) : showText(alert),
      );
    } finally {
      await store.close();
    }
  });

  const triage = (
    name: 'ack' | 'close' | 'reopen',
    change: 'acknowledged' | 'closed' | 'reopened',
    what: string,
  ) => {
    const c = alerts
      .command(name)
      .description(what)
      .argument('<id>', 'alert id (or a unique prefix)')
      .option('--by <name>', 'who (default: the user running the command)');
    if (name === 'close') {
      c.requiredOption('--reason <text>', 'why the alert is closed');
      c.addOption(
        new Option('--classification <what>', 'what the alert turned out to be').choices([
          ...CLASSIFICATIONS,
        ]),
      );
    } else c.option('--reason <text>', 'a note for the history');
    addStoreOptions(c);
    c.action(
      async (
        id: string,
        options: StoreCliOptions & {
          by?: string;
          reason?: string;
          classification?: Classification;
        },
      ) => {
        const store = await openStoreFromOptions(options);
        try {
          const view = await changeStatus(
            store,
            id,
            change,
            options.by ?? currentActor(),
            options.reason,
            new Date(),
            options.classification,
          );
          console.log(
            `${view.id} is ${view.status}${view.classification ? ` (${view.classification})` : ''}.`,
          );
        } finally {
          await store.close();
        }
      },
    );
  };
  triage('ack', 'acknowledged', 'Acknowledge an alert (someone is on it).');
  triage('close', 'closed', 'Close an alert, with a reason.');
  triage('reopen', 'reopened', 'Reopen a closed alert.');

  const run = alerts
    .command('run')
    .description(
      'Evaluate every enabled rule on the data not evaluated yet, then send due notifications.',
    )
    .option(
      '--packs <dir>',
      'another folder of rule packs (repeatable)',
      (v: string, p: string[] = []) => [...p, v],
    );
  addStoreOptions(run);
  run.action(async (options: StoreCliOptions & { packs?: string[] }) => {
    const config = options.config ? loadConfig(options.config) : undefined;
    const alerting = setupAlerting(config, { packsDirs: options.packs ?? [] });
    for (const w of alerting.config.warnings) console.error(`warning: ${w}`);
    const store = await openStoreFromOptions(options, config ? { config } : {});
    try {
      const runner = new AlertRunner(store, alerting, { log: createLogger('alerts') });
      const { summary, delivery } = await runner.runOnce();
      console.log(
        `Evaluated ${summary.rules} rules on ingest range (${summary.from}, ${summary.to}] in ${(summary.ms / 1000).toFixed(1)} s: ${summary.raised} alerts raised, ${summary.updated} updated, ${summary.recovered} recovered.`,
      );
      if (delivery.sent + delivery.retried + delivery.failed > 0) {
        console.log(
          `Notifications: ${delivery.sent} sent, ${delivery.retried} to retry, ${delivery.failed} given up.`,
        );
      }
      for (const e of summary.errors) console.error(`error: rule ${e.rule}: ${e.message}`);
      if (summary.errors.length > 0) process.exitCode = 1;
    } finally {
      await store.close();
    }
  });
}
