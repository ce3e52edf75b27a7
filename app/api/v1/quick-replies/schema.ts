import { z } from 'zod';
import { languageCode, quickReplyText, shortcut, uuid } from '@/lib/http/validation';

const fields = {
  shortcut,
  language: languageCode,
  text: quickReplyText,
  // null or []: every queue.
  queueIds: z.array(uuid('queue')).max(100).nullable(),
};

export const createQuickReplySchema = z.object({ ...fields, queueIds: fields.queueIds.optional().transform((v) => v ?? null) });
export const updateQuickReplySchema = z.object(fields).partial().strict();

export const listQuickRepliesSchema = z.object({
  language: languageCode.optional(),
  queueId: uuid('queue').optional(),
  q: z.string().trim().max(100).optional(),
});
