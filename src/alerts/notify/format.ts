// What a notification says, per transport: a generic JSON document for webhooks, Slack's Block Kit,
// a Microsoft Teams Adaptive Card, and an e-mail. All are built from the alert's current state and
// show the essentials (rule, severity, who, from where, when, what to do); the full evidence stays
// in m365hunt (`m365hunt alerts show ID`).
import type { AlertView, Evidence } from '../store/model.js';

const SEVERITY_EMOJI: Readonly<Record<string, string>> = {
  critical: ':rotating_light:',
  high: ':red_circle:',
  medium: ':large_orange_circle:',
  low: ':large_yellow_circle:',
  informational: ':white_circle:',
};

function who(alert: AlertView): string {
  const users = alert.entities.user ?? [];
  return users.length === 0 ? '-' : users.slice(0, 5).join(', ') + (users.length > 5 ? ', …' : '');
}

function where(alert: AlertView): string {
  const ips = alert.entities.ip ?? [];
  return ips.length === 0 ? '-' : ips.slice(0, 5).join(', ') + (ips.length > 5 ? ', …' : '');
}

function responseLines(alert: AlertView): string[] {
  return alert.response.map(
    (r) =>
      `${r.action}${r.targets.length ? `: ${r.targets.slice(0, 5).join(', ')}` : ''}${r.note ? ` (${r.note})` : ''}`,
  );
}

function shortEvidence(e: Evidence): Record<string, unknown> {
  const rec = (e.record && typeof e.record === 'object' ? e.record : {}) as Record<string, unknown>;
  return {
    time: e.time,
    id: e.id,
    ...(e.step ? { step: e.step } : {}),
    ...(rec.Operation !== undefined ? { operation: rec.Operation } : {}),
    ...(rec.UserId !== undefined ? { user: rec.UserId } : {}),
    ...(rec.ClientIP !== undefined ? { ip: rec.ClientIP } : {}),
    ...(rec.ObjectId !== undefined ? { object: rec.ObjectId } : {}),
    ...(e.fields ? { fields: e.fields } : {}),
  };
}

/** The generic webhook body: the alert in the shape of `alerts list --format ndjson`, bounded. */
export function webhookBody(alert: AlertView): Record<string, unknown> {
  return {
    source: 'm365hunt',
    id: alert.id,
    rule: alert.rule,
    pack: alert.pack,
    title: alert.title,
    severity: alert.severity,
    status: alert.status,
    created: alert.created,
    tenant: alert.tenant,
    client: alert.client,
    first_seen: alert.first_seen,
    last_seen: alert.last_seen,
    count: alert.count,
    mitre: alert.mitre,
    entities: alert.entities,
    response: alert.response,
    evidence: alert.evidence.slice(0, 5).map(shortEvidence),
  };
}

export function slackBody(alert: AlertView): Record<string, unknown> {
  const text = `${alert.severity.toUpperCase()} ${alert.title} — ${who(alert)}`;
  return {
    text,
    blocks: [
      {
        type: 'header',
        text: { type: 'plain_text', text: `${alert.title}`.slice(0, 150), emoji: true },
      },
      {
        type: 'section',
        fields: [
          {
            type: 'mrkdwn',
            text: `*Severity*\n${SEVERITY_EMOJI[alert.severity] ?? ''} ${alert.severity}`,
          },
          { type: 'mrkdwn', text: `*Tenant*\n${alert.client}` },
          { type: 'mrkdwn', text: `*User*\n${who(alert)}` },
          { type: 'mrkdwn', text: `*IP*\n${where(alert)}` },
          {
            type: 'mrkdwn',
            text: `*Events*\n${alert.count} (${alert.first_seen} → ${alert.last_seen})`,
          },
          { type: 'mrkdwn', text: `*MITRE*\n${alert.mitre.join(', ')}` },
        ],
      },
      { type: 'section', text: { type: 'mrkdwn', text: alert.description.slice(0, 2900) } },
      ...(alert.response.length
        ? [
            {
              type: 'section',
              text: {
                type: 'mrkdwn',
                text: `*Suggested response*\n${responseLines(alert)
                  .map((l) => `• ${l}`)
                  .join('\n')}`,
              },
            },
          ]
        : []),
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `m365hunt alert \`${alert.id}\` · rule \`${alert.rule}\` · \`m365hunt alerts show ${alert.id}\``,
          },
        ],
      },
    ],
  };
}

/** A Teams message with an Adaptive Card (what Teams Workflows and incoming webhooks accept). */
export function teamsBody(alert: AlertView): Record<string, unknown> {
  const color =
    alert.severity === 'critical' || alert.severity === 'high'
      ? 'Attention'
      : alert.severity === 'medium'
        ? 'Warning'
        : 'Default';
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            {
              type: 'TextBlock',
              size: 'Large',
              weight: 'Bolder',
              text: alert.title,
              wrap: true,
              color,
            },
            {
              type: 'FactSet',
              facts: [
                { title: 'Severity', value: alert.severity },
                { title: 'Tenant', value: alert.client },
                { title: 'User', value: who(alert) },
                { title: 'IP', value: where(alert) },
                {
                  title: 'Events',
                  value: `${alert.count} (${alert.first_seen} → ${alert.last_seen})`,
                },
                { title: 'MITRE', value: alert.mitre.join(', ') },
                { title: 'Alert', value: `${alert.id} (${alert.rule})` },
              ],
            },
            { type: 'TextBlock', text: alert.description.slice(0, 2000), wrap: true },
            ...(alert.response.length
              ? [
                  { type: 'TextBlock', weight: 'Bolder', text: 'Suggested response', wrap: true },
                  {
                    type: 'TextBlock',
                    text: responseLines(alert)
                      .map((l) => `- ${l}`)
                      .join('\n'),
                    wrap: true,
                  },
                ]
              : []),
          ],
        },
      },
    ],
  };
}

export function emailMessage(alert: AlertView): { subject: string; text: string; html: string } {
  const subject =
    `[m365hunt] ${alert.severity.toUpperCase()}: ${alert.title} - ${who(alert)}`.slice(0, 200);
  const facts: Array<[string, string]> = [
    ['Alert', `${alert.id} (rule ${alert.rule})`],
    ['Severity', alert.severity],
    ['Tenant', alert.client],
    ['User', who(alert)],
    ['IP', where(alert)],
    ['Events', `${alert.count}, ${alert.first_seen} → ${alert.last_seen}`],
    ['MITRE ATT&CK', alert.mitre.join(', ')],
  ];
  const response = responseLines(alert);
  const text = [
    alert.title,
    '',
    ...facts.map(([k, v]) => `${k}: ${v}`),
    '',
    alert.description,
    ...(response.length ? ['', 'Suggested response:', ...response.map((l) => `- ${l}`)] : []),
    '',
    `Details: m365hunt alerts show ${alert.id}`,
  ].join('\n');
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const html = `<h2>${esc(alert.title)}</h2><table>${facts
    .map(([k, v]) => `<tr><th align="left">${esc(k)}</th><td>${esc(v)}</td></tr>`)
    .join('')}</table><p>${esc(alert.description)}</p>${
    response.length
      ? `<h3>Suggested response</h3><ul>${response.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`
      : ''
  }<p>Details: <code>m365hunt alerts show ${esc(alert.id)}</code></p>`;
  return { subject, text, html };
}
