import { z } from 'zod';

export const transferSchema = z.union([
  z.object({ agentId: z.uuid() }).strict(),
  z.object({ queueId: z.uuid() }).strict(),
], { message: 'Send either agentId or queueId.' });
export type TransferInput = z.infer<typeof transferSchema>;
