import { getDb, type Db } from '@/db/client';
import { getChannelById } from '@/db/queries/channels';
import { getTemplateByContentSid, insertTemplate, updateTemplateRow } from '@/db/queries/templates';
import { writeAudit } from '@/lib/audit';
import type { Actor } from '@/lib/auth/roles';
import { adapterFor } from '@/lib/channels';
import { AppError } from '@/lib/errors';
import { logger } from '@/lib/logger';
import { templateSnapshot, toTemplateDto, type TemplateDto } from './templates';

export type ImportResult = { created: number; updated: number; unchanged: number; items: TemplateDto[] };

/** Imports (creates or refreshes) the templates of a channel's provider account (Twilio: the Content API). */
export async function importTemplates(actor: Actor, { channelId }: { channelId: string }, db: Db = getDb()): Promise<ImportResult> {
  const channel = await getChannelById(db, { id: channelId });
  if (!channel) throw new AppError('not_found:No such channel.');
  const templates = adapterFor(channel.provider).templates;
  if (!templates) throw new AppError('unprocessable:This channel\'s provider has no templates to import.');
  const listed = await templates.list(channel);

  const result: ImportResult = { created: 0, updated: 0, unchanged: 0, items: [] };
  await db.transaction(async (tx) => {
    const changes: { contentSid: string; change: 'created' | 'updated' }[] = [];
    for (const item of listed) {
      const fields = { ...item, channelId };
      const existing = await getTemplateByContentSid(tx, { contentSid: item.contentSid });
      if (!existing) {
        const row = await insertTemplate(tx, fields);
        result.created++;
        result.items.push(toTemplateDto(row));
        changes.push({ contentSid: item.contentSid, change: 'created' });
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
      changes.push({ contentSid: item.contentSid, change: 'updated' });
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
