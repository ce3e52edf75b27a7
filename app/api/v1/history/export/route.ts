import { z } from 'zod';
import { getDb } from '@/db/client';
import { requireActor } from '@/lib/auth/guard';
import { exportHistory } from '@/lib/history/export';
import { parseHistoryQuery, toHistoryFilter } from '@/lib/history/filters';
import { parseWith, route, searchParams } from '@/lib/http/body';

const formatSchema = z.object({ format: z.enum(['csv', 'json']).default('csv') });

/** The current filter, streamed (X-Total-Count lets the client show progress). */
export const GET = route(async (req) => {
  const actor = await requireActor(req, 'history');
  const { format, ...params } = searchParams(req);
  const { format: f } = parseWith(formatSchema, { format: format || undefined });
  const { cursor: _cursor, limit: _limit, ...query } = parseHistoryQuery(params);
  const { stream, total } = await exportHistory({ db: getDb(), actor, filter: toHistoryFilter(query), format: f });
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return new Response(stream, {
    headers: {
      'content-type': f === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="parley-history-${stamp}.${f}"`,
      'x-total-count': String(total),
      'cache-control': 'no-store',
    },
  });
});
