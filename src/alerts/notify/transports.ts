// Sending one notification: an HTTP POST (webhook, Slack, Teams) or an e-mail over SMTP. Errors
// name the target and what went wrong, never the URL (webhook URLs carry their token) or a
// password; retries are the outbox's business, so each send is one attempt with a timeout.
import nodemailer from 'nodemailer';
import type { NotifyTarget } from '../config.js';
import type { AlertView } from '../store/model.js';
import { emailMessage, slackBody, teamsBody, webhookBody } from './format.js';

export class NotifyError extends Error {
  constructor(
    message: string,
    /** Whether trying again may help (a 4xx other than 408/429 will not). */
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'NotifyError';
  }
}

async function post(
  target: Extract<NotifyTarget, { type: 'webhook' | 'slack' | 'teams' }>,
  body: unknown,
  fetchImpl: typeof fetch,
): Promise<void> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'm365hunt-alerts',
  };
  for (const [name, value] of target.headers) headers[name] = value.reveal();
  let response: Response;
  try {
    response = await fetchImpl(target.url.reveal(), {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(target.timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    const why =
      e.name === 'TimeoutError'
        ? `no answer within ${target.timeoutMs} ms`
        : (e.cause?.code ?? e.name);
    throw new NotifyError(`${target.type} ${target.name}: ${why}`, true);
  }
  // Drain the body so the connection is released; only its first bytes are shown.
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
    throw new NotifyError(
      `${target.type} ${target.name}: HTTP ${response.status}${text ? ` ${text.slice(0, 120).replace(/\s+/g, ' ')}` : ''}`,
      retryable,
    );
  }
}

async function email(
  target: Extract<NotifyTarget, { type: 'email' }>,
  alert: AlertView,
): Promise<void> {
  const transport = nodemailer.createTransport({
    host: target.host,
    port: target.port,
    secure: target.secure,
    requireTLS: target.requireTls,
    connectionTimeout: target.timeoutMs,
    greetingTimeout: target.timeoutMs,
    socketTimeout: target.timeoutMs,
    ...(target.user ? { auth: { user: target.user, pass: target.password?.reveal() ?? '' } } : {}),
  });
  const message = emailMessage(alert);
  try {
    await transport.sendMail({ from: target.from, to: [...target.to], ...message });
  } catch (error) {
    const e = error as Error & { responseCode?: number; code?: string };
    // 5xx SMTP replies (bad recipient, authentication refused) will not get better by waiting.
    const permanent = e.responseCode !== undefined && e.responseCode >= 500;
    const why = e.responseCode ? `SMTP ${e.responseCode}` : (e.code ?? 'error');
    throw new NotifyError(`email ${target.name}: ${why}`, !permanent);
  } finally {
    transport.close();
  }
}

/** Sends an alert to one target; throws NotifyError. */
export async function send(
  target: NotifyTarget,
  alert: AlertView,
  fetchImpl: typeof fetch = fetch,
): Promise<void> {
  switch (target.type) {
    case 'webhook':
      return post(target, webhookBody(alert), fetchImpl);
    case 'slack':
      return post(target, slackBody(alert), fetchImpl);
    case 'teams':
      return post(target, teamsBody(alert), fetchImpl);
    case 'email':
      return email(target, alert);
  }
}
