import { getDb, type Db } from '@/db/client';
import { getChannelById } from '@/db/queries/channels';
import { getTemplateByContentSid, insertTemplate, updateTemplateRow } from '@/db/queries/templates';
import type { Template } from '@/db/schema';
import { writeAudit } from '@/lib/audit';
import type { Actor } from '@/lib/auth/roles';
import { createTwilioClient } from '@/lib/channels/twilio-client';
import { AppError } from '@/lib/errors';
import { logger } from '@/lib/logger';
import { describeTwilioFailure } from './channel-check';
import { templateSnapshot, toTemplateDto, type TemplateDto } from './templates';

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
export function contentToTemplate(item: ContentItem): Omit<Template, 'id' | 'channelId' | 'createdAt' | 'updatedAt'> {
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

export type ImportResult = { created: number; updated: number; unchanged: number; items: TemplateDto[] };

/** Imports (creates or refreshes) the templates of a channel's Twilio account from the Content API. */
export async function importTemplates(actor: Actor, { channelId }: { channelId: string }, db: Db = getDb()): Promise<ImportResult> {
  const channel = await getChannelById(db, { id: channelId });
  if (!channel) throw new AppError('not_found:No such channel.');
  let contents: ContentItem[];
  try {
    const client = createTwilioClient(channel);
    contents = (await client.content.v1.contentAndApprovals.list({ pageSize: 100, limit: 1000 })) as ContentItem[];
  } catch (err) {
    if (err instanceof AppError) throw err;
    const e = err as { status?: number; code?: unknown };
    logger.warn({ channelId, status: e.status, code: e.code }, 'template import failed');
    throw new AppError(`twilio_error:Could not read templates from Twilio's Content API. ${describeTwilioFailure(err)}`, { status: 502 });
  }
  const seen = new Map<string, ContentItem>();
  for (const c of contents) if (c?.sid && /^HX[0-9a-fA-F]{32}$/.test(c.sid)) seen.set(c.sid, c);

  const result: ImportResult = { created: 0, updated: 0, unchanged: 0, items: [] };
  await db.transaction(async (tx) => {
    const changes: { contentSid: string; change: 'created' | 'updated' }[] = [];
    for (const item of seen.values()) {
      const fields = { ...contentToTemplate(item), channelId };
      const existing = await getTemplateByContentSid(tx, { contentSid: item.sid });
      if (!existing) {
        const row = await insertTemplate(tx, fields);
        result.created++;
        result.items.push(toTemplateDto(row));
        changes.push({ contentSid: item.sid, change: 'created' });
        continue;
      }
      const same = JSON.stringify(templateSnapshot(existing)) === JSON.stringify(templateSnapshot({ ...existing, ...fields }));
      if (same) {
        result.unchanged++;
        result.items.push(toTemplateDto(existing));
        continue;
      }
      const row = await updateTemplateRow(tx, { id: existing.id, values: fields });
      result.updated++;
      result.items.push(toTemplateDto(row!));
      changes.push({ contentSid: item.sid, change: 'updated' });
    }
    await writeAudit(tx, {
      actorId: actor.id,
      action: 'template.imported',
      entity: 'channel',
      entityId: channelId,
      after: { created: result.created, updated: result.updated, unchanged: result.unchanged, changes },
    });
  });
  logger.info({ channelId, created: result.created, updated: result.updated, by: actor.id }, 'templates imported');
  return result;
}
