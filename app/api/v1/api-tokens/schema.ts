import { z } from 'zod';
import { name, uuid } from '@/lib/http/validation';

export const createApiTokenSchema = z.object({
  name: name(80),
  // The user the integration acts as; default: the admin creating it.
  userId: uuid('user').optional(),
  expiresInDays: z.number({ message: 'must be a number of days' }).int().min(1, 'must be at least 1 day').max(3650, 'must be at most 10 years').nullable().optional(),
});
