import { z } from 'zod';

export const presenceSchema = z.object({ presence: z.enum(['available', 'away', 'offline']) });
export type PresenceInput = z.infer<typeof presenceSchema>;
