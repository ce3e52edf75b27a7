import { z } from 'zod';
import { contentSid, languageCode, name, uuid } from '@/lib/http/validation';

const statuses = ['approved', 'pending', 'rejected', 'paused', 'disabled', 'unsubmitted'] as const;

const fields = {
  // null: offered on every channel.
  channelId: uuid('channel').nullable(),
  contentSid,
  name: name(200),
  language: languageCode,
  category: z.string().trim().max(40, 'must be at most 40 characters').nullable(),
  body: z.string().trim().min(1, 'is required').max(1024, 'must be at most 1024 characters (WhatsApp limit)'),
  variables: z.record(z.string().regex(/^\d+$/, 'variable names are numbers: 1, 2, ...'), z.string().max(200)),
  status: z.enum(statuses, { message: `must be one of ${statuses.join(', ')}` }),
};

export const createTemplateSchema = z.object({
  ...fields,
  channelId: fields.channelId.optional().transform((v) => v ?? null),
  category: fields.category.optional().transform((v) => v || null),
  variables: fields.variables.optional().transform((v) => v ?? {}),
  status: fields.status.optional().transform((v) => v ?? 'approved'),
});
export const updateTemplateSchema = z.object(fields).partial().strict();

export const listTemplatesSchema = z.object({ channelId: uuid('channel').optional(), status: fields.status.optional() });

export const importTemplatesSchema = z.object({ channelId: uuid('channel') });
