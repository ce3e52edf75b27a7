import { getDb } from '@/db/client';
import { requireActor } from '@/lib/auth/guard';
import { parseWith, route, searchParams } from '@/lib/http/body';
import { searchContacts } from '@/lib/privacy/contacts';
import { searchContactsSchema } from './schema';

/** Admin: find a customer by (part of) the number or words of the name. */
export const GET = route(async (req) => {
  await requireActor(req, 'settings');
  return Response.json(await searchContacts(getDb(), parseWith(searchContactsSchema, searchParams(req))));
});
