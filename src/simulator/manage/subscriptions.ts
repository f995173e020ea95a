// Subscription state per content type (docs/microsoft-apis.md, "Subscriptions"): start (AF20024 on
// a no-op), stop, list, disabled by an admin (AF20023), and the periods during which a type was
// stopped: content that became available then is never retrievable.
import { CONTENT_TYPES, type ContentType } from '../../records/content-types.js';

export interface Webhook {
  address: string;
  authId: string;
  expiration: string | null;
  status: 'enabled' | 'disabled' | 'expired';
}

interface State {
  status: 'enabled' | 'stopped' | 'never' | 'disabled';
  webhook: Webhook | null;
  stoppedAt: number | null;
  /** [from, to) periods during which the subscription was stopped. */
  gaps: Array<[number, number]>;
  disabledBy: string | null;
}

export class Subscriptions {
  private readonly states = new Map<ContentType, State>();

  constructor(enabled: boolean) {
    for (const ct of CONTENT_TYPES) {
      this.states.set(ct, {
        status: enabled ? 'enabled' : 'never',
        webhook: null,
        stoppedAt: null,
        gaps: [],
        disabledBy: null,
      });
    }
  }

  private state(ct: ContentType): State {
    const s = this.states.get(ct);
    if (!s) throw new Error(`no state for ${ct}`);
    return s;
  }

  /** Starts (or re-enables) a subscription; 'noop' when it was enabled with the same webhook. */
  start(ct: ContentType, webhook: Webhook | null, now: number): 'started' | 'noop' {
    const s = this.state(ct);
    const same =
      s.status === 'enabled' &&
      JSON.stringify(s.webhook ? { ...s.webhook, status: undefined } : null) ===
        JSON.stringify(webhook ? { ...webhook, status: undefined } : null);
    if (same) return 'noop';
    if (s.status === 'stopped' && s.stoppedAt !== null) s.gaps.push([s.stoppedAt, now]);
    s.status = 'enabled';
    s.stoppedAt = null;
    s.disabledBy = null;
    s.webhook = webhook;
    return 'started';
  }

  stop(ct: ContentType, now: number): void {
    const s = this.state(ct);
    if (s.status === 'enabled' || s.status === 'disabled') {
      s.status = 'stopped';
      s.stoppedAt = now;
      s.webhook = null;
    }
  }

  /** An admin disabled it (AF20023 until /start). */
  disable(ct: ContentType, by: 'a tenant admin' | 'a service admin'): void {
    const s = this.state(ct);
    s.status = 'disabled';
    s.disabledBy = by;
  }

  /** null when listing/fetching is allowed, else why not. */
  access(ct: ContentType): null | { kind: 'none' } | { kind: 'disabled'; by: string } {
    const s = this.state(ct);
    if (s.status === 'enabled') return null;
    if (s.status === 'disabled') return { kind: 'disabled', by: s.disabledBy ?? 'a tenant admin' };
    return { kind: 'none' };
  }

  /** Whether content that became available at `created` can be listed and fetched. */
  visible(ct: ContentType, created: number): boolean {
    return !this.state(ct).gaps.some(([from, to]) => created >= from && created < to);
  }

  webhook(ct: ContentType): Webhook | null {
    return this.state(ct).webhook;
  }

  list(): Array<{ contentType: ContentType; status: string; webhook: Webhook | null }> {
    const out: Array<{ contentType: ContentType; status: string; webhook: Webhook | null }> = [];
    for (const ct of CONTENT_TYPES) {
      const s = this.state(ct);
      if (s.status === 'never') continue;
      out.push({
        contentType: ct,
        status: s.status === 'enabled' ? 'enabled' : 'disabled',
        webhook: s.webhook ? { ...s.webhook } : null,
      });
    }
    return out;
  }
}
