import { z } from 'zod';
import { getDb } from '@/db/client';
import { requireActor } from '@/lib/auth/guard';
import { parseWith, route, searchParams } from '@/lib/http/body';
import { getLiveSummary } from '@/lib/supervision/summary';

const querySchema = z.object({
  // The client's local midnight, so "today" is the supervisor's day; defaults to UTC midnight.
  since: z.iso.datetime({ offset: true }).optional(),
});

export const GET = route(async (req) => {
  await requireActor(req, 'supervise');
  const { since } = parseWith(querySchema, searchParams(req));
  return Response.json(await getLiveSummary({ db: getDb(), since: since ? new Date(since) : undefined }), {
    headers: { 'cache-control': 'no-store' },
  });
});
