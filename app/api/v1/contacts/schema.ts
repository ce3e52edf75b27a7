import { z } from 'zod';

export const searchContactsSchema = z.object({
  q: z.string().max(100, 'must be at most 100 characters').optional().default(''),
  limit: z.coerce.number().int().min(1).max(50).optional(),
});

/** The contact's phone number, typed by the admin, so an erase cannot happen by a stray click. */
export const eraseContactSchema = z.object({ confirm: z.string({ message: "must be the contact's phone number" }).min(1).max(40) }).strict();
