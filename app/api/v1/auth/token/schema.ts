import { z } from 'zod';

export const tokenRequestSchema = z.object({
  email: z.string().trim().min(1, 'is required'),
  password: z.string().min(1, 'is required'),
});
export type TokenRequest = z.infer<typeof tokenRequestSchema>;
