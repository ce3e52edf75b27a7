import { getDb } from '@/db/client';
import { requireActor } from '@/lib/auth/guard';
import { parseWith, route, searchParams } from '@/lib/http/body';
import { listErasureReceipts } from '@/lib/privacy/receipts';
import { listErasuresSchema } from './schema';

/** The latest receipts: contact erasures and retention runs (when each ran, what it removed). */
export const GET = route(async (req) => {
  await requireActor(req, 'settings');
  return Response.json(await listErasureReceipts(getDb(), parseWith(listErasuresSchema, searchParams(req))));
});
