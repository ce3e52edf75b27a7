import { z } from 'zod';

export const listErasuresSchema = z.object({
  kind: z.enum(['contact', 'retention'], { message: 'must be contact or retention' }).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
