import { z } from 'zod';

const statuses = z.enum(['waiting', 'active', 'closed']);

export const listConversationsSchema = z.object({
  // ?status=waiting or ?status=waiting,active
  status: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()) : undefined))
    .pipe(z.array(statuses).optional()),
  queueId: z.uuid().optional(),
  assigneeId: z.uuid().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListConversationsQuery = z.infer<typeof listConversationsSchema>;
