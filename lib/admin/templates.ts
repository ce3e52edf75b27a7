import { type Db } from '@/db/client';
import { getChannelById } from '@/db/queries/channels';
import {
  countTemplateMessages,
  deleteTemplateRow,
  getTemplateById,
  insertTemplate,
  listTemplateRows,
  updateTemplateRow,
} from '@/db/queries/templates';
import type { Template } from '@/db/schema';
import { writeAudit } from '@/lib/audit';
import type { Actor } from '@/lib/auth/roles';
import { AppError } from '@/lib/errors';
import { isUniqueViolation } from '@/lib/http/db-errors';

export type TemplateDto = {
  id: string;
  channelId: string | null;
  contentSid: string;
  name: string;
  language: string;
  category: string | null;
  body: string;
  variables: Record<string, string>;
  status: Template['status'];
  createdAt: string;
  updatedAt: string;
};

export type TemplateInput = {
  channelId: string | null;
  contentSid: string;
  name: string;
  language: string;
  category: string | null;
  body: string;
  variables: Record<string, string>;
  status: Template['status'];
};

export function toTemplateDto(t: Template): TemplateDto {
  return {
    id: t.id,
    channelId: t.channelId,
    contentSid: t.contentSid,
    name: t.name,
    language: t.language,
    category: t.category,
    body: t.body,
    variables: t.variables,
    status: t.status,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

export const templateSnapshot = (t: Template) => ({
  channelId: t.channelId,
  contentSid: t.contentSid,
  name: t.name,
  language: t.language,
  category: t.category,
  body: t.body,
  variables: t.variables,
  status: t.status,
});

const duplicateSid = () =>
  new AppError('conflict:A template with this ContentSid is already registered.', {
    details: { fields: [{ path: 'contentSid', message: 'is already registered' }] },
  });

async function assertChannel(db: Db, channelId: string | null | undefined) {
  if (channelId && !(await getChannelById(db, { id: channelId }))) {
    throw new AppError('validation_failed:channelId: no such channel.', { details: { fields: [{ path: 'channelId', message: 'no such channel' }] } });
  }
}

/** Agents are offered approved templates only; admins and supervisors see every status. */
export async function listTemplates(
  db: Db,
  { actor, filter }: { actor: Actor; filter: { channelId?: string; status?: Template['status'] } },
): Promise<{ items: TemplateDto[]; nextCursor: null }> {
  const status = actor.role === 'agent' ? 'approved' : filter.status;
  const rows = await listTemplateRows(db, { channelId: filter.channelId, status });
  return { items: rows.map(toTemplateDto), nextCursor: null };
}

export async function getTemplate(db: Db, { actor, id }: { actor: Actor; id: string }): Promise<TemplateDto> {
  const t = await getTemplateById(db, { id });
  if (!t || (actor.role === 'agent' && t.status !== 'approved')) throw new AppError('not_found:No such template.');
  return toTemplateDto(t);
}

export async function createTemplate(db: Db, { actor, input }: { actor: Actor; input: TemplateInput }): Promise<TemplateDto> {
  try {
    return await db.transaction(async (tx) => {
      await assertChannel(tx, input.channelId);
      const row = await insertTemplate(tx, input);
      await writeAudit(tx, { actorId: actor.id, action: 'template.created', entity: 'template', entityId: row.id, after: templateSnapshot(row) });
      return toTemplateDto(row);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicateSid();
    throw err;
  }
}

export async function updateTemplate(db: Db, { actor, id, input }: { actor: Actor; id: string; input: Partial<TemplateInput> }): Promise<TemplateDto> {
  try {
    return await db.transaction(async (tx) => {
      const before = await getTemplateById(tx, { id });
      if (!before) throw new AppError('not_found:No such template.');
      await assertChannel(tx, input.channelId);
      const after = await updateTemplateRow(tx, { id, values: input });
      await writeAudit(tx, {
        actorId: actor.id,
        action: 'template.updated',
        entity: 'template',
        entityId: id,
        before: templateSnapshot(before),
        after: templateSnapshot(after!),
      });
      return toTemplateDto(after!);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicateSid();
    throw err;
  }
}

/** A template already sent stays for the transcripts; it can be marked disabled instead. */
export async function deleteTemplate(db: Db, { actor, id }: { actor: Actor; id: string }): Promise<void> {
  await db.transaction(async (tx) => {
    const before = await getTemplateById(tx, { id });
    if (!before) throw new AppError('not_found:No such template.');
    const sent = await countTemplateMessages(tx, { id });
    if (sent) throw new AppError(`conflict:This template was sent in ${sent} message(s) and cannot be deleted. Set its status to disabled instead.`);
    await deleteTemplateRow(tx, { id });
    await writeAudit(tx, { actorId: actor.id, action: 'template.deleted', entity: 'template', entityId: id, before: templateSnapshot(before) });
  });
}
