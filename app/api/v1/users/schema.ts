import { z } from 'zod';
import { languageCode, name, password, uuid } from '@/lib/http/validation';

const fields = {
  email: z.string().trim().pipe(z.email('must be an email address')),
  name: name(),
  password,
  role: z.enum(['admin', 'supervisor', 'agent'], { message: 'must be admin, supervisor or agent' }),
  languages: z.array(languageCode).max(10, 'at most 10 languages'),
  maxChats: z.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(50, 'must be at most 50'),
  active: z.boolean(),
  queueIds: z.array(uuid('queue')).max(100),
};

export const createUserSchema = z.object({
  ...fields,
  languages: fields.languages.default([]),
  maxChats: fields.maxChats.optional(),
  active: fields.active.optional(),
  queueIds: fields.queueIds.optional(),
});
export type CreateUserBody = z.infer<typeof createUserSchema>;

/** Every field optional; `password` resets the password. */
export const updateUserSchema = z.object(fields).partial().strict();
export type UpdateUserBody = z.infer<typeof updateUserSchema>;
