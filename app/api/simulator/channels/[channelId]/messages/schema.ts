import { z } from 'zod';

export const customerMessageSchema = z.object({
  from: z.string().trim().min(3, 'a phone number is required').max(32),
  profileName: z.string().trim().max(100).nullish(),
  text: z.string().max(4096).nullish(),
  location: z
    .object({
      latitude: z.coerce.number().min(-90).max(90),
      longitude: z.coerce.number().min(-180).max(180),
      address: z.string().max(300).optional(),
      label: z.string().max(100).optional(),
    })
    .nullish(),
  button: z.object({ text: z.string().trim().min(1).max(100), payload: z.string().max(256).nullish() }).nullish(),
  replyToSid: z
    .string()
    .regex(/^(SM|MM)[0-9a-f]{32}$/, 'not a message sid')
    .nullish(),
});
export type CustomerMessageBody = z.infer<typeof customerMessageSchema>;

export const pollSchema = z.object({
  customers: z
    .string()
    .min(1, 'list the customers to poll')
    .transform((v) => v.split(',').map((x) => x.trim()).filter(Boolean).slice(0, 20)),
  since: z.iso.datetime({ offset: true }).optional(),
});
