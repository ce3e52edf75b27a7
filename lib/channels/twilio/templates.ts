import type { Channel, Template } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { logger } from '@/lib/logger';
import type { ProviderTemplate } from '../types';
import { createTwilioClient, type TwilioBases } from './client';
import { describeTwilioFailure, loggableTwilioFailure } from './errors';

/** One item of Twilio's `GET /v1/ContentAndApprovals` (the SDK's camelCased instance). */
export type ContentItem = {
  sid: string;
  friendlyName?: string | null;
  language?: string | null;
  variables?: Record<string, unknown> | null;
  types?: Record<string, object> | null;
  approvalRequests?: Record<string, unknown> | null;
};

const STATUS: Record<string, Template['status']> = {
  approved: 'approved',
  pending: 'pending',
  received: 'pending',
  submitted: 'pending',
  in_review: 'pending',
  rejected: 'rejected',
  paused: 'paused',
  disabled: 'disabled',
};

/** Maps a Content API item to Parley's template fields. */
export function contentToTemplate(item: ContentItem): ProviderTemplate {
  // ContentAndApprovals nests WhatsApp's approval either flat or under `whatsapp`, depending on the API version.
  const raw = (item.approvalRequests ?? {}) as Record<string, unknown>;
  const approval = ((raw.whatsapp as Record<string, unknown> | undefined) ?? raw) as { status?: string; category?: string; name?: string };
  const types = (item.types ?? {}) as Record<string, { body?: string; title?: string }>;
  const body = types['twilio/text']?.body ?? Object.values(types).find((t) => t?.body)?.body ?? Object.values(types).find((t) => t?.title)?.title ?? '';
  const variables = Object.fromEntries(Object.entries(item.variables ?? {}).map(([k, v]) => [k, String(v ?? '')]));
  return {
    contentSid: item.sid,
    name: (approval.name || item.friendlyName || item.sid).slice(0, 200),
    language: item.language || 'en',
    category: approval.category ? approval.category.toLowerCase() : null,
    body,
    variables,
    status: STATUS[(approval.status ?? '').toLowerCase()] ?? 'unsubmitted',
  };
}

/** Every WhatsApp template of the channel's Twilio account (Content API), once per ContentSid; 502 when Twilio cannot be read. */
export async function listTwilioTemplates(channel: Channel, { bases }: { bases: TwilioBases }): Promise<ProviderTemplate[]> {
  let contents: ContentItem[];
  try {
    const client = createTwilioClient(channel, { bases });
    contents = (await client.content.v1.contentAndApprovals.list({ pageSize: 100, limit: 1000 })) as ContentItem[];
  } catch (err) {
    if (err instanceof AppError) throw err;
    logger.warn({ channelId: channel.id, ...loggableTwilioFailure(err) }, 'template import failed');
    throw new AppError(`twilio_error:Could not read templates from Twilio's Content API. ${describeTwilioFailure(err)}`, { status: 502 });
  }
  const seen = new Map<string, ContentItem>();
  for (const c of contents) if (c?.sid && /^HX[0-9a-fA-F]{32}$/.test(c.sid)) seen.set(c.sid, c);
  return [...seen.values()].map(contentToTemplate);
}
