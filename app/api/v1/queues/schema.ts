import { z } from 'zod';
import { name, uuid } from '@/lib/http/validation';

const fields = {
  name: name(80),
  routingRule: z.enum(['offer_all', 'least_busy'], { message: 'must be offer_all or least_busy' }),
  // null: chats are never closed automatically.
  completionTimeoutMinutes: z.number({ message: 'must be a number of minutes' }).int('must be whole minutes').min(1, 'must be at least 1 minute').max(43_200, 'must be at most 30 days').nullable(),
  acceptTimeoutSeconds: z.number({ message: 'must be a number of seconds' }).int('must be whole seconds').min(5, 'must be at least 5 seconds').max(3600, 'must be at most an hour').nullable(),
  memberIds: z.array(uuid('user')).max(500),
};

export const createQueueSchema = z.object({
  ...fields,
  routingRule: fields.routingRule.optional().transform((v) => v ?? 'offer_all'),
  completionTimeoutMinutes: fields.completionTimeoutMinutes.optional().transform((v) => v ?? null),
  acceptTimeoutSeconds: fields.acceptTimeoutSeconds.optional().transform((v) => v ?? null),
  memberIds: fields.memberIds.optional().transform((v) => v ?? []),
});
export type CreateQueueBody = z.infer<typeof createQueueSchema>;

export const updateQueueSchema = z.object(fields).partial().strict();
