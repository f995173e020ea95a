// The Office 365 Management Activity API, as documented: subscriptions, content listing with
// NextPageUri paging, blob download. PublisherIdentifier goes on every call (without it the
// tenant shares a global throttling pool).
import type { ContentType } from '../../records/content-types.js';
import { M365HuntError } from '../../util/errors.js';
import { ApiError } from '../http/api-error.js';
import type { HttpClient } from '../http/http-client.js';

export interface ContentEntry {
  contentType: string;
  contentId: string;
  contentUri: string;
  contentCreated: string;
  contentExpiration?: string;
}

export interface Subscription {
  contentType: string;
  status?: string;
}

/** `YYYY-MM-DDTHH:MM:SS`: the form every documented example uses (no zone, no fractions). */
export function formatApiTime(date: Date): string {
  return date.toISOString().slice(0, 19);
}

export class ManagementActivityApi {
  readonly feedRoot: string;

  constructor(
    private readonly http: HttpClient,
    private readonly options: {
      manageBase: string;
      audience: string;
      tenantId: string;
      publisherId: string;
    },
  ) {
    this.feedRoot = `${options.manageBase}/api/v1.0/${options.tenantId}/activity/feed`;
  }

  private withPublisher(url: string): string {
    const u = new URL(url);
    const has = [...u.searchParams.keys()].some((k) => k.toLowerCase() === 'publisheridentifier');
    if (!has) u.searchParams.set('PublisherIdentifier', this.options.publisherId);
    return u.toString();
  }

  private get(url: string) {
    return this.http.request({
      method: 'GET',
      url: this.withPublisher(url),
      audience: this.options.audience,
    });
  }

  async listSubscriptions(): Promise<Subscription[]> {
    const response = await this.get(`${this.feedRoot}/subscriptions/list`);
    const body = parseJson(response.text, 'the subscription list');
    if (!Array.isArray(body)) throw badAnswer('the subscription list is not an array');
    return body.filter(
      (s): s is Subscription => !!s && typeof s === 'object' && 'contentType' in s,
    );
  }

  /** Starts a subscription; "already enabled" (AF20024) counts as success. */
  async startSubscription(contentType: ContentType): Promise<'started' | 'already'> {
    const url = new URL(`${this.feedRoot}/subscriptions/start`);
    url.searchParams.set('contentType', contentType);
    try {
      await this.http.request({
        method: 'POST',
        url: this.withPublisher(url.toString()),
        audience: this.options.audience,
        headers: { 'Content-Type': 'application/json' },
        body: '',
      });
      return 'started';
    } catch (error) {
      if (error instanceof ApiError && error.code === 'AF20024') return 'already';
      throw error;
    }
  }

  /** Every content entry made available in [start, end), page by page (NextPageUri). */
  async *listContent(
    contentType: ContentType,
    start: Date,
    end: Date,
  ): AsyncGenerator<ContentEntry[]> {
    const first = new URL(`${this.feedRoot}/subscriptions/content`);
    first.searchParams.set('contentType', contentType);
    first.searchParams.set('startTime', formatApiTime(start));
    first.searchParams.set('endTime', formatApiTime(end));
    let next: string | null = first.toString();
    let pages = 0;
    while (next) {
      const response = await this.get(next);
      const body = parseJson(response.text, 'a content listing');
      if (!Array.isArray(body)) throw badAnswer('a content listing is not an array');
      yield body.filter(isContentEntry);
      // Microsoft documents NextPageUri; its troubleshooting page calls it NextPageUrl.
      next = response.headers.get('nextpageuri') ?? response.headers.get('nextpageurl');
      if (++pages > 100_000) throw badAnswer('the content listing does not end');
    }
  }

  /** The blob of one content entry, as text. The URI is checked against the configured API. */
  async fetchContent(entry: Pick<ContentEntry, 'contentId' | 'contentUri'>): Promise<string> {
    const response = await this.get(this.contentUrl(entry));
    return response.text;
  }

  /** Microsoft has returned malformed content URIs (wrong host or tenant): rebuild those. */
  contentUrl(entry: Pick<ContentEntry, 'contentId' | 'contentUri'>): string {
    const expected = `${this.feedRoot}/audit/`;
    if (entry.contentUri?.toLowerCase().startsWith(expected.toLowerCase())) return entry.contentUri;
    return `${expected}${encodeURIComponent(entry.contentId).replace(/%24/g, '$')}`;
  }
}

function isContentEntry(value: unknown): value is ContentEntry {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.contentId === 'string' && typeof v.contentCreated === 'string';
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badAnswer(`${what} is not valid JSON: ${text.slice(0, 120)}`);
  }
}

function badAnswer(message: string): M365HuntError {
  return new M365HuntError(`The Management Activity API gave an unexpected answer: ${message}`);
}
