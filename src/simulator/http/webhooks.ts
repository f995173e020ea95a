// Webhook mode (docs/microsoft-apis.md, "Webhooks"): the validation handshake when /start carries a
// webhook, then notification POSTs as blobs are published, each attempt recorded for
// /subscriptions/notifications. Webhook endpoints may use self-signed certificates (tests).
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { ContentType } from '../../records/content-types.js';
import type { BlobMeta } from '../publish/catalog.js';
import type { Simulator } from '../simulator.js';
import { MINUTE, isoMillis } from '../util/time.js';

interface Delivery {
  address: string;
  authId: string;
  items: Array<Record<string, unknown>>;
}

function post(address: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const url = new URL(address);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
        rejectUnauthorized: false,
        timeout: 5000,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

export class WebhookClient {
  private readonly queue = new Map<ContentType, Delivery>();
  private readonly log = new Map<ContentType, Array<Record<string, unknown>>>();
  private timer: NodeJS.Timeout | null = null;
  private baseUrl = '';
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly sim: Simulator) {}

  start(baseUrl: string): void {
    this.baseUrl = baseUrl;
    this.timer = setInterval(() => void this.flush(), 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sending;
  }

  /** The validation POST: the endpoint must answer 200. */
  async validate(address: string, authId: string): Promise<boolean> {
    const code = randomUUID().replace(/-/g, '');
    const headers: Record<string, string> = { 'Webhook-ValidationCode': code };
    if (authId) headers['Webhook-AuthID'] = authId;
    return (await post(address, JSON.stringify({ validationCode: code }), headers)) === 200;
  }

  /** Called for every published blob. */
  published(blob: BlobMeta): void {
    const hook = this.sim.subscriptions.webhook(blob.contentType);
    if (!hook || hook.status !== 'enabled' || !this.baseUrl) return;
    const now = this.sim.now();
    if (hook.expiration && Date.parse(hook.expiration) < now) return;
    const d = this.queue.get(blob.contentType) ?? {
      address: hook.address,
      authId: hook.authId,
      items: [],
    };
    d.items.push({
      tenantId: this.sim.opts.tenantId,
      clientId: this.sim.opts.clientId,
      contentType: blob.contentType,
      contentId: blob.contentId,
      contentUri: `${this.baseUrl}/api/v1.0/${this.sim.opts.tenantId}/activity/feed/audit/${blob.contentId}`,
      contentCreated: isoMillis(blob.created),
      contentExpiration: isoMillis(blob.created + this.sim.switches.contentExpiryMinutes * MINUTE),
    });
    this.queue.set(blob.contentType, d);
  }

  attempts(ct: ContentType): Array<Record<string, unknown>> {
    return this.log.get(ct) ?? [];
  }

  private flush(): Promise<void> {
    this.sim.sync();
    const batches = [...this.queue.entries()];
    this.queue.clear();
    this.sending = this.sending.then(async () => {
      for (const [ct, d] of batches) {
        for (let i = 0; i < d.items.length; i += 50) {
          const chunk = d.items.slice(i, i + 50);
          const headers: Record<string, string> = {};
          if (d.authId) headers['Webhook-AuthID'] = d.authId;
          const status = await post(d.address, JSON.stringify(chunk), headers);
          const sent = isoMillis(this.sim.now());
          const list = this.log.get(ct) ?? [];
          for (const item of chunk) {
            const { tenantId: _t, clientId: _c, ...rest } = item;
            list.push({
              ...rest,
              notificationSent: sent,
              notificationStatus: status === 200 ? 'success' : 'failed',
            });
          }
          this.log.set(ct, list);
          this.sim.counters.inc(
            status === 200 ? 'webhook.delivered' : 'webhook.failed',
            chunk.length,
          );
        }
      }
    });
    return this.sending;
  }
}
